/* Comparison and reports (see report.h). Disassembly: Capstone in 32-bit x86 mode, Intel
 * syntax. Flag names: Intel SDM vol. 1, figure 3-8 (EFLAGS). */
#include "report.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <string.h>

#include "templates.h"

static const char *const reg_names[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};

static uint32_t eflags_mask(uint16_t undef) { return ~(uint32_t)undef; }

bool cmp_match(const struct dt_result *host, const struct emu_result *emu, uint16_t undef)
{
    if (host->status != DT_OK || emu->status != EMU_OK || emu->unimplemented)
        return false;
    for (int r = 0; r < 8; r++)
        if (host->regs.gpr[r] != emu->regs.gpr[r])
            return false;
    uint32_t fm = eflags_mask(undef);
    if ((host->regs.eflags & fm) != (emu->regs.eflags & fm))
        return false;
    return memcmp(host->scratch, emu->scratch, DT_SCRATCH_SIZE) == 0 &&
           memcmp(host->stack, emu->stack, DT_STACK_SIZE) == 0;
}

static void flag_names(char *buf, size_t n, uint32_t f)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{0x200000, "ID"}, {0x40000, "AC"}, {0x20000, "VM"}, {0x10000, "RF"},
                 {0x4000, "NT"},   {0x800, "OF"},   {0x400, "DF"},   {0x200, "IF"},
                 {0x100, "TF"},    {0x80, "SF"},    {0x40, "ZF"},    {0x10, "AF"},
                 {0x4, "PF"},      {0x1, "CF"}};
    size_t at = 0;
    buf[0] = 0;
    for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++) {
        if (!(f & names[k].bit))
            continue;
        int w = snprintf(buf + at, n - at, "%s%s", at ? " " : "", names[k].name);
        if (w < 0 || (size_t)w >= n - at)
            break;
        at += (size_t)w;
    }
    if (f & 0x3000) {
        int w = snprintf(buf + at, n - at, "%sIOPL=%u", at ? " " : "", (unsigned)((f >> 12) & 3));
        (void)w;
    }
}

static void print_regs(FILE *f, const char *indent, const struct dt_regs *r)
{
    char fl[96];
    flag_names(fl, sizeof fl, r->eflags);
    fprintf(f, "%sEAX=%08" PRIx32 " ECX=%08" PRIx32 " EDX=%08" PRIx32 " EBX=%08" PRIx32 "\n",
            indent, r->gpr[0], r->gpr[1], r->gpr[2], r->gpr[3]);
    fprintf(f, "%sESP=%08" PRIx32 " EBP=%08" PRIx32 " ESI=%08" PRIx32 " EDI=%08" PRIx32 "\n",
            indent, r->gpr[4], r->gpr[5], r->gpr[6], r->gpr[7]);
    fprintf(f, "%sEFLAGS=%08" PRIx32 " [%s]\n", indent, r->eflags, fl);
}

/* Disassemble [off, off+len) of the code, one line per instruction. */
static void disasm(FILE *f, csh cs, const struct dt_seq *s, unsigned off, unsigned len,
                   const char *lead, const char *indent)
{
    cs_insn *insn = NULL;
    size_t n = cs ? cs_disasm(cs, s->code + off, len, DT_CODE_BASE + off, 0, &insn) : 0;
    unsigned done = 0;
    for (size_t k = 0; k < n; k++) {
        char hex[64];
        size_t at = 0;
        for (unsigned b = 0; b < insn[k].size && at + 4 < sizeof hex; b++)
            at += (size_t)snprintf(hex + at, sizeof hex - at, "%02x ", insn[k].bytes[b]);
        fprintf(f, "%s%08" PRIx64 "  %-30s %s %s\n", k == 0 ? lead : indent, insn[k].address, hex,
                insn[k].mnemonic, insn[k].op_str);
        done += insn[k].size;
    }
    if (n)
        cs_free(insn, n);
    if (done < len) {
        /* Capstone stopped: show the rest as bytes. */
        fprintf(f, "%s%08x  ", done == 0 ? lead : indent, DT_CODE_BASE + off + done);
        for (unsigned b = done; b < len; b++)
            fprintf(f, "%02x ", s->code[off + b]);
        fprintf(f, "(not disassembled)\n");
    }
}

static void print_unit(FILE *f, csh cs, const struct dt_seq *s, unsigned u)
{
    const struct dt_unit *un = &s->units[u];
    char lead[32];
    snprintf(lead, sizeof lead, "    #%-3u %-9s ", u,
             un->tmpl < tmpl_count ? tmpl_table[un->tmpl].name : "?");
    disasm(f, cs, s, un->offset, un->len, lead, "                   ");
}

static csh open_cs(void)
{
    csh cs = 0;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK)
        return 0;
    return cs;
}

void report_sequence(FILE *f, const struct dt_seq *s)
{
    csh cs = open_cs();
    fprintf(f, "  code: %u units, %u bytes at %08x (then HLT)\n", s->unit_count, s->code_len,
            DT_CODE_BASE);
    for (unsigned u = 0; u < s->unit_count; u++)
        print_unit(f, cs, s, u);
    fprintf(f, "  initial state:\n");
    print_regs(f, "    ", &s->init);
    char fl[96];
    flag_names(fl, sizeof fl, s->undef);
    fprintf(f, "  flags undefined at the end (not compared): %s\n", s->undef ? fl : "none");
    if (cs)
        cs_close(&cs);
}

static int unit_of(const struct dt_seq *s, uint32_t eip)
{
    for (unsigned u = 0; u < s->unit_count; u++)
        if (eip >= DT_CODE_BASE + s->units[u].offset &&
            eip < DT_CODE_BASE + s->units[u].offset + s->units[u].len)
            return (int)u;
    return -1;
}

static void print_memdiff(FILE *f, const char *what, uint32_t base, const uint8_t *exp,
                          const uint8_t *got, unsigned size)
{
    unsigned shown = 0;
    for (unsigned k = 0; k < size;) {
        if (exp[k] == got[k]) {
            k++;
            continue;
        }
        unsigned end = k;
        while (end < size && end - k < 16 && exp[end] != got[end])
            end++;
        if (shown++ == 8) {
            fprintf(f, "    (more %s differences)\n", what);
            return;
        }
        fprintf(f, "    %s %08x: expected", what, base + k);
        for (unsigned b = k; b < end; b++)
            fprintf(f, " %02x", exp[b]);
        fprintf(f, "  got");
        for (unsigned b = k; b < end; b++)
            fprintf(f, " %02x", got[b]);
        fprintf(f, "\n");
        k = end;
    }
}

static void print_host_status(FILE *f, const struct dt_seq *s, const struct dt_result *host)
{
    if (host->status == DT_FAULT) {
        int u = unit_of(s, host->fault_eip);
        fprintf(f, "  the HOST faulted (a generator bug): signal %u at %08x (unit #%d), address %08x\n",
                host->signo, host->fault_eip, u, host->fault_addr);
    } else if (host->status == DT_STRAY) {
        fprintf(f, "  the HOST wrote outside the scratch buffer and stack window (a generator bug)\n");
    }
}

void report_mismatch(FILE *f, const struct report_ctx *ctx, const struct dt_seq *s,
                     const struct dt_result *host, const struct emu_result *emu, int first_unit)
{
    fprintf(f, "difftest: MISMATCH in sequence %" PRIu64 " (seed %" PRIu64 ", cpu %s)\n", s->index,
            ctx->seed, ctx->cpu_name);
    fprintf(f, "  reproduce: tools/difftest %s --start %" PRIu64 " --count 1 --verbose\n",
            ctx->repro, s->index);
    report_sequence(f, s);
    print_host_status(f, s, host);
    if (emu->unimplemented)
        fprintf(f, "  glass86 met something it does not implement yet (cpu.stats.unimplemented_ud "
                   "+%" PRIu64 ")\n", emu->unimplemented);
    if (emu->status != EMU_OK) {
        fprintf(f, "  glass86: %s", emu_status_name(emu->status));
        if (emu->status == EMU_EXCEPTION) {
            static const char *const names[32] = {
                "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?", "#TS",
                "#NP", "#SS", "#GP", "#PF", "?", "#MF", "#AC", "#MC", "#XM"};
            const char *name = emu->vector < 32 && names[emu->vector] ? names[emu->vector] : "?";
            fprintf(f, ": vector %d (%s) at %08x (unit #%d)", emu->vector, name, emu->fault_eip,
                    unit_of(s, emu->fault_eip));
            if (emu->error_code != EMU_NO_ERROR_CODE)
                fprintf(f, ", error code %04x", emu->error_code);
        } else {
            fprintf(f, " (EIP %08x, last instruction at %08x, unit #%d)", emu->eip,
                    emu->insn_eip, unit_of(s, emu->insn_eip));
        }
        fprintf(f, "\n");
    }
    if (host->status == DT_OK && emu->status == EMU_OK) {
        fprintf(f, "  differences (expected = host, got = glass86):\n");
        for (int r = 0; r < 8; r++)
            if (host->regs.gpr[r] != emu->regs.gpr[r])
                fprintf(f, "    %-6s expected %08" PRIx32 "  got %08" PRIx32 "\n", reg_names[r],
                        host->regs.gpr[r], emu->regs.gpr[r]);
        uint32_t fm = eflags_mask(s->undef);
        uint32_t fd = (host->regs.eflags ^ emu->regs.eflags) & fm;
        if (fd) {
            char a[96], b[96], d[96];
            flag_names(a, sizeof a, host->regs.eflags);
            flag_names(b, sizeof b, emu->regs.eflags);
            flag_names(d, sizeof d, fd);
            fprintf(f, "    EFLAGS expected %08" PRIx32 " [%s]  got %08" PRIx32 " [%s]  differ: %s\n",
                    host->regs.eflags, a, emu->regs.eflags, b, d);
        }
        print_memdiff(f, "scratch", DT_SCRATCH_BASE, host->scratch, emu->scratch, DT_SCRATCH_SIZE);
        print_memdiff(f, "stack", DT_STACK_LO, host->stack, emu->stack, DT_STACK_SIZE);
    }
    if (first_unit >= 0) {
        csh cs = open_cs();
        if (first_unit == 0)
            fprintf(f, "  first diverging unit (the first one, run alone):\n");
        else
            fprintf(f, "  first diverging unit (units #0..#%d agree with the host when run alone):\n",
                    first_unit - 1);
        print_unit(f, cs, s, (unsigned)first_unit);
        if (cs)
            cs_close(&cs);
    }
    fprintf(f, "\n");
}

void report_native_problem(FILE *f, const struct report_ctx *ctx, const struct dt_seq *s,
                           const struct dt_result *host, const char *what)
{
    fprintf(f, "difftest: NATIVE PROBLEM in sequence %" PRIu64 " (seed %" PRIu64 "): %s\n",
            s->index, ctx->seed, what);
    fprintf(f, "  reproduce: tools/difftest %s --start %" PRIu64 " --count 1 --native-only --verbose\n",
            ctx->repro, s->index);
    report_sequence(f, s);
    print_host_status(f, s, host);
    fprintf(f, "\n");
}
