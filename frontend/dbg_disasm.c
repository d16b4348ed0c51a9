/* Disassembly with Capstone, in 16- or 32-bit mode as CS.D says (or as the user asks),
 * and the one-line instruction format shared by u, the stop reports, the trace and the
 * ring: "CS:EIP  linear  <symbol+off>  bytes  instruction". */
#include <string.h>

#include "frontend/dbg_internal.h"

int dbg_disasm_open(struct debugger *d)
{
    if (cs_open(CS_ARCH_X86, CS_MODE_16, &d->cs16) != CS_ERR_OK)
        return -1;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &d->cs32) != CS_ERR_OK) {
        cs_close(&d->cs16);
        return -1;
    }
    return 0;
}

void dbg_disasm_close(struct debugger *d)
{
    cs_close(&d->cs16);
    cs_close(&d->cs32);
}

unsigned dbg_disasm(struct debugger *d, const uint8_t *bytes, unsigned n, uint32_t eip,
                    bool code32, char *text, size_t len)
{
    cs_insn *insn = NULL;
    size_t count = cs_disasm(code32 ? d->cs32 : d->cs16, bytes, n, eip, 1, &insn);
    if (count == 0) {
        snprintf(text, len, "(bad)");
        return 0;
    }
    if (insn[0].op_str[0])
        snprintf(text, len, "%s %s", insn[0].mnemonic, insn[0].op_str);
    else
        snprintf(text, len, "%s", insn[0].mnemonic);
    unsigned size = insn[0].size;
    cs_free(insn, count);
    return size;
}

unsigned dbg_print_insn_bytes(struct debugger *d, FILE *out, uint16_t sel, uint32_t eip,
                              uint32_t lin, bool code32, const uint8_t *bytes, unsigned n)
{
    char text[160], hex[40] = "", sym[128];
    unsigned len = dbg_disasm(d, bytes, n, eip, code32, text, sizeof text);
    unsigned shown = len ? len : (n ? 1 : 0);
    for (unsigned k = 0; k < shown && k < 12; k++)
        snprintf(hex + 2 * k, sizeof hex - 2 * k, "%02x", bytes[k]);
    if (n == 0)
        snprintf(text, sizeof text, "(not mapped)");
    const char *name = dbg_sym_name(d, lin, sym, sizeof sym);
    fprintf(out, "%04x:%0*x  %08x  ", sel, code32 ? 8 : 4, eip, lin);
    if (name)
        fprintf(out, "<%s>  ", name);
    fprintf(out, "%-16s  %s\n", hex, text);
    return len;
}

unsigned dbg_print_insn(struct debugger *d, FILE *out, uint16_t sel, uint32_t eip, uint32_t lin,
                        bool code32)
{
    uint8_t bytes[15];
    unsigned n = dbg_fetch_code(d->m, lin, bytes, sizeof bytes);
    unsigned len = dbg_print_insn_bytes(d, out, sel, eip, lin, code32, bytes, n);
    return len ? len : 1;
}

void dbg_print_next(struct debugger *d)
{
    const struct cpu *c = &d->m->cpu;
    uint32_t eip = cpu_code32(c) ? c->eip : c->eip & 0xFFFF;
    dbg_print_insn(d, d->out, c->seg[SEG_CS].selector, eip, c->seg[SEG_CS].base + eip,
                   cpu_code32(c));
}

/* u [/16|/32] [ADDR] [N] */
int cmd_u(struct debugger *d, int argc, char **argv)
{
    const struct cpu *c = &d->m->cpu;
    bool code32 = cpu_code32(c);
    int a = 1;
    if (a < argc && (strcmp(argv[a], "/16") == 0 || strcmp(argv[a], "/32") == 0)) {
        code32 = argv[a][1] == '3';
        a++;
    }
    uint16_t sel = c->seg[SEG_CS].selector;
    uint32_t eip = code32 ? c->eip : c->eip & 0xFFFF;
    uint32_t base = c->seg[SEG_CS].base;
    uint64_t count = 10;
    bool wrap = !code32;
    if (a < argc) {
        struct dbg_addr ad;
        if (dbg_eval_addr(d, argv[a], &ad) < 0)
            return -1;
        if (ad.has_seg) {
            sel = ad.sel;
            eip = ad.off;
            base = ad.lin - ad.off;
        } else if (ad.lin >= base && ad.lin - base <= c->seg[SEG_CS].limit) {
            eip = ad.lin - base; /* a linear address CS covers: shown as CS:offset */
        } else if (!code32 && ad.lin < 0x100000) {
            sel = (uint16_t)((ad.lin >> 4) & 0xF000); /* 16-bit code below 1 MiB: seg:off */
            base = (uint32_t)sel << 4;
            eip = ad.lin - base;
        } else {
            sel = 0;
            base = 0;
            eip = ad.lin;
            wrap = false;
        }
        a++;
    }
    if (a < argc && !dbg_arg_u64(d, argv[a], &count))
        return -1;
    if (count > 1000)
        count = 1000;
    for (uint64_t k = 0; k < count; k++) {
        unsigned len = dbg_print_insn(d, d->out, sel, eip, base + eip, code32);
        eip += len;
        if (wrap)
            eip &= 0xFFFF; /* IP wraps in its segment */
    }
    return 0;
}
