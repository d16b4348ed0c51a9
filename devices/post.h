/* Port 0x80, where BIOSes write power-on self-test progress codes (a POST card's display).
 * On the AT it is the spare DMA page register, so reads give back the last value. */
#ifndef GLASS86_POST_H
#define GLASS86_POST_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct post;

#define POST_PORT 0x80

/* Create the port; with `log_changes` every new code goes to the machine log. NULL on
 * failure. Only port 0x80 is claimed: 0x81-0x8F stay free for the DMA page registers. */
struct post *post_create(struct machine *m, bool log_changes);
/* The last code written (what a debugger shows). */
uint8_t post_last(const struct post *p);
/* How many writes changed the code (a debugger can tell that the BIOS moved on). */
uint32_t post_changes(const struct post *p);

#endif
