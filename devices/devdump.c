/* Text helpers for the devices' debugger dumps (see devdump.h). */
#include "devices/devdump.h"

#include <ctype.h>
#include <stdbool.h>

void dump_flags(FILE *out, uint32_t v, const char *const names[], unsigned count)
{
    for (unsigned k = count; k-- > 0;) {
        if (!names[k])
            continue;
        fputc(' ', out);
        bool set = (v >> k) & 1;
        for (const char *p = names[k]; *p; p++)
            fputc(set ? toupper((unsigned char)*p) : tolower((unsigned char)*p), out);
    }
}

void dump_bit_list(FILE *out, const char *what, uint32_t mask, unsigned width, unsigned first)
{
    if (!mask)
        return;
    fprintf(out, " (%s", what);
    for (unsigned k = 0; k < width; k++)
        if ((mask >> k) & 1)
            fprintf(out, " %u", first + k);
    fputc(')', out);
}

void dump_hex_rows(FILE *out, const uint8_t *b, unsigned len, unsigned addr)
{
    for (unsigned k = 0; k < len; k += 16) {
        fprintf(out, "  %04x:", addr + k);
        for (unsigned j = k; j < k + 16 && j < len; j++)
            fprintf(out, " %02x", b[j]);
        fputc('\n', out);
    }
}
