/* Port 0x61, "system control port B" of the PC/AT (IBM PC AT Technical Reference, System
 * board I/O, port 061): counter 2's gate and the speaker enable, the refresh toggle,
 * counter 2's OUT and the NMI status bits. */
#ifndef GLASS86_PORT61_H
#define GLASS86_PORT61_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct pit;
struct port61;

#define PORT61_PORT 0x61

/* Create the port; `pit` is the 8254 whose counter 2 it gates and reads. NULL on failure. */
struct port61 *port61_create(struct machine *m, struct pit *pit);

/* What the speaker does, for a frontend that makes sound. The cone follows counter 2's OUT
 * when data_enable is set; with gate2 set too and counter 2 running in mode 2 or 3 the
 * tone is PIT_HZ / period. `changes` counts writes that changed gate2 or data_enable. */
struct speaker_state {
    bool gate2;
    bool data_enable;
    uint32_t period;
    uint32_t changes;
};
void port61_speaker(struct port61 *p, struct speaker_state *out);

#endif
