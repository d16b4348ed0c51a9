/* Loading a raw BIOS ROM image and mapping it where a PC's firmware appears: the top of
 * the address bus (where the reset vector is fetched on the 286 and later) and the top
 * of the first MiB (IBM PC/AT technical reference, system memory map). */
#ifndef GLASS86_ROM_H
#define GLASS86_ROM_H

#include <stddef.h>
#include <stdint.h>

struct machine;

#define ROM_MAX_SIZE (1u << 20)         /* largest ROM image accepted: 1 MiB */
#define ROM_LOW_WINDOW (128u * 1024u)   /* the part also visible below 1 MiB: E0000-FFFFF */

/* Read a whole ROM file (1 byte to ROM_MAX_SIZE). Returns 0 and a malloc'ed buffer, or
 * -1 with a one-line reason in err. */
int rom_load_file(const char *path, uint8_t **data, uint32_t *size, char *err, size_t errlen);

/* Map a BIOS image so that its last byte is at the top of the model's address bus
 * (0xFFFFFFFF or 0xFFFFFF; not on the 8086, whose top is 1 MiB) and its last
 * min(size, 128 KiB) end at 0xFFFFF. Returns 0, or -1 with a reason in err. */
int rom_map_bios(struct machine *m, const uint8_t *data, uint32_t size, char *err,
                 size_t errlen);

#endif
