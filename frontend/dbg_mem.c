/* Guest memory as the debugger sees it: reads that never fault, never set accessed or
 * dirty bits and never touch MMIO (a device read can change the device), writes through
 * phys_write() so decoded code is invalidated; and the commands x, xp, setpmem, setmem,
 * writemem and print-stack. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/dbg_internal.h"
#include "mmu/mem.h"
#include "mmu/translate.h"

bool dbg_lin_to_phys(struct machine *m, uint32_t lin, uint32_t *phys)
{
    return mmu_peek(m, lin, phys);
}

bool dbg_read_phys(struct machine *m, uint32_t phys, void *buf, size_t n)
{
    uint8_t *out = buf;
    bool all = true;
    for (size_t k = 0; k < n; k++) {
        uint32_t a = (phys + (uint32_t)k) & m->mem.a20_mask & m->mem.bus_mask;
        bool writable;
        const uint8_t *host = physmem_host(&m->mem, a, &writable);
        out[k] = host ? *host : 0xFF;
        if (!host)
            all = false;
    }
    return all;
}

bool dbg_read_lin(struct machine *m, uint32_t lin, void *buf, size_t n)
{
    uint8_t *out = buf;
    bool ok = true;
    while (n) {
        size_t chunk = 0x1000 - (lin & 0xFFF);
        if (chunk > n)
            chunk = n;
        uint32_t phys;
        if (dbg_lin_to_phys(m, lin, &phys)) {
            dbg_read_phys(m, phys, out, chunk);
        } else {
            memset(out, 0, chunk);
            ok = false;
        }
        out += chunk;
        lin += (uint32_t)chunk;
        n -= chunk;
    }
    return ok;
}

unsigned dbg_fetch_code(struct machine *m, uint32_t lin, uint8_t *buf, unsigned n)
{
    /* The TLB entry the CPU fetched with is the cheap way; the walk is the fallback. */
    const struct tlb_entry *e = &m->tlb.e[m->cpu.user][(lin >> 12) & (TLB_SIZE - 1)];
    if (e->read_tag == (lin & PAGE_MASK) && (lin & 0xFFF) + n <= 0x1000) {
        memcpy(buf, e->host + (lin & 0xFFF), n);
        return n;
    }
    unsigned got = 0;
    while (got < n) {
        uint32_t phys;
        if (!dbg_lin_to_phys(m, lin + got, &phys))
            break;
        dbg_read_phys(m, phys, &buf[got], 1);
        got++;
    }
    return got;
}

void dbg_write_phys(struct machine *m, uint32_t phys, const void *buf, size_t n)
{
    phys_write_bytes(m, phys, buf, n);
}

bool dbg_write_lin(struct machine *m, uint32_t lin, const void *buf, size_t n)
{
    const uint8_t *in = buf;
    for (size_t k = 0; k < n; k++) {
        uint32_t phys;
        if (!dbg_lin_to_phys(m, lin + (uint32_t)k, &phys))
            return false;
        phys_write(m, phys, in[k], 1);
    }
    return true;
}

/* ---- x / xp ---- */

/* "/Nuf": count, unit (b h w g) and format (x d u c); defaults 16 bytes in hex. */
struct dump_fmt {
    unsigned count, unit;
    char format;
};

static int parse_fmt(struct debugger *d, const char *s, struct dump_fmt *f)
{
    s++; /* the '/' */
    unsigned n = 0;
    bool have_n = false;
    while (*s >= '0' && *s <= '9') {
        n = n * 10 + (unsigned)(*s++ - '0');
        have_n = true;
        if (n > 65536)
            return dbg_error(d, "at most 65536 units");
    }
    if (have_n)
        f->count = n ? n : 1;
    for (; *s; s++) {
        switch (*s) {
        case 'b': f->unit = 1; break;
        case 'h': f->unit = 2; break;
        case 'w': f->unit = 4; break;
        case 'g': f->unit = 8; break;
        case 'x': case 'd': case 'u': case 'c': f->format = *s; break;
        default:
            return dbg_error(d, "unknown format letter '%c' (units b h w g, formats x d u c)", *s);
        }
    }
    return 0;
}

static void print_ascii(FILE *out, const uint8_t *p, unsigned n)
{
    fputs("  |", out);
    for (unsigned k = 0; k < n; k++)
        fputc(p[k] >= 0x20 && p[k] < 0x7F ? p[k] : '.', out);
    fputc('|', out);
}

static uint64_t unit_value(const uint8_t *p, unsigned unit)
{
    uint64_t v = 0;
    memcpy(&v, p, unit);
    return v;
}

static void print_unit(FILE *out, uint64_t v, unsigned unit, char format)
{
    switch (format) {
    case 'd': {
        int64_t s = unit == 8 ? (int64_t)v : (int64_t)(v << (64 - 8 * unit)) >> (64 - 8 * unit);
        fprintf(out, " %*lld", (int)(unit * 3 + 1), (long long)s);
        break;
    }
    case 'u':
        fprintf(out, " %*llu", (int)(unit * 3), (unsigned long long)v);
        break;
    case 'c':
        fprintf(out, " %c", v >= 0x20 && v < 0x7F ? (int)v : '.');
        break;
    default:
        fprintf(out, " %0*llx", (int)(unit * 2), (unsigned long long)v);
        break;
    }
}

static int dump(struct debugger *d, int argc, char **argv, bool phys)
{
    struct dump_fmt f = { 16, 1, 'x' };
    int a = 1;
    if (a < argc && argv[a][0] == '/') {
        if (parse_fmt(d, argv[a], &f) < 0)
            return -1;
        a++;
    }
    if (a >= argc)
        return dbg_error(d, "usage: %s [/Nuf] ADDR", argv[0]);
    char buf[256];
    uint32_t start;
    if (phys) {
        uint64_t v;
        if (dbg_eval(d, dbg_join(argc, argv, a, buf, sizeof buf), &v) < 0)
            return -1;
        start = (uint32_t)v;
    } else {
        struct dbg_addr ad;
        if (dbg_eval_addr(d, dbg_join(argc, argv, a, buf, sizeof buf), &ad) < 0)
            return -1;
        start = ad.lin;
    }
    size_t total = (size_t)f.count * f.unit;
    uint8_t *bytes = malloc(total);
    if (!bytes)
        return dbg_error(d, "out of memory");
    bool ok = phys ? dbg_read_phys(d->m, start, bytes, total) : dbg_read_lin(d->m, start, bytes, total);
    unsigned per_line = f.format == 'x' ? 16 : 8;
    if (per_line < f.unit)
        per_line = f.unit;
    for (size_t off = 0; off < total; off += per_line) {
        unsigned n = total - off < per_line ? (unsigned)(total - off) : per_line;
        fprintf(d->out, "%08x:", start + (uint32_t)off);
        for (unsigned k = 0; k < n; k += f.unit)
            print_unit(d->out, unit_value(bytes + off + k, f.unit), f.unit, f.format);
        if (f.format == 'x') {
            /* Pad a short last line so the ASCII column lines up. */
            for (unsigned k = n; k < per_line; k += f.unit)
                fprintf(d->out, " %*s", (int)(f.unit * 2), "");
            print_ascii(d->out, bytes + off, n);
        }
        fputc('\n', d->out);
    }
    if (!ok)
        fprintf(d->out, phys ? "(bytes outside RAM and ROM read as ff: MMIO is not read)\n"
                             : "(unmapped pages read as 00)\n");
    free(bytes);
    return 0;
}

int cmd_x(struct debugger *d, int argc, char **argv) { return dump(d, argc, argv, false); }
int cmd_xp(struct debugger *d, int argc, char **argv) { return dump(d, argc, argv, true); }

/* ---- writing ---- */

static int set_mem(struct debugger *d, int argc, char **argv, bool phys)
{
    if (argc != 4)
        return dbg_error(d, "usage: %s ADDR SIZE VALUE  (SIZE 1, 2 or 4)", argv[0]);
    uint64_t addr, size, value;
    if (!dbg_arg_u64(d, argv[1], &addr) || !dbg_arg_u64(d, argv[2], &size) ||
        !dbg_arg_u64(d, argv[3], &value))
        return -1;
    if (size != 1 && size != 2 && size != 4)
        return dbg_error(d, "SIZE must be 1, 2 or 4");
    uint8_t b[4];
    for (unsigned k = 0; k < 4; k++)
        b[k] = (uint8_t)(value >> (8 * k));
    if (phys) {
        dbg_write_phys(d->m, (uint32_t)addr, b, (size_t)size);
    } else if (!dbg_write_lin(d->m, (uint32_t)addr, b, (size_t)size)) {
        return dbg_error(d, "linear address %08x is not mapped", (uint32_t)addr);
    }
    return 0;
}

int cmd_setpmem(struct debugger *d, int argc, char **argv) { return set_mem(d, argc, argv, true); }
int cmd_setmem(struct debugger *d, int argc, char **argv) { return set_mem(d, argc, argv, false); }

int cmd_writemem(struct debugger *d, int argc, char **argv)
{
    if (argc != 4)
        return dbg_error(d, "usage: writemem FILE LINADDR LEN");
    uint64_t addr, len;
    if (!dbg_arg_u64(d, argv[2], &addr) || !dbg_arg_u64(d, argv[3], &len))
        return -1;
    if (len > (64u << 20))
        return dbg_error(d, "at most 64 MiB at a time");
    uint8_t *buf = malloc(len ? (size_t)len : 1);
    if (!buf)
        return dbg_error(d, "out of memory");
    bool mapped = dbg_read_lin(d->m, (uint32_t)addr, buf, (size_t)len);
    FILE *f = fopen(argv[1], "wb");
    if (!f) {
        free(buf);
        return dbg_error(d, "cannot create '%s': %s", argv[1], strerror(errno));
    }
    size_t wrote = fwrite(buf, 1, (size_t)len, f);
    int closed = fclose(f);
    free(buf);
    if (wrote != len || closed != 0)
        return dbg_error(d, "cannot write '%s'", argv[1]);
    fprintf(d->out, "%llu bytes from linear %08x written to %s%s\n", (unsigned long long)len,
            (uint32_t)addr, argv[1], mapped ? "" : " (unmapped pages as zeros)");
    return 0;
}

/* ---- print-stack ---- */

int cmd_print_stack(struct debugger *d, int argc, char **argv)
{
    uint64_t n = 16;
    if (argc > 1 && !dbg_arg_u64(d, argv[1], &n))
        return -1;
    if (n > 1024)
        n = 1024;
    const struct cpu *c = &d->m->cpu;
    bool big = c->stack_mask == 0xFFFFFFFFu;
    unsigned w = big ? 4 : 2;
    uint32_t sp = c->gpr[ESP] & c->stack_mask;
    fprintf(d->out, "Stack at %04x:%0*x (%u-bit):\n", c->seg[SEG_SS].selector, big ? 8 : 4, sp,
            big ? 32 : 16);
    for (uint64_t k = 0; k < n; k++) {
        uint32_t off = (sp + (uint32_t)k * w) & c->stack_mask;
        uint32_t lin = c->seg[SEG_SS].base + off;
        uint32_t v = 0;
        bool ok = dbg_read_lin(d->m, lin, &v, w);
        char sym[128];
        const char *name = ok ? dbg_sym_name(d, v, sym, sizeof sym) : NULL;
        fprintf(d->out, "  %04x:%0*x (%08x)  ", c->seg[SEG_SS].selector, big ? 8 : 4, off, lin);
        if (ok)
            fprintf(d->out, "%0*x", (int)w * 2, v);
        else
            fputs(big ? "????????" : "????", d->out);
        if (name)
            fprintf(d->out, "  <%s>", name);
        fputc('\n', d->out);
    }
    return 0;
}
