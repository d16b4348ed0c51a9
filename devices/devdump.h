/* Text helpers for the devices' debugger dumps (struct device_ops.dump, `info device
 * NAME`): flag bits shown the way the debugger shows EFLAGS (a name in capitals when the
 * bit is set, in small letters when clear), lists of set bits, and hex rows. */
#ifndef GLASS86_DEVDUMP_H
#define GLASS86_DEVDUMP_H

#include <stdint.h>
#include <stdio.h>

/* " NAME..." for bits count-1 down to 0 of v; names[k] names bit k (NULL: not shown). */
void dump_flags(FILE *out, uint32_t v, const char *const names[], unsigned count);
/* " (irq 1 4)" for the set bits of an 8-bit mask, numbered from `first`; nothing if none. */
void dump_bit_list(FILE *out, const char *what, uint32_t mask, unsigned width, unsigned first);
/* Rows of 16 bytes: "  0010: 00 11 ..." with `addr` the address of b[0]. */
void dump_hex_rows(FILE *out, const uint8_t *b, unsigned len, unsigned addr);

#endif
