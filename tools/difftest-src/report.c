/* Comparison and reports (see report.h). Disassembly: Capstone in 32-bit x86 mode, Intel
 * syntax. Flag names: Intel SDM vol. 1, figure 3-8 (EFLAGS). */
#include "report.h"

#include <capstone/capstone.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>

#include "cpu/cpu.h"

#include "templates.h"

static const char *const reg_names[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};

static uint32_t eflags_mask(uint16_t undef) { return ~(uint32_t)undef; }

/* The parts of two FNSAVE images compared: CW, SW (TOP included), the tag word, and the
 * eight registers, empty ones too (a pop leaves the value in the register). Not the
 * instruction and operand pointers: the selectors differ between the two sides. */
#define FPU_CW 0
#define FPU_SW 4
#define FPU_TW 8
#define FPU_ST 28
static uint16_t img16(const uint8_t *img, unsigned at) { return (uint16_t)(img[at] | img[at + 1] << 8); }

static bool fpu_match(const uint8_t *a, const uint8_t *b, uint16_t fcc_undef)
{
    uint16_t swm = (uint16_t)~fcc_undef;
    return img16(a, FPU_CW) == img16(b, FPU_CW) &&
           (img16(a, FPU_SW) & swm) == (img16(b, FPU_SW) & swm) &&
           img16(a, FPU_TW) == img16(b, FPU_TW) && memcmp(a + FPU_ST, b + FPU_ST, 80) == 0;
}

uint64_t fpu_ulp_distance(const uint8_t *a, const uint8_t *b)
{
    if (img16(a, FPU_CW) != img16(b, FPU_CW) || img16(a, FPU_TW) != img16(b, FPU_TW))
        return UINT64_MAX;
    uint64_t worst = 0;
    for (unsigned st = 0; st < 8; st++) {
        const uint8_t *x = a + FPU_ST + 10 * st, *y = b + FPU_ST + 10 * st;
        if (memcmp(x, y, 10) == 0)
            continue;
        if (img16(x, 8) != img16(y, 8))
            return UINT64_MAX;
        uint64_t sx, sy;
        memcpy(&sx, x, 8);
        memcpy(&sy, y, 8);
        uint64_t d = sx > sy ? sx - sy : sy - sx;
        if (d > worst)
            worst = d;
    }
    return worst;
}

static void print_st(FILE *f, const uint8_t *v)
{
    fprintf(f, "%04x:%02x%02x%02x%02x%02x%02x%02x%02x", img16(v, 8), v[7], v[6], v[5], v[4], v[3],
            v[2], v[1], v[0]);
}

static void print_fpu_diff(FILE *f, const uint8_t *exp, const uint8_t *got, uint16_t fcc_undef)
{
    if (fcc_undef)
        fprintf(f, "    (SW bits %04x are undefined at the end: not compared)\n", fcc_undef);
    static const struct { const char *name; unsigned at; } words[] = {
        {"CW", FPU_CW}, {"SW", FPU_SW}, {"TW", FPU_TW}};
    for (unsigned k = 0; k < 3; k++)
        if (img16(exp, words[k].at) != img16(got, words[k].at))
            fprintf(f, "    x87 %s expected %04x  got %04x\n", words[k].name, img16(exp, words[k].at),
                    img16(got, words[k].at));
    for (unsigned st = 0; st < 8; st++) {
        const uint8_t *a = exp + FPU_ST + 10 * st, *b = got + FPU_ST + 10 * st;
        if (memcmp(a, b, 10) == 0)
            continue;
        fprintf(f, "    ST%u expected ", st);
        print_st(f, a);
        fprintf(f, "  got ");
        print_st(f, b);
        fprintf(f, "\n");
    }
}

static void print_fpu_state(FILE *f, const char *indent, const uint8_t *img)
{
    fprintf(f, "%sx87 CW=%04x SW=%04x (TOP %u) TW=%04x\n", indent, img16(img, FPU_CW),
            img16(img, FPU_SW), (img16(img, FPU_SW) >> 11) & 7, img16(img, FPU_TW));
    for (unsigned st = 0; st < 8; st++) {
        fprintf(f, "%s%sST%u=", indent, st % 4 ? " " : "", st);
        print_st(f, img + FPU_ST + 10 * st);
        if (st % 4 == 3)
            fprintf(f, "\n");
    }
}

bool host_fault_expected(const struct dt_result *host)
{
    return host->status == DT_FAULT && host->signo == SIGSEGV && host->trapno == EXC_PF &&
           host->fault_addr >= DT_RO_PAGE && host->fault_addr < DT_NOMAP_PAGE + 4096;
}

/* The unit holding `eip`, or -1. */
static int unit_of(const struct dt_seq *s, uint32_t eip)
{
    for (unsigned u = 0; u < s->unit_count; u++)
        if (eip >= DT_CODE_BASE + s->units[u].offset &&
            eip < DT_CODE_BASE + s->units[u].offset + s->units[u].len)
            return (int)u;
    return -1;
}

/* The flags undefined at the point the host faulted: those undefined before its unit (a
 * CMP the unit may start with defines them, so this may leave out a few defined ones). */
static uint16_t fault_undef(const struct dt_seq *s, uint32_t eip)
{
    int u = unit_of(s, eip);
    if (u >= 0 && s->units[u].tmpl < tmpl_count) {
        const struct tmpl *t = &tmpl_table[s->units[u].tmpl];
        /* REP CMPS/SCAS interrupted part way: the SDM keeps ESI, EDI and ECX for the
         * restart but says nothing of the flags, which the restart computes anew. Intel
         * hosts show the flags from before the instruction, glass86 those of the last
         * iteration done (as Bochs does): not compared. */
        if (t->kind == K_STRING && (t->fw & FALL))
            return FALL;
    }
    return u > 0 ? s->units[u - 1].undef : 0;
}

uint16_t cmp_undef(const struct dt_seq *s, const struct dt_result *host)
{
    return host_fault_expected(host) ? fault_undef(s, host->fault_eip) : s->undef;
}

bool cmp_match(const struct dt_seq *s, const struct dt_result *host, const struct emu_result *emu)
{
    if (emu->unimplemented)
        return false;
    uint16_t undef = cmp_undef(s, host);
    if (host_fault_expected(host)) {
        /* A page fault: the same instruction, CR2 and error code (P, W/R, U/S, RSVD), and
         * the state before the instruction. */
        if (emu->status != EMU_EXCEPTION || emu->vector != EXC_PF ||
            emu->fault_eip != host->fault_eip || emu->cr2 != host->fault_addr ||
            (emu->error_code & DT_PF_ERR_MASK) != (host->err & DT_PF_ERR_MASK))
            return false;
    } else if (host->status != DT_OK || emu->status != EMU_OK) {
        return false;
    }
    for (int r = 0; r < 8; r++)
        if (host->regs.gpr[r] != emu->regs.gpr[r])
            return false;
    uint32_t fm = eflags_mask(undef);
    if ((host->regs.eflags & fm) != (emu->regs.eflags & fm))
        return false;
    if (s->fpu_on && !fpu_match(host->fpu, emu->fpu, s->fcc_undef))
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
    fprintf(f, "  code: %u units, %u bytes at %08x (then the exit: HLT, INT 30h at CPL 3)\n",
            s->unit_count, s->code_len,
            DT_CODE_BASE);
    for (unsigned u = 0; u < s->unit_count; u++)
        print_unit(f, cs, s, u);
    fprintf(f, "  initial state:\n");
    print_regs(f, "    ", &s->init);
    if (s->fpu_on)
        print_fpu_state(f, "    ", s->fpu);
    char fl[96];
    flag_names(fl, sizeof fl, s->undef);
    fprintf(f, "  flags undefined at the end (not compared): %s\n", s->undef ? fl : "none");
    if (cs)
        cs_close(&cs);
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
    if (host_fault_expected(host)) {
        fprintf(f, "  the host took a page fault at %08x (unit #%d): address %08x, error code %04x\n",
                host->fault_eip, unit_of(s, host->fault_eip), host->fault_addr, host->err);
    } else if (host->status == DT_FAULT) {
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
            if (emu->vector == EXC_PF)
                fprintf(f, ", CR2 %08x", emu->cr2);
        } else {
            fprintf(f, " (EIP %08x, last instruction at %08x, unit #%d)", emu->eip,
                    emu->insn_eip, unit_of(s, emu->insn_eip));
        }
        fprintf(f, "\n");
    }
    bool both_faulted = host_fault_expected(host) && emu->status == EMU_EXCEPTION;
    if ((host->status == DT_OK && emu->status == EMU_OK) || both_faulted) {
        fprintf(f, "  differences (expected = host, got = glass86):\n");
        for (int r = 0; r < 8; r++)
            if (host->regs.gpr[r] != emu->regs.gpr[r])
                fprintf(f, "    %-6s expected %08" PRIx32 "  got %08" PRIx32 "\n", reg_names[r],
                        host->regs.gpr[r], emu->regs.gpr[r]);
        uint32_t fm = eflags_mask(cmp_undef(s, host));
        uint32_t fd = (host->regs.eflags ^ emu->regs.eflags) & fm;
        if (fd) {
            char a[96], b[96], d[96];
            flag_names(a, sizeof a, host->regs.eflags);
            flag_names(b, sizeof b, emu->regs.eflags);
            flag_names(d, sizeof d, fd);
            fprintf(f, "    EFLAGS expected %08" PRIx32 " [%s]  got %08" PRIx32 " [%s]  differ: %s\n",
                    host->regs.eflags, a, emu->regs.eflags, b, d);
        }
        if (s->fpu_on)
            print_fpu_diff(f, host->fpu, emu->fpu, s->fcc_undef);
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
