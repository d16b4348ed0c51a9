/* The saved state of a whole machine: the CPU, RAM (zlib-compressed), virtual time and
 * every attached device's record, behind a header with a format version and a CRC-32,
 * so that "run N, save, load into a fresh machine, run M" retires the same instructions
 * and ends in the same state as "run N+M". Disk images are host configuration, not state. */
#ifndef GLASS86_SNAPSHOT_H
#define GLASS86_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "machine/state.h"

struct machine;

/* Save between two instructions (never from inside machine_run()). 0, or -1 with a reason
 * (out of memory). */
int machine_save(struct machine *m, struct state_buf *out, char *err, size_t errlen);

/* Load a state saved by a machine built the same way (same CPU model, RAM size, devices
 * in the same order: the same pc_config). The header, the CRC and every record are
 * checked before anything is changed, so bad input leaves the machine as it was; a
 * device that refuses its record after that leaves it half loaded. 0, or -1 with a
 * one-line reason in err. */
int machine_load(struct machine *m, const uint8_t *data, size_t len, char *err, size_t errlen);

/* The same through a file. */
int machine_save_file(struct machine *m, const char *path, char *err, size_t errlen);
int machine_load_file(struct machine *m, const char *path, char *err, size_t errlen);

#endif
