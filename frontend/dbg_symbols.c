/* Symbols for the debugger: `ldsym FILE [BIAS]` reads a System.map-style text map
 * ("ADDR TYPE NAME" per line, hexadecimal addresses; nasm's "[map symbols]" file, whose
 * labels have the same three columns, works too) or the symbol table of an ELF32 or
 * ELF64 file (System V ABI, "Object Files": section headers, SHT_SYMTAB and its string
 * table), read field by field so the host's <elf.h> does not matter. Disassembly, `r`
 * and the stack show name+offset; expressions accept names. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/dbg_internal.h"

static int add_symbol(struct debugger *d, size_t *cap, uint32_t addr, uint32_t size,
                      const char *name, size_t name_len)
{
    if (d->sym_count == *cap) {
        size_t n = *cap ? *cap * 2 : 256;
        struct dbg_symbol *s = realloc(d->syms, n * sizeof *s);
        if (!s)
            return -1;
        d->syms = s;
        *cap = n;
    }
    char *copy = malloc(name_len + 1);
    if (!copy)
        return -1;
    memcpy(copy, name, name_len);
    copy[name_len] = '\0';
    d->syms[d->sym_count++] = (struct dbg_symbol){ addr, size, copy };
    return 0;
}

static int by_addr(const void *a, const void *b)
{
    const struct dbg_symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Little-endian fields of the ELF file, bounds-checked. */
struct blob {
    const uint8_t *p;
    size_t n;
};

static uint64_t le(const struct blob *b, uint64_t off, unsigned size, bool *ok)
{
    if (off > b->n || b->n - off < size) {
        *ok = false;
        return 0;
    }
    uint64_t v = 0;
    for (unsigned k = 0; k < size; k++)
        v |= (uint64_t)b->p[off + k] << (8 * k);
    return v;
}

static int load_elf(struct debugger *d, const struct blob *b, uint32_t bias, size_t *cap)
{
    bool ok = true;
    bool is64 = b->n > 4 && b->p[4] == 2;
    if (b->n < 0x34 || b->p[5] != 1)
        return dbg_error(d, "not a little-endian ELF file");
    uint64_t shoff = le(b, is64 ? 0x28 : 0x20, is64 ? 8 : 4, &ok);
    unsigned shentsize = (unsigned)le(b, is64 ? 0x3A : 0x2E, 2, &ok);
    unsigned shnum = (unsigned)le(b, is64 ? 0x3C : 0x30, 2, &ok);
    if (!ok || shentsize < (is64 ? 64u : 40u))
        return dbg_error(d, "bad ELF header");
    size_t before = d->sym_count;
    for (unsigned s = 0; s < shnum; s++) {
        uint64_t sh = shoff + (uint64_t)s * shentsize;
        unsigned type = (unsigned)le(b, sh + 4, 4, &ok);
        if (type != 2 /* SHT_SYMTAB */)
            continue;
        uint64_t off = le(b, sh + (is64 ? 0x18 : 0x10), is64 ? 8 : 4, &ok);
        uint64_t size = le(b, sh + (is64 ? 0x20 : 0x14), is64 ? 8 : 4, &ok);
        unsigned link = (unsigned)le(b, sh + (is64 ? 0x28 : 0x18), 4, &ok);
        uint64_t entsize = le(b, sh + (is64 ? 0x38 : 0x24), is64 ? 8 : 4, &ok);
        uint64_t strsh = shoff + (uint64_t)link * shentsize;
        uint64_t stroff = le(b, strsh + (is64 ? 0x18 : 0x10), is64 ? 8 : 4, &ok);
        uint64_t strsize = le(b, strsh + (is64 ? 0x20 : 0x14), is64 ? 8 : 4, &ok);
        if (!ok || entsize < (is64 ? 24u : 16u) || stroff > b->n || strsize > b->n - stroff)
            return dbg_error(d, "bad ELF symbol table");
        for (uint64_t e = off; e + entsize <= off + size; e += entsize) {
            uint32_t name = (uint32_t)le(b, e, 4, &ok);
            unsigned info = (unsigned)le(b, e + (is64 ? 4 : 12), 1, &ok);
            unsigned shndx = (unsigned)le(b, e + (is64 ? 6 : 14), 2, &ok);
            uint64_t value = le(b, e + (is64 ? 8 : 4), is64 ? 8 : 4, &ok);
            uint64_t ssize = le(b, e + (is64 ? 16 : 8), is64 ? 8 : 4, &ok);
            if (!ok)
                return dbg_error(d, "bad ELF symbol table");
            unsigned stype = info & 0xF;
            if (stype > 2 || shndx == 0 || name >= strsize) /* sections, files, undefined */
                continue;
            const char *str = (const char *)b->p + stroff + name;
            size_t len = strnlen(str, strsize - name);
            if (len == 0)
                continue;
            if (add_symbol(d, cap, (uint32_t)value + bias, (uint32_t)ssize, str, len) < 0)
                return dbg_error(d, "out of memory");
        }
    }
    if (d->sym_count == before)
        return dbg_error(d, "the ELF file has no symbol table");
    return 0;
}

static int load_map(struct debugger *d, const struct blob *b, uint32_t bias, size_t *cap)
{
    size_t before = d->sym_count;
    const char *p = (const char *)b->p, *end = p + b->n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        char line[512];
        size_t len = (size_t)(eol - p) < sizeof line - 1 ? (size_t)(eol - p) : sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        p = eol + 1;
        char *fields[3];
        int nf = 0;
        for (char *tok = strtok(line, " \t\r"); tok && nf < 3; tok = strtok(NULL, " \t\r"))
            fields[nf++] = tok;
        if (nf != 3)
            continue; /* System.map has three fields, as has nasm's map for labels */
        char *ep;
        errno = 0;
        unsigned long long addr = strtoull(fields[0], &ep, 16);
        if (*ep || errno)
            continue; /* headers and comments */
        const char *name = fields[nf - 1];
        if (add_symbol(d, cap, (uint32_t)addr + bias, 0, name, strlen(name)) < 0)
            return dbg_error(d, "out of memory");
    }
    if (d->sym_count == before)
        return dbg_error(d, "no \"ADDR TYPE NAME\" lines found");
    return 0;
}

int cmd_ldsym(struct debugger *d, int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return dbg_error(d, "usage: ldsym FILE [BIAS]");
    uint64_t bias = 0;
    if (argc == 3 && !dbg_arg_u64(d, argv[2], &bias))
        return -1;
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return dbg_error(d, "cannot open '%s': %s", argv[1], strerror(errno));
    uint8_t *data = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= (256u << 20)) {
                fclose(f);
                free(data);
                return dbg_error(d, "'%s' is too large", argv[1]);
            }
            cap = cap ? cap * 2 : 65536;
            uint8_t *grown = realloc(data, cap);
            if (!grown) {
                fclose(f);
                free(data);
                return dbg_error(d, "out of memory");
            }
            data = grown;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    struct blob b = { data, n };
    size_t before = d->sym_count, symcap = d->sym_count;
    int r = n >= 4 && memcmp(data, "\x7f" "ELF", 4) == 0 ? load_elf(d, &b, (uint32_t)bias, &symcap)
                                                         : load_map(d, &b, (uint32_t)bias, &symcap);
    free(data);
    if (r < 0)
        return -1;
    qsort(d->syms, d->sym_count, sizeof d->syms[0], by_addr);
    fprintf(d->out, "%zu symbols loaded from %s\n", d->sym_count - before, argv[1]);
    return 0;
}

const char *dbg_sym_name(struct debugger *d, uint32_t addr, char *buf, size_t len)
{
    if (d->sym_count == 0 || addr < d->syms[0].addr)
        return NULL;
    size_t lo = 0, hi = d->sym_count; /* the last symbol at or below addr */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (d->syms[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    /* Among equal addresses the sort put names in order: take the first. */
    while (lo > 0 && d->syms[lo - 1].addr == d->syms[lo].addr)
        lo--;
    const struct dbg_symbol *s = &d->syms[lo];
    uint32_t off = addr - s->addr;
    if (s->size ? off >= s->size : off >= 0x10000)
        return NULL;
    if (off)
        snprintf(buf, len, "%s+0x%x", s->name, off);
    else
        snprintf(buf, len, "%s", s->name);
    return buf;
}

bool dbg_sym_lookup(struct debugger *d, const char *name, uint32_t *addr)
{
    for (size_t k = 0; k < d->sym_count; k++) {
        if (strcmp(d->syms[k].name, name) == 0) {
            *addr = d->syms[k].addr;
            return true;
        }
    }
    return false;
}

void dbg_sym_free(struct debugger *d)
{
    for (size_t k = 0; k < d->sym_count; k++)
        free(d->syms[k].name);
    free(d->syms);
    d->syms = NULL;
    d->sym_count = 0;
}
