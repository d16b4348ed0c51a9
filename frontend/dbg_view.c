/* Registers in the debugger: reading and setting them by name, and the views r, creg,
 * dreg, fpu, info cpu and info device. A register that changed since the debugger last
 * stopped is marked with '*' (Blink's idea: show what the last steps did). Bit names
 * print in capitals when set, in lower case when clear, as Bochs prints them. */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "cpu/dcache.h"
#include "frontend/dbg_internal.h"
#include "mmu/mem.h"

static const char *const gpr32[] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
static const char *const gpr16[] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
static const char *const gpr8[] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };
static const char *const sregs[] = { "es", "cs", "ss", "ds", "fs", "gs" };
static const struct { const char *name; uint32_t bit; } flag_bits[] = {
    { "cf", FLAG_CF }, { "pf", FLAG_PF }, { "af", FLAG_AF }, { "zf", FLAG_ZF }, { "sf", FLAG_SF },
    { "tf", FLAG_TF }, { "if", FLAG_IF }, { "df", FLAG_DF }, { "of", FLAG_OF },
};

static int find(const char *const *names, unsigned n, const char *name)
{
    for (unsigned k = 0; k < n; k++)
        if (strcasecmp(names[k], name) == 0)
            return (int)k;
    return -1;
}

/* "cr0".."cr4", "dr0".."dr7": the number, or -1. */
static int numbered(const char *name, const char *prefix, int max)
{
    if (strncasecmp(name, prefix, 2) != 0 || name[2] < '0' || name[2] > '0' + max || name[3])
        return -1;
    return name[2] - '0';
}

bool dbg_reg_get(struct debugger *d, const char *name, uint64_t *v)
{
    const struct cpu *c = &d->m->cpu;
    int k;
    if ((k = find(gpr32, 8, name)) >= 0)
        *v = c->gpr[k];
    else if ((k = find(gpr16, 8, name)) >= 0)
        *v = cpu_reg16(c, (unsigned)k);
    else if ((k = find(gpr8, 8, name)) >= 0)
        *v = cpu_reg8(c, (unsigned)k);
    else if ((k = find(sregs, 6, name)) >= 0)
        *v = c->seg[k].selector;
    else if (strcasecmp(name, "eip") == 0 || strcasecmp(name, "pc") == 0)
        *v = c->eip;
    else if (strcasecmp(name, "ip") == 0)
        *v = c->eip & 0xFFFF;
    else if (strcasecmp(name, "eflags") == 0)
        *v = cpu_get_eflags(c);
    else if (strcasecmp(name, "flags") == 0)
        *v = cpu_get_eflags(c) & 0xFFFF;
    else if ((k = numbered(name, "cr", 4)) >= 0 && k != 1)
        *v = c->cr[k];
    else if ((k = numbered(name, "dr", 7)) >= 0)
        *v = c->dr[k];
    else if (strcasecmp(name, "cpl") == 0)
        *v = c->cpl;
    else if (strcasecmp(name, "icount") == 0)
        *v = c->icount;
    else {
        for (unsigned f = 0; f < sizeof flag_bits / sizeof flag_bits[0]; f++) {
            if (strcasecmp(name, flag_bits[f].name) == 0) {
                *v = (cpu_get_eflags(c) & flag_bits[f].bit) != 0;
                return true;
            }
        }
        return false;
    }
    return true;
}

static int set_failed(struct debugger *d, const char *msg, const char *name)
{
    snprintf(d->err, sizeof d->err, msg, name);
    return -1;
}

int dbg_reg_set(struct debugger *d, const char *name, uint64_t v)
{
    struct machine *m = d->m;
    struct cpu *c = &m->cpu;
    int k;
    if ((k = find(gpr32, 8, name)) >= 0) {
        c->gpr[k] = (uint32_t)v;
    } else if ((k = find(gpr16, 8, name)) >= 0) {
        cpu_set_reg16(c, (unsigned)k, (uint16_t)v);
    } else if ((k = find(gpr8, 8, name)) >= 0) {
        cpu_set_reg8(c, (unsigned)k, (uint8_t)v);
    } else if ((k = find(sregs, 6, name)) >= 0) {
        /* Only where a selector alone defines the segment; in protected mode a load has
         * checks and a descriptor, which the debugger does not fake. */
        if (cpu_protected(c) && !(c->eflags & FLAG_VM))
            return set_failed(d, "%s can be set in real and V86 mode only", name);
        cpu_load_seg_real(m, k, (uint16_t)v);
    } else if (strcasecmp(name, "eip") == 0 || strcasecmp(name, "pc") == 0) {
        c->eip = (uint32_t)v;
    } else if (strcasecmp(name, "ip") == 0) {
        c->eip = (uint16_t)v;
    } else if (strcasecmp(name, "eflags") == 0 || strcasecmp(name, "flags") == 0) {
        uint32_t old = cpu_get_eflags(c);
        uint32_t val = strcasecmp(name, "flags") == 0 ? (old & 0xFFFF0000u) | (uint16_t)v : (uint32_t)v;
        cpu_set_eflags(c, val);
    } else if ((k = numbered(name, "cr", 4)) >= 0 && k != 1) {
        c->cr[k] = (uint32_t)v;
        if (k != 2) {
            /* Paging or protection changed under the CPU's feet: forget translations. */
            tlb_flush(m);
            dcache_flush(m);
        }
    } else if ((k = numbered(name, "dr", 7)) >= 0) {
        c->dr[k] = (uint32_t)v;
    } else {
        for (unsigned f = 0; f < sizeof flag_bits / sizeof flag_bits[0]; f++) {
            if (strcasecmp(name, flag_bits[f].name) == 0) {
                uint32_t fl = cpu_get_eflags(c) & ~flag_bits[f].bit;
                cpu_set_eflags(c, fl | (v ? flag_bits[f].bit : 0));
                return 0;
            }
        }
        return set_failed(d, "unknown register '%s'", name);
    }
    return 0;
}

void dbg_snapshot(const struct machine *m, struct dbg_regsnap *s)
{
    const struct cpu *c = &m->cpu;
    memcpy(s->gpr, c->gpr, sizeof s->gpr);
    s->eip = c->eip;
    s->eflags = cpu_get_eflags(c);
    memcpy(s->cr, c->cr, sizeof s->cr);
    for (int k = 0; k < 6; k++)
        s->sel[k] = c->seg[k].selector;
}

/* Bochs's style: capitals for set bits. */
static void print_bits(FILE *out, uint32_t v, const char *const *names, const uint32_t *bits, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        bool set = (v & bits[k]) != 0;
        fputc(' ', out);
        for (const char *p = names[k]; *p; p++)
            fputc(set ? (*p >= 'a' && *p <= 'z' ? *p - 32 : *p) : *p, out);
    }
}

void dbg_print_eflags(FILE *out, uint32_t eflags)
{
    static const char *const n1[] = { "id", "vip", "vif", "ac", "vm", "rf", "nt" };
    static const uint32_t b1[] = { FLAG_ID, FLAG_VIP, FLAG_VIF, FLAG_AC, FLAG_VM, FLAG_RF, FLAG_NT };
    static const char *const n2[] = { "of", "df", "if", "tf", "sf", "zf", "af", "pf", "cf" };
    static const uint32_t b2[] = { FLAG_OF, FLAG_DF, FLAG_IF, FLAG_TF, FLAG_SF, FLAG_ZF,
                                   FLAG_AF, FLAG_PF, FLAG_CF };
    print_bits(out, eflags, n1, b1, 7);
    fprintf(out, " IOPL=%u", (eflags >> 12) & 3);
    print_bits(out, eflags, n2, b2, 9);
}

/* After a value: '*' when it changed since the guest last ran, else nothing. */
static const char *mark(const struct debugger *d, bool changed)
{
    return d->shown_valid && changed ? "*" : "";
}

static void print_regs(struct debugger *d)
{
    struct dbg_regsnap now;
    dbg_snapshot(d->m, &now);
    const struct dbg_regsnap *was = &d->shown;
    const struct cpu *c = &d->m->cpu;
    static const int order[] = { EAX, EBX, ECX, EDX, ESI, EDI, EBP, ESP };
    for (int k = 0; k < 8; k++) {
        int r = order[k];
        const char *mk = mark(d, now.gpr[r] != was->gpr[r]);
        fprintf(d->out, "%s=%08x%s%s", gpr32[r], now.gpr[r], mk,
                k % 4 == 3 ? "\n" : *mk ? " " : "  ");
    }
    char sym[128];
    const char *name = dbg_sym_name(d, c->seg[SEG_CS].base + c->eip, sym, sizeof sym);
    const char *mk = mark(d, now.eip != was->eip);
    fprintf(d->out, "eip=%08x%s%s", now.eip, mk, *mk ? " " : "  ");
    if (name)
        fprintf(d->out, "<%s>  ", name);
    fprintf(d->out, "eflags=%08x%s", now.eflags, mark(d, now.eflags != was->eflags));
    dbg_print_eflags(d->out, now.eflags);
    fputc('\n', d->out);
    for (int k = 0; k < 6; k++) {
        static const int sorder[] = { SEG_CS, SEG_DS, SEG_ES, SEG_SS, SEG_FS, SEG_GS };
        int s = sorder[k];
        mk = mark(d, now.sel[s] != was->sel[s]);
        fprintf(d->out, "%s=%04x%s%s", sregs[s], now.sel[s], mk, *mk ? " " : "  ");
    }
    fprintf(d->out, "%s, CPL %u, %u-bit code, icount %llu\n", dbg_mode_name(dbg_cpu_mode(c)),
            c->cpl, cpu_code32(c) ? 32 : 16, (unsigned long long)c->icount);
}

int cmd_setreg(struct debugger *d, int argc, char **argv)
{
    char buf[512];
    const char *text = dbg_join(argc, argv, 1, buf, sizeof buf);
    /* One or more "REG=EXPR", separated by commas or spaces before a new "REG=". */
    char work[512];
    snprintf(work, sizeof work, "%s", text);
    char *p = work;
    if (!*p)
        return dbg_error(d, "usage: setreg REG=VALUE");
    while (*p) {
        char *eq = strchr(p, '=');
        if (!eq)
            return dbg_error(d, "usage: setreg REG=VALUE");
        char *name = p;
        char *name_end = eq;
        while (name_end > name && name_end[-1] == ' ')
            name_end--;
        *name_end = '\0';
        char *val = eq + 1;
        char *next = strchr(val, ',');
        if (next)
            *next++ = '\0';
        uint64_t v;
        if (dbg_eval(d, val, &v) < 0)
            return -1;
        if (dbg_reg_set(d, name, v) < 0)
            return dbg_error(d, "%s", d->err);
        p = next ? next : val + strlen(val);
        while (*p == ' ')
            p++;
    }
    return 0;
}

int cmd_regs(struct debugger *d, int argc, char **argv)
{
    if (argc > 1)
        return cmd_setreg(d, argc, argv); /* r eax=5 */
    print_regs(d);
    return 0;
}

int cmd_creg(struct debugger *d, int argc, char **argv)
{
    const struct cpu *c = &d->m->cpu;
    static const char *const n0[] = { "pg", "cd", "nw", "am", "wp", "ne", "et", "ts", "em", "mp", "pe" };
    static const uint32_t b0[] = { 1u << 31, 1u << 30, 1u << 29, 1u << 18, 1u << 16, 1u << 5,
                                   1u << 4, 1u << 3, 1u << 2, 1u << 1, 1u << 0 };
    static const char *const n4[] = { "pce", "pge", "mce", "pae", "pse", "de", "tsd", "pvi", "vme" };
    static const uint32_t b4[] = { 1u << 8, 1u << 7, 1u << 6, 1u << 5, 1u << 4, 1u << 3,
                                   1u << 2, 1u << 1, 1u << 0 };
    fprintf(d->out, "cr0=%08x:", c->cr[0]);
    print_bits(d->out, c->cr[0], n0, b0, 11);
    fprintf(d->out, "\ncr2=%08x  (linear address of the last page fault)\n", c->cr[2]);
    fprintf(d->out, "cr3=%08x:  page directory at %08x%s%s\n", c->cr[3], c->cr[3] & 0xFFFFF000u,
            (c->cr[3] & 0x10) ? " PCD" : " pcd", (c->cr[3] & 0x08) ? " PWT" : " pwt");
    fprintf(d->out, "cr4=%08x:", c->cr[4]);
    print_bits(d->out, c->cr[4], n4, b4, 9);
    fputc('\n', d->out);
    return 0;
}

int cmd_dreg(struct debugger *d, int argc, char **argv)
{
    const struct cpu *c = &d->m->cpu;
    static const char *const rw[] = { "execute", "write", "i/o", "read/write" };
    static const unsigned len[] = { 1, 2, 8, 4 };
    uint32_t dr7 = c->dr[7];
    for (int k = 0; k < 4; k++) {
        unsigned type = (dr7 >> (16 + 4 * k)) & 3, l = (dr7 >> (18 + 4 * k)) & 3;
        fprintf(d->out, "dr%d=%08x  %s%s %s, %u byte%s\n", k, c->dr[k],
                (dr7 >> (2 * k)) & 1 ? "L" : "l", (dr7 >> (2 * k + 1)) & 1 ? "G" : "g",
                rw[type], len[l], len[l] > 1 ? "s" : "");
    }
    uint32_t dr6 = c->dr[6];
    fprintf(d->out, "dr6=%08x: %s %s %s %s %s %s %s\n", dr6, dr6 & 1 ? "B0" : "b0",
            dr6 & 2 ? "B1" : "b1", dr6 & 4 ? "B2" : "b2", dr6 & 8 ? "B3" : "b3",
            dr6 & 0x2000 ? "BD" : "bd", dr6 & 0x4000 ? "BS" : "bs", dr6 & 0x8000 ? "BT" : "bt");
    fprintf(d->out, "dr7=%08x: %s %s\n", dr7, dr7 & 0x100 ? "LE" : "le", dr7 & 0x200 ? "GE" : "ge");
    return 0;
}

/* ---- x87 ---- */

static const char *tag_name(unsigned tag)
{
    static const char *const names[] = { "valid", "zero", "special", "empty" };
    return names[tag & 3];
}

static void print_f80(FILE *out, struct f80 v)
{
    fprintf(out, "%04x %016llx  ", v.se, (unsigned long long)v.sig);
    switch (f80_classify(v)) {
    case F80_ZERO: fputs(f80_sign(v) ? "-0" : "+0", out); break;
    case F80_INF: fputs(f80_sign(v) ? "-inf" : "+inf", out); break;
    case F80_QNAN: fputs("qnan", out); break;
    case F80_SNAN: fputs("snan", out); break;
    case F80_UNSUPPORTED: fputs("unsupported", out); break;
    default: {
        int e = (int)f80_exp(v) - F80_BIAS - 63;
        if (f80_exp(v) == 0)
            e = 1 - F80_BIAS - 63; /* denormals */
        long double x = ldexpl((long double)v.sig, e);
        fprintf(out, "%.18Lg", f80_sign(v) ? -x : x);
        break;
    }
    }
}

int cmd_fpu(struct debugger *d, int argc, char **argv)
{
    const struct fpu *f = &d->m->cpu.fpu;
    if (d->m->cpu.model->id < CPU_386) {
        fprintf(d->out, "glass86 models no x87 for the %s\n", d->m->cpu.model->name);
        return 0;
    }
    unsigned top = (f->sw >> 11) & 7;
    static const char *const exc[] = { "pe", "ue", "oe", "ze", "de", "ie" };
    static const uint32_t excb[] = { 0x20, 0x10, 0x08, 0x04, 0x02, 0x01 };
    fprintf(d->out, "status  %04x: TOP=%u C3=%u C2=%u C1=%u C0=%u %s %s", f->sw, top,
            (f->sw >> 14) & 1, (f->sw >> 10) & 1, (f->sw >> 9) & 1, (f->sw >> 8) & 1,
            f->sw & FSW_ES ? "ES" : "es", f->sw & FSW_SF ? "SF" : "sf");
    print_bits(d->out, f->sw, exc, excb, 6);
    static const char *const rc[] = { "nearest", "down", "up", "zero" };
    static const char *const pc[] = { "single", "reserved", "double", "extended" };
    static const char *const masks[] = { "pm", "um", "om", "zm", "dm", "im" };
    fprintf(d->out, "\ncontrol %04x: RC=%s PC=%s masks", f->cw, rc[(f->cw >> 10) & 3],
            pc[(f->cw >> 8) & 3]);
    print_bits(d->out, f->cw, masks, excb, 6);
    uint16_t tw = fpu_tag_word(f);
    fprintf(d->out, "\ntag     %04x  last instruction %04x:%08x opcode %03x, operand %04x:%08x\n",
            tw, f->fcs, f->fip, f->fop, f->fds, f->fdp);
    for (unsigned i = 0; i < 8; i++) {
        unsigned r = (top + i) & 7;
        fprintf(d->out, "st%u (r%u) %-7s ", i, r, tag_name(tw >> (2 * r)));
        print_f80(d->out, f->reg[r]);
        fputc('\n', d->out);
    }
    return 0;
}

/* ---- info cpu, info device ---- */

int cmd_info_cpu(struct debugger *d, int argc, char **argv)
{
    const struct cpu *c = &d->m->cpu;
    const struct cpu_stats *s = &c->stats;
    uint64_t lookups = s->blocks_decoded + s->block_hits;
    fprintf(d->out, "model %s, %s, CPL %u, %u-bit code%s%s\n", c->model->name,
            dbg_mode_name(dbg_cpu_mode(c)), c->cpl, cpu_code32(c) ? 32 : 16,
            c->halted ? ", halted" : "", c->shutdown ? ", shut down (triple fault)" : "");
    fprintf(d->out, "instructions retired %llu, virtual time %llu ns\n",
            (unsigned long long)c->icount, (unsigned long long)sched_now(d->m));
    fprintf(d->out, "decode cache: %llu blocks decoded, %llu hits (%.2f%%), %llu flushes\n",
            (unsigned long long)s->blocks_decoded, (unsigned long long)s->block_hits,
            lookups ? 100.0 * (double)s->block_hits / (double)lookups : 0.0,
            (unsigned long long)s->dcache_flushes);
    fprintf(d->out, "self-modifying code invalidations %llu, TLB misses %llu, "
                    "unimplemented-opcode #UD %llu\n",
            (unsigned long long)s->smc_invalidations, (unsigned long long)s->tlb_misses,
            (unsigned long long)s->unimplemented_ud);
    return 0;
}

/* Bochs's names for the devices of its `info` commands, where glass86's differ. "serial"
 * stands for every UART (com1..com4). */
static const struct { const char *bochs, *ours; } device_aliases[] = {
    { "cmos", "rtc" }, { "keyboard", "i8042" }, { "floppy", "fdc" }, { "harddrv", "ide" },
    { "dma", "dma8237" }, { "serial", "com" },
};

static void dump_device(struct debugger *d, const struct device_instance *di)
{
    if (di->ops->dump)
        di->ops->dump(di->dev, d->out);
    else
        fprintf(d->out, "%s: no details\n", di->ops->name);
}

int dbg_info_device_named(struct debugger *d, const char *arg)
{
    struct machine *m = d->m;
    char name[64];
    size_t n = strlen(arg);
    /* Bochs writes the name in quotes: info device 'pic' */
    if (n >= 2 && (arg[0] == '\'' || arg[0] == '"') && arg[n - 1] == arg[0]) {
        arg++;
        n -= 2;
    }
    snprintf(name, sizeof name, "%.*s", (int)n, arg);
    bool prefix = false;
    for (size_t k = 0; k < sizeof device_aliases / sizeof device_aliases[0]; k++)
        if (strcasecmp(name, device_aliases[k].bochs) == 0) {
            prefix = strcmp(device_aliases[k].bochs, "serial") == 0;
            snprintf(name, sizeof name, "%s", device_aliases[k].ours);
        }
    int shown = 0;
    for (int k = 0; k < m->device_count; k++) {
        const struct device_instance *di = &m->devices[k];
        bool match = prefix ? strncasecmp(di->ops->name, name, strlen(name)) == 0
                            : strcasecmp(di->ops->name, name) == 0;
        if (!match)
            continue;
        if (prefix)
            fprintf(d->out, "%s: ", di->ops->name);
        dump_device(d, di);
        shown++;
    }
    return shown ? 0 : -1;
}

int cmd_info_device(struct debugger *d, int argc, char **argv)
{
    struct machine *m = d->m;
    if (argc < 3) {
        fprintf(d->out, "devices:");
        for (int k = 0; k < m->device_count; k++)
            fprintf(d->out, " %s%s", m->devices[k].ops->name, m->devices[k].ops->dump ? "" : "(-)");
        fprintf(d->out, "\n(-): no details to show.  Port owners:\n");
        /* The I/O map, one line per contiguous range of one handler. */
        for (uint32_t p = 0; p < 0x10000;) {
            uint8_t o = m->io.owner[p];
            uint32_t q = p;
            while (q < 0x10000 && m->io.owner[q] == o)
                q++;
            if (o)
                fprintf(d->out, "  %04x-%04x  %s\n", p, q - 1, m->io.handlers[o - 1].name);
            p = q;
        }
        return 0;
    }
    if (dbg_info_device_named(d, argv[2]) == 0)
        return 0;
    return dbg_error(d, "no device '%s' (info device lists them)", argv[2]);
}
