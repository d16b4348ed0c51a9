/* Descriptors and tables as the debugger shows them: sreg (selectors and hidden caches),
 * info gdt / idt / ldt / tss, and page (a page-table walk). Everything is read with the
 * debugger's side-effect-free accessors: no accessed bits, no faults. Layouts: Intel SDM
 * vol. 3A, 3.4.5 (descriptors), 6.11 (gates), 7.2.1 (TSS), 4.3 (32-bit paging). */
#include <string.h>

#include "cpu/descriptor.h"
#include "frontend/dbg_internal.h"

/* The 5-bit S+type field in words. */
static const char *type_name(unsigned s_type)
{
    static const char *const sys[16] = {
        "reserved", "16-bit TSS (available)", "LDT", "16-bit TSS (busy)", "16-bit call gate",
        "task gate", "16-bit interrupt gate", "16-bit trap gate", "reserved",
        "32-bit TSS (available)", "reserved", "32-bit TSS (busy)", "32-bit call gate",
        "reserved", "32-bit interrupt gate", "32-bit trap gate",
    };
    static const char *const seg[16] = {
        "data read-only", "data read-only, accessed", "data read/write",
        "data read/write, accessed", "data read-only, expand-down",
        "data read-only, expand-down, accessed", "data read/write, expand-down",
        "data read/write, expand-down, accessed", "code execute-only",
        "code execute-only, accessed", "code execute/read", "code execute/read, accessed",
        "code execute-only, conforming", "code execute-only, conforming, accessed",
        "code execute/read, conforming", "code execute/read, conforming, accessed",
    };
    return (s_type & 0x10) ? seg[s_type & 15] : sys[s_type & 15];
}

/* Attributes as in segment.attr (descriptor bits 40..55). */
static void print_attr(FILE *out, uint16_t attr)
{
    fprintf(out, "%s, DPL %u%s", type_name(attr & 0x1F), (attr >> 5) & 3,
            (attr & 0x80) ? ", P" : ", not present");
    if (attr & 0x10) /* code/data: D/B, G, AVL */
        fprintf(out, ", %s%s%s", (attr & 0x4000) ? "32-bit" : "16-bit",
                (attr & 0x8000) ? ", G" : "", (attr & 0x1000) ? ", AVL" : "");
}

static void print_cache(FILE *out, const char *name, const struct segment *s)
{
    fprintf(out, "%-4s=%04x  base=%08x limit=%08x attr=%04x  ", name, s->selector, s->base,
            s->limit, s->attr);
    print_attr(out, s->attr);
    fputc('\n', out);
}

int cmd_sreg(struct debugger *d, int argc, char **argv)
{
    const struct cpu *c = &d->m->cpu;
    static const char *const names[] = { "es", "cs", "ss", "ds", "fs", "gs" };
    for (int k = 0; k < SEG_COUNT; k++)
        print_cache(d->out, names[k], &c->seg[k]);
    print_cache(d->out, "ldtr", &c->ldtr);
    print_cache(d->out, "tr", &c->tr);
    fprintf(d->out, "gdtr=base %08x limit %04x\nidtr=base %08x limit %04x\n", c->gdtr.base,
            c->gdtr.limit, c->idtr.base, c->idtr.limit);
    return 0;
}

static bool read_desc(struct machine *m, uint32_t table, uint32_t limit, unsigned index,
                      struct descriptor *dsc)
{
    uint32_t off = index * 8;
    if (off + 7 > limit)
        return false;
    uint32_t raw[2];
    if (!dbg_read_lin(m, table + off, raw, 8))
        return false;
    dsc->lo = raw[0];
    dsc->hi = raw[1];
    dsc->addr = table + off;
    return true;
}

bool dbg_selector_base(struct machine *m, uint16_t sel, uint32_t *base)
{
    const struct cpu *c = &m->cpu;
    if (!cpu_protected(c) || (c->eflags & FLAG_VM)) {
        *base = (uint32_t)sel << 4;
        return true;
    }
    struct descriptor dsc;
    bool ldt = sel & 4;
    uint32_t table = ldt ? c->ldtr.base : c->gdtr.base;
    uint32_t limit = ldt ? c->ldtr.limit : c->gdtr.limit;
    if ((!ldt && (sel & ~3) == 0) || !read_desc(m, table, limit, sel >> 3, &dsc))
        return false;
    *base = desc_base(&dsc);
    return true;
}

/* One descriptor of the GDT or LDT (or a gate of the IDT) on one line. */
static void print_desc(FILE *out, const struct descriptor *dsc)
{
    fprintf(out, "%08x%08x  ", dsc->hi, dsc->lo);
    if (dsc->lo == 0 && dsc->hi == 0) {
        fputs("null\n", out);
        return;
    }
    unsigned t = desc_type(dsc);
    bool gate = !desc_is_segment(dsc) && (t == DT_CALL_GATE16 || t == DT_CALL_GATE32 ||
                                          t == DT_TASK_GATE || (t & 0x6) == 0x6);
    if (gate) {
        fprintf(out, "%s to %04x:%08x", type_name(t), gate_selector(dsc),
                t == DT_TASK_GATE ? 0 : gate_offset(dsc));
        if (t == DT_CALL_GATE16 || t == DT_CALL_GATE32)
            fprintf(out, ", %u parameters", gate_param_count(dsc));
        fprintf(out, ", DPL %u%s\n", desc_dpl(dsc), desc_present(dsc) ? ", P" : ", not present");
        return;
    }
    fprintf(out, "base %08x limit %08x  ", desc_base(dsc), desc_limit(dsc));
    print_attr(out, desc_attr(dsc));
    fputc('\n', out);
}

/* "[FIRST [LAST]]" entry numbers for the info commands. */
static int entry_range(struct debugger *d, int argc, char **argv, unsigned count,
                       unsigned *first, unsigned *last)
{
    uint64_t a = 0, b = count ? count - 1 : 0;
    if (argc > 2 && !dbg_arg_u64(d, argv[2], &a))
        return -1;
    if (argc > 3 && !dbg_arg_u64(d, argv[3], &b))
        return -1;
    else if (argc == 3)
        b = a;
    if (b >= count)
        b = count ? count - 1 : 0;
    *first = (unsigned)a;
    *last = (unsigned)b;
    return 0;
}

static int print_table(struct debugger *d, int argc, char **argv, const char *name, uint32_t base,
                       uint32_t limit)
{
    unsigned count = (limit + 1) / 8, first, last;
    fprintf(d->out, "%s base %08x limit %04x (%u entries)\n", name, base, limit, count);
    if (count == 0 || entry_range(d, argc, argv, count, &first, &last) < 0)
        return count == 0 ? 0 : -1;
    for (unsigned k = first; k <= last && k < count; k++) {
        struct descriptor dsc;
        fprintf(d->out, "%s[0x%04x] ", name, k * 8);
        if (!read_desc(d->m, base, limit, k, &dsc))
            fputs("(not mapped)\n", d->out);
        else
            print_desc(d->out, &dsc);
    }
    return 0;
}

int cmd_info_gdt(struct debugger *d, int argc, char **argv)
{
    const struct cpu *c = &d->m->cpu;
    return print_table(d, argc, argv, "gdt", c->gdtr.base, c->gdtr.limit);
}

int cmd_info_ldt(struct debugger *d, int argc, char **argv)
{
    const struct cpu *c = &d->m->cpu;
    if (c->ldtr.selector == 0 && c->ldtr.base == 0)
        fputs("(no LDT loaded)\n", d->out);
    return print_table(d, argc, argv, "ldt", c->ldtr.base, c->ldtr.limit);
}

int cmd_info_idt(struct debugger *d, int argc, char **argv)
{
    const struct cpu *c = &d->m->cpu;
    if (cpu_protected(c)) {
        unsigned count = (c->idtr.limit + 1u) / 8, first, last;
        fprintf(d->out, "IDT base %08x limit %04x (%u gates)\n", c->idtr.base, c->idtr.limit, count);
        if (count == 0 || entry_range(d, argc, argv, count, &first, &last) < 0)
            return count == 0 ? 0 : -1;
        for (unsigned k = first; k <= last; k++) {
            struct descriptor dsc;
            fprintf(d->out, "idt[0x%02x] ", k);
            if (!read_desc(d->m, c->idtr.base, c->idtr.limit, k, &dsc))
                fputs("(not mapped)\n", d->out);
            else
                print_desc(d->out, &dsc);
        }
        return 0;
    }
    /* Real mode: the interrupt vector table, four bytes per vector. */
    unsigned count = (c->idtr.limit + 1u) / 4, first, last;
    if (count > 256)
        count = 256;
    fprintf(d->out, "IVT base %08x limit %04x (%u vectors)\n", c->idtr.base, c->idtr.limit, count);
    if (count == 0 || entry_range(d, argc, argv, count, &first, &last) < 0)
        return count == 0 ? 0 : -1;
    for (unsigned k = first; k <= last; k++) {
        uint16_t v[2];
        dbg_read_lin(d->m, c->idtr.base + k * 4, v, 4);
        char sym[128];
        const char *name = dbg_sym_name(d, ((uint32_t)v[1] << 4) + v[0], sym, sizeof sym);
        fprintf(d->out, "ivt[0x%02x] %04x:%04x%s%s%s\n", k, v[1], v[0], name ? "  <" : "",
                name ? name : "", name ? ">" : "");
    }
    return 0;
}

int cmd_info_tss(struct debugger *d, int argc, char **argv)
{
    const struct cpu *c = &d->m->cpu;
    const struct segment *tr = &c->tr;
    unsigned type = tr->attr & 0x1F;
    fprintf(d->out, "tr=%04x base %08x limit %08x  %s\n", tr->selector, tr->base, tr->limit,
            type_name(type));
    if (type == DT_TSS32_AVAIL || type == DT_TSS32_BUSY) {
        uint32_t t[26];
        memset(t, 0, sizeof t);
        dbg_read_lin(d->m, tr->base, t, sizeof t);
        FILE *o = d->out;
        fprintf(o, "link %04x  esp0 %04x:%08x  esp1 %04x:%08x  esp2 %04x:%08x\n", t[0] & 0xFFFF,
                t[2] & 0xFFFF, t[1], t[4] & 0xFFFF, t[3], t[6] & 0xFFFF, t[5]);
        fprintf(o, "cr3 %08x  eip %08x  eflags %08x\n", t[7], t[8], t[9]);
        fprintf(o, "eax %08x ecx %08x edx %08x ebx %08x esp %08x ebp %08x esi %08x edi %08x\n",
                t[10], t[11], t[12], t[13], t[14], t[15], t[16], t[17]);
        fprintf(o, "es %04x cs %04x ss %04x ds %04x fs %04x gs %04x  ldt %04x  T %u  iomap %04x\n",
                t[18] & 0xFFFF, t[19] & 0xFFFF, t[20] & 0xFFFF, t[21] & 0xFFFF, t[22] & 0xFFFF,
                t[23] & 0xFFFF, t[24] & 0xFFFF, t[25] & 1, t[25] >> 16);
    } else if (type == DT_TSS16_AVAIL || type == DT_TSS16_BUSY) {
        uint16_t t[22];
        memset(t, 0, sizeof t);
        dbg_read_lin(d->m, tr->base, t, sizeof t);
        FILE *o = d->out;
        fprintf(o, "link %04x  sp0 %04x:%04x  sp1 %04x:%04x  sp2 %04x:%04x\n", t[0], t[2], t[1],
                t[4], t[3], t[6], t[5]);
        fprintf(o, "ip %04x flags %04x ax %04x cx %04x dx %04x bx %04x sp %04x bp %04x si %04x di %04x\n",
                t[7], t[8], t[9], t[10], t[11], t[12], t[13], t[14], t[15], t[16]);
        fprintf(o, "es %04x cs %04x ss %04x ds %04x  ldt %04x\n", t[17], t[18], t[19], t[20], t[21]);
    } else {
        fputs("(no TSS loaded)\n", d->out);
    }
    return 0;
}

/* ---- page: the walk for one linear address ---- */

static void print_pte_bits(FILE *out, uint32_t e, bool pde)
{
    static const char *const names[] = { "P", "W", "U", "PWT", "PCD", "A", "D", "PS", "G" };
    for (unsigned k = 0; k < 9; k++) {
        if (pde && (k == 6 || k == 8) && !(e & 0x80))
            continue; /* D and G mean nothing in a PDE that points to a page table */
        if (!pde && k == 7) {
            fputs((e & 0x80) ? " PAT" : " pat", out); /* bit 7 of a PTE */
            continue;
        }
        bool set = (e >> k) & 1;
        fputc(' ', out);
        for (const char *p = names[k]; *p; p++)
            fputc(set ? *p : *p + 32, out);
    }
}

int cmd_page(struct debugger *d, int argc, char **argv)
{
    if (argc < 2)
        return dbg_error(d, "usage: page ADDR");
    char buf[256];
    struct dbg_addr a;
    if (dbg_eval_addr(d, dbg_join(argc, argv, 1, buf, sizeof buf), &a) < 0)
        return -1;
    struct machine *m = d->m;
    const struct cpu *c = &m->cpu;
    uint32_t lin = a.lin;
    if (!(c->cr[0] & 0x80000000u)) {
        fprintf(d->out, "linear %08x: paging is off, physical %08x\n", lin,
                lin & m->mem.a20_mask & m->mem.bus_mask);
        return 0;
    }
    uint32_t pd = c->cr[3] & 0xFFFFF000u;
    unsigned di = lin >> 22, ti = (lin >> 12) & 0x3FF;
    uint32_t pde_addr = pd + di * 4, pde = 0;
    dbg_read_phys(m, pde_addr, &pde, 4);
    fprintf(d->out, "linear %08x: page directory %08x (cr3 %08x)\n", lin, pd, c->cr[3]);
    fprintf(d->out, "  PDE[%03x] at %08x = %08x ", di, pde_addr, pde);
    print_pte_bits(d->out, pde, true);
    fputc('\n', d->out);
    if (!(pde & 1)) {
        fputs("  not present: an access faults (#PF)\n", d->out);
        return 0;
    }
    if ((pde & 0x80) && (c->cr[4] & 0x10)) {
        fprintf(d->out, "  4 MiB page at %08x: physical %08x\n", pde & 0xFFC00000u,
                (pde & 0xFFC00000u) | (lin & 0x3FFFFF));
        return 0;
    }
    uint32_t pte_addr = (pde & 0xFFFFF000u) + ti * 4, pte = 0;
    dbg_read_phys(m, pte_addr, &pte, 4);
    fprintf(d->out, "  PTE[%03x] at %08x = %08x ", ti, pte_addr, pte);
    print_pte_bits(d->out, pte, false);
    fputc('\n', d->out);
    if (!(pte & 1)) {
        fputs("  not present: an access faults (#PF)\n", d->out);
        return 0;
    }
    uint32_t both = pde & pte;
    fprintf(d->out, "  4 KiB page at %08x: physical %08x, %s, %s\n", pte & 0xFFFFF000u,
            (pte & 0xFFFFF000u) | (lin & 0xFFF), (both & 4) ? "user" : "supervisor only",
            (both & 2) ? "writable" : "read-only");
    return 0;
}

/* ---- info tab: every mapping of the current page tables ---- */

struct run {
    bool open;
    uint32_t lin, phys, size, flags;
};

static void flush_run(FILE *out, struct run *r)
{
    if (!r->open)
        return;
    fprintf(out, "%08x-%08x -> %08x-%08x  %s %s\n", r->lin, r->lin + r->size - 1, r->phys,
            r->phys + r->size - 1, (r->flags & 4) ? "user" : "supervisor",
            (r->flags & 2) ? "writable" : "read-only");
    r->open = false;
}

/* Add one page; contiguous pages with the same rights extend the current line. */
static void add_page(FILE *out, struct run *r, uint32_t lin, uint32_t phys, uint32_t size,
                     uint32_t flags)
{
    if (r->open && r->lin + r->size == lin && r->phys + r->size == phys && r->flags == flags &&
        r->size + size > r->size) {
        r->size += size;
        return;
    }
    flush_run(out, r);
    *r = (struct run){ true, lin, phys, size, flags };
}

int cmd_info_tab(struct debugger *d, int argc, char **argv)
{
    struct machine *m = d->m;
    const struct cpu *c = &m->cpu;
    if (!(c->cr[0] & 0x80000000u)) {
        fputs("paging is off: linear addresses are physical\n", d->out);
        return 0;
    }
    uint32_t pd = c->cr[3] & 0xFFFFF000u;
    struct run r = { 0 };
    unsigned lines = 0;
    for (uint32_t di = 0; di < 1024; di++) {
        uint32_t pde = 0;
        dbg_read_phys(m, pd + di * 4, &pde, 4);
        if (!(pde & 1)) {
            flush_run(d->out, &r);
            continue;
        }
        if ((pde & 0x80) && (c->cr[4] & 0x10)) {
            add_page(d->out, &r, di << 22, pde & 0xFFC00000u, 0x400000, pde & 6);
            continue;
        }
        uint32_t pt[1024];
        dbg_read_phys(m, pde & 0xFFFFF000u, pt, sizeof pt);
        for (uint32_t ti = 0; ti < 1024; ti++) {
            if (!(pt[ti] & 1)) {
                flush_run(d->out, &r);
                continue;
            }
            add_page(d->out, &r, (di << 22) | (ti << 12), pt[ti] & 0xFFFFF000u, 0x1000,
                     pde & pt[ti] & 6);
        }
        if (++lines > 100000)
            break;
    }
    flush_run(d->out, &r);
    return 0;
}
