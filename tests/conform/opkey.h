/* Which instruction form a test exercises: opcode map, opcode and, for group opcodes,
 * ModRM.reg. Test files are named after it ("F6.6", "D8", "0F01.3"); files of group
 * opcodes such as 8F, C6 and C7 hold all reg forms, so reg is then read from the bytes. */
#ifndef GLASS86_CONFORM_OPKEY_H
#define GLASS86_CONFORM_OPKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct opkey {
    int map;      /* 0: one-byte opcodes, 1: 0F xx */
    int opcode;
    int reg;      /* 0..7, or -1 when the form is not chosen by ModRM.reg */
};

/* Parse a file label "XX", "XX.R", "0FXX" or "0FXX.R" (hex, any case). */
bool opkey_from_label(const char *label, struct opkey *k);

/* The form of one instruction from its bytes: prefixes skipped, then the opcode (two
 * bytes after 0F when `has_0f_map`), then ModRM.reg if `want_reg`. `prefixes_386` adds
 * 64-67 to the prefixes (on the 8086 they are aliases of Jcc). False if the bytes end
 * early. */
bool opkey_from_bytes(const uint8_t *b, size_t n, bool has_0f_map, bool prefixes_386,
                      bool want_reg, struct opkey *k);

/* ModRM.reg of an instruction whose opcode is known: skip prefixes up to that opcode.
 * -1 if the bytes do not contain it where expected. */
int opkey_reg_from_bytes(const uint8_t *b, size_t n, const struct opkey *k, bool prefixes_386);

/* "F6.6", "D8", "0F01.3" */
void opkey_format(const struct opkey *k, char *out, size_t outlen);

#endif
