/* Instruction forms of test files and test bytes (see opkey.h). Prefix bytes are those of
 * the Intel SDM vol. 2A, 2.1.1; on the 8086 (8086 user's manual) 64-67 are not prefixes. */
#include "opkey.h"

#include <stdio.h>

static int hexdigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int hexbyte(const char *s)
{
    int hi = hexdigit(s[0]);
    if (hi < 0)
        return -1;
    int lo = hexdigit(s[1]);
    return lo < 0 ? -1 : hi << 4 | lo;
}

bool opkey_from_label(const char *label, struct opkey *k)
{
    int op = hexbyte(label);
    if (op < 0)
        return false;
    const char *p = label + 2;
    k->map = 0;
    if (op == 0x0F && hexbyte(p) >= 0) {
        k->map = 1;
        op = hexbyte(p);
        p += 2;
    }
    k->opcode = op;
    k->reg = -1;
    if (*p == '.' && p[1] >= '0' && p[1] <= '7' && p[2] == '\0') {
        k->reg = p[1] - '0';
        return true;
    }
    return *p == '\0';
}

static bool is_prefix(uint8_t b, bool prefixes_386)
{
    switch (b) {
    case 0x26: case 0x2E: case 0x36: case 0x3E: case 0xF0: case 0xF2: case 0xF3:
        return true;
    case 0xF1: /* an alias of LOCK on the 8086 only */
        return !prefixes_386;
    case 0x64: case 0x65: case 0x66: case 0x67:
        return prefixes_386;
    default:
        return false;
    }
}

bool opkey_from_bytes(const uint8_t *b, size_t n, bool has_0f_map, bool prefixes_386,
                      bool want_reg, struct opkey *k)
{
    size_t i = 0;
    while (i < n && is_prefix(b[i], prefixes_386))
        i++;
    if (i >= n)
        return false;
    k->map = 0;
    k->opcode = b[i++];
    if (k->opcode == 0x0F && has_0f_map) {
        if (i >= n)
            return false;
        k->map = 1;
        k->opcode = b[i++];
    }
    k->reg = -1;
    if (want_reg) {
        if (i >= n)
            return false;
        k->reg = (b[i] >> 3) & 7;
    }
    return true;
}

int opkey_reg_from_bytes(const uint8_t *b, size_t n, const struct opkey *k, bool prefixes_386)
{
    size_t i = 0;
    /* A file's opcode is never a prefix byte, so stopping at it is unambiguous. */
    while (i < n && is_prefix(b[i], prefixes_386) && !(k->map == 0 && b[i] == k->opcode))
        i++;
    if (k->map == 1) {
        if (i + 1 >= n || b[i] != 0x0F || b[i + 1] != k->opcode)
            return -1;
        i += 2;
    } else {
        if (i >= n || b[i] != k->opcode)
            return -1;
        i++;
    }
    return i < n ? (b[i] >> 3) & 7 : -1;
}

void opkey_format(const struct opkey *k, char *out, size_t outlen)
{
    if (k->map)
        snprintf(out, outlen, k->reg >= 0 ? "0F%02X.%d" : "0F%02X", k->opcode, k->reg);
    else
        snprintf(out, outlen, k->reg >= 0 ? "%02X.%d" : "%02X", k->opcode, k->reg);
}
