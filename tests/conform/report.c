/* Text for the runner's output (see report.h). Disassembly is Capstone's Intel syntax. */
#include "report.h"

#include <stdio.h>
#include <string.h>

int disasm_open(struct disasm *d)
{
    memset(d, 0, sizeof *d);
    d->ok16 = cs_open(CS_ARCH_X86, CS_MODE_16, &d->h16) == CS_ERR_OK;
    d->ok32 = cs_open(CS_ARCH_X86, CS_MODE_32, &d->h32) == CS_ERR_OK;
    return d->ok16 && d->ok32 ? 0 : -1;
}

void disasm_close(struct disasm *d)
{
    if (d->ok16)
        cs_close(&d->h16);
    if (d->ok32)
        cs_close(&d->h32);
    d->ok16 = d->ok32 = false;
}

const char *test_name(const struct tc_file *f, const struct tc_test *t)
{
    return t->name_len ? (const char *)f->blob + t->name_off : "";
}

void report_name(struct sbuf *b, const struct tc_file *f, const struct tc_test *t)
{
    /* A damaged file can put anything in a name; keep the terminal sane. */
    const char *s = test_name(f, t);
    for (uint32_t i = 0; i < t->name_len; i++) {
        char c = s[i] >= 0x20 && s[i] < 0x7F ? s[i] : '?';
        sbuf_append(b, &c, 1);
    }
}

static void put_value(struct sbuf *b, uint32_t v, unsigned digits)
{
    if (v > 0xFFFF && digits < 8)
        digits = 8;
    sbuf_printf(b, "0x%0*X", (int)digits, v);
}

void report_diff(struct sbuf *b, const struct diff *d)
{
    switch (d->kind) {
    case DIFF_REG:
        sbuf_printf(b, "%s expected ", tc_reg_names[d->reg]);
        put_value(b, d->expected, 4);
        sbuf_printf(b, " got ");
        put_value(b, d->got, 4);
        if ((d->mask & 0xFFFF) != 0xFFFF)
            sbuf_printf(b, " (masked 0x%04X)", d->mask & 0xFFFF);
        break;
    case DIFF_SEGBASE:
        sbuf_printf(b, "%s base expected 0x%05X (selector * 16) got 0x%05X",
                    tc_reg_names[d->reg], d->expected, d->got);
        break;
    case DIFF_RAM:
        sbuf_printf(b, "ram[0x%06X] expected 0x%02X got 0x%02X", d->addr, d->expected, d->got);
        if (d->mask != 0xFF)
            sbuf_printf(b, " (pushed FLAGS byte, masked 0x%02X)", d->mask);
        break;
    case DIFF_STRAY:
        sbuf_printf(b, "ram[0x%06X] written with 0x%02X, but no list mentions it (expected "
                    "unchanged)", d->addr, d->got);
        break;
    case DIFF_NO_HLT:
        sbuf_printf(b, "HLT not reached after %u instructions", d->got);
        break;
    case DIFF_SHUTDOWN:
        sbuf_printf(b, "the CPU shut down (triple fault)");
        break;
    default:
        sbuf_printf(b, "unknown difference %u", d->kind);
        break;
    }
}

void report_insn(struct sbuf *b, struct disasm *d, bool code32, const struct tc_file *f,
                 const struct tc_test *t)
{
    const uint8_t *bytes = tc_bytes(f, t);
    size_t n = t->bytes_len;
    csh h = code32 ? d->h32 : d->h16;
    bool ok = code32 ? d->ok32 : d->ok16;
    cs_insn *insn = NULL;
    size_t count = 0, skipped = 0;
    /* Capstone refuses LOCK in front of an instruction that cannot take it, which is
     * exactly what the 80286 files test; then the rest is decoded on its own. */
    while (ok && skipped < n) {
        count = cs_disasm(h, bytes + skipped, n - skipped, t->init.regs[TC_IP] + skipped, 1, &insn);
        if (count || bytes[skipped] != 0xF0)
            break;
        skipped++;
    }
    size_t len = count ? skipped + insn[0].size : n;
    for (size_t i = 0; i < len; i++)
        sbuf_printf(b, i ? " %02x" : "%02x", bytes[i]);
    if (count) {
        sbuf_printf(b, "  %s%s%s%s", skipped ? "lock " : "", insn[0].mnemonic,
                    insn[0].op_str[0] ? " " : "", insn[0].op_str);
        cs_free(insn, count);
    } else {
        sbuf_printf(b, "  (Capstone cannot decode this; test name: ");
        report_name(b, f, t);
        sbuf_printf(b, ")");
    }
}

static void put_regs(struct sbuf *b, const uint16_t regs[TC_NREGS], uint16_t present)
{
    for (int r = 0; r < TC_NREGS; r++)
        if (present & (1u << r))
            sbuf_printf(b, " %s=%04X", tc_reg_names[r], regs[r]);
}

static void put_ram(struct sbuf *b, const struct tc_ram *ram, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i && i % 8 == 0)
            sbuf_printf(b, "\n              ");
        sbuf_printf(b, " %06X=%02X", ram[i].addr, ram[i].value);
    }
}

void report_details(struct sbuf *b, const struct tc_file *f, const struct tc_test *t,
                    const struct expectation *e, const struct test_result *r)
{
    for (unsigned i = 0; i < r->ndiffs; i++) {
        sbuf_printf(b, "        ");
        report_diff(b, &r->d[i]);
        sbuf_printf(b, "\n");
    }
    if (r->total_diffs > r->ndiffs)
        sbuf_printf(b, "        ... and %u more differences\n", r->total_diffs - r->ndiffs);
    sbuf_printf(b, "      initial:");
    put_regs(b, e->init, TC_ALL_REGS);
    sbuf_printf(b, "\n      init ram:");
    put_ram(b, tc_state_ram(f, &t->init), t->init.ram_count);
    sbuf_printf(b, "\n      final:  ");
    put_regs(b, t->fina.regs, t->fina.present);
    sbuf_printf(b, "\n      fina ram:");
    put_ram(b, tc_state_ram(f, &t->fina), t->fina.ram_count);
    sbuf_printf(b, "\n");
    if (e->flags_mask != 0xFFFF)
        sbuf_printf(b, "      undefined flags masked with 0x%04X\n", e->flags_mask);
    if (e->exception)
        sbuf_printf(b, "      exception: pushed FLAGS at 0x%06X/0x%06X%s\n", e->flags_addr[0],
                    e->flags_addr[1], t->has_excp ? "" : " (a divide error, found by its vector)");
    if (t->has_excp)
        sbuf_printf(b, "      EXCP: vector %u, FLAGS recorded at 0x%06X\n", t->excp_vector,
                    t->excp_flags_addr);
    if (r->unimplemented)
        sbuf_printf(b, "      the run hit an opcode glass86 does not implement (#UD)\n");
}
