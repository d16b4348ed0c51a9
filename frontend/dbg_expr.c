/* The debugger's expressions, for breakpoint conditions and every numeric argument:
 * numbers (0x1f, 31), registers (eax, si, al, eip, cs, cr0, zf, icount), symbols from
 * ldsym, memory reads ([addr], byte [ds:si], word [..], dword [..]) and the C operators
 * * / % + - << >> < > <= >= == != & ^ | && || ! ~ with C's precedence. Values are 64-bit
 * unsigned; a SEG:OFF address names a segment register's cached base or a selector. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "frontend/dbg_internal.h"

struct parser {
    struct debugger *d;
    const char *s;
    bool failed;
};

static void skip_space(struct parser *p)
{
    while (isspace((unsigned char)*p->s))
        p->s++;
}

static bool accept(struct parser *p, const char *op)
{
    skip_space(p);
    size_t n = strlen(op);
    if (strncmp(p->s, op, n) != 0)
        return false;
    /* "<" must not eat "<<" or "<=", "&" not "&&", "|" not "||", "=" never alone. */
    if (n == 1 && (op[0] == '<' || op[0] == '>') && (p->s[1] == op[0] || p->s[1] == '='))
        return false;
    if (n == 1 && (op[0] == '&' || op[0] == '|') && p->s[1] == op[0])
        return false;
    if (n == 1 && op[0] == '!' && p->s[1] == '=')
        return false;
    p->s += n;
    return true;
}

static uint64_t fail(struct parser *p, const char *fmt, const char *arg)
{
    if (!p->failed) {
        snprintf(p->d->err, sizeof p->d->err, fmt, arg);
        p->failed = true;
    }
    return 0;
}

static uint64_t parse_or(struct parser *p);

static bool is_ident_start(int ch) { return isalpha(ch) || ch == '_' || ch == '.' || ch == '$'; }
static bool is_ident(int ch) { return isalnum(ch) || ch == '_' || ch == '.' || ch == '$' || ch == '@'; }

static size_t ident_len(const char *s)
{
    size_t n = 0;
    if (!is_ident_start((unsigned char)s[0]))
        return 0;
    while (is_ident((unsigned char)s[n]))
        n++;
    return n;
}

static int sreg_index(const char *s, size_t n)
{
    static const char *const names[] = { "es", "cs", "ss", "ds", "fs", "gs" };
    for (int k = 0; k < 6; k++)
        if (n == 2 && strncasecmp(s, names[k], 2) == 0)
            return k;
    return -1;
}

/* "SEG:" at the parser position: a segment register (its cached base) or a number (a
 * selector, looked up now). Returns true and the base when present. */
static bool parse_segment_prefix(struct parser *p, uint32_t *base, uint16_t *sel)
{
    skip_space(p);
    size_t n = ident_len(p->s);
    int sr = n ? sreg_index(p->s, n) : -1;
    if (sr >= 0) {
        const char *after = p->s + n;
        while (isspace((unsigned char)*after))
            after++;
        if (*after != ':')
            return false;
        p->s = after + 1;
        *base = p->d->m->cpu.seg[sr].base;
        *sel = p->d->m->cpu.seg[sr].selector;
        return true;
    }
    /* A selector expression followed by ':' — try it and rewind when there is no ':'. */
    const char *save = p->s;
    bool failed = p->failed;
    uint64_t v = parse_or(p);
    skip_space(p);
    if (*p->s != ':' || p->failed) {
        p->s = save;
        p->failed = failed;
        return false;
    }
    p->s++;
    *sel = (uint16_t)v;
    if (!dbg_selector_base(p->d->m, *sel, base)) {
        char num[16];
        snprintf(num, sizeof num, "%04x", *sel);
        fail(p, "selector %s is not in the GDT or LDT", num);
    }
    return true;
}

static uint64_t read_mem(struct parser *p, unsigned size)
{
    uint32_t base = 0;
    uint16_t sel;
    bool seg = parse_segment_prefix(p, &base, &sel);
    uint64_t off = parse_or(p);
    if (!accept(p, "]"))
        return fail(p, "%s", "missing ']'");
    if (p->failed)
        return 0;
    uint32_t lin = seg ? base + (uint32_t)off : (uint32_t)off;
    uint32_t v = 0;
    if (!dbg_read_lin(p->d->m, lin, &v, size)) {
        char num[16];
        snprintf(num, sizeof num, "%08x", lin);
        return fail(p, "linear address %s is not mapped", num);
    }
    return v;
}

static uint64_t parse_number(struct parser *p)
{
    const char *s = p->s;
    uint64_t v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        if (!isxdigit((unsigned char)*s))
            return fail(p, "%s", "bad hexadecimal number");
        while (isxdigit((unsigned char)*s)) {
            int ch = tolower((unsigned char)*s++);
            v = v * 16 + (uint64_t)(ch <= '9' ? ch - '0' : ch - 'a' + 10);
        }
    } else {
        while (isdigit((unsigned char)*s))
            v = v * 10 + (uint64_t)(*s++ - '0');
    }
    if (is_ident((unsigned char)*s))
        return fail(p, "%s", "bad number (hexadecimal needs 0x)");
    p->s = s;
    return v;
}

static uint64_t parse_primary(struct parser *p)
{
    skip_space(p);
    if (accept(p, "(")) {
        uint64_t v = parse_or(p);
        if (!accept(p, ")"))
            return fail(p, "%s", "missing ')'");
        return v;
    }
    if (accept(p, "["))
        return read_mem(p, 4);
    if (isdigit((unsigned char)*p->s))
        return parse_number(p);
    size_t n = ident_len(p->s);
    if (n == 0) {
        if (*p->s == '\0')
            return fail(p, "%s", "expression ends too early");
        char c[2] = { *p->s, 0 };
        return fail(p, "unexpected '%s'", c);
    }
    char name[128];
    if (n >= sizeof name)
        return fail(p, "%s", "name too long");
    memcpy(name, p->s, n);
    name[n] = '\0';
    p->s += n;
    static const struct { const char *name; unsigned size; } sizes[] = {
        { "byte", 1 }, { "word", 2 }, { "dword", 4 },
    };
    for (unsigned k = 0; k < 3; k++) {
        if (strcasecmp(name, sizes[k].name) == 0) {
            accept(p, "ptr");
            if (!accept(p, "["))
                return fail(p, "'%s' wants a memory operand [ADDR]", name);
            return read_mem(p, sizes[k].size);
        }
    }
    uint64_t v;
    if (dbg_reg_get(p->d, name[0] == '$' ? name + 1 : name, &v))
        return v;
    uint32_t addr;
    if (dbg_sym_lookup(p->d, name, &addr))
        return addr;
    return fail(p, "unknown register or symbol '%s'", name);
}

static uint64_t parse_unary(struct parser *p)
{
    if (accept(p, "-"))
        return -parse_unary(p);
    if (accept(p, "~"))
        return ~parse_unary(p);
    if (accept(p, "!"))
        return !parse_unary(p);
    if (accept(p, "+"))
        return parse_unary(p);
    return parse_primary(p);
}

static uint64_t parse_mul(struct parser *p)
{
    uint64_t v = parse_unary(p);
    for (;;) {
        if (accept(p, "*")) {
            v *= parse_unary(p);
        } else if (accept(p, "/") || accept(p, "%")) {
            bool mod = p->s[-1] == '%';
            uint64_t r = parse_unary(p);
            if (r == 0)
                return fail(p, "%s", "division by zero");
            v = mod ? v % r : v / r;
        } else {
            return v;
        }
    }
}

static uint64_t parse_add(struct parser *p)
{
    uint64_t v = parse_mul(p);
    for (;;) {
        if (accept(p, "+"))
            v += parse_mul(p);
        else if (accept(p, "-"))
            v -= parse_mul(p);
        else
            return v;
    }
}

static uint64_t parse_shift(struct parser *p)
{
    uint64_t v = parse_add(p);
    for (;;) {
        if (accept(p, "<<")) {
            uint64_t s = parse_add(p);
            v = s >= 64 ? 0 : v << s;
        } else if (accept(p, ">>")) {
            uint64_t s = parse_add(p);
            v = s >= 64 ? 0 : v >> s;
        } else {
            return v;
        }
    }
}

static uint64_t parse_rel(struct parser *p)
{
    uint64_t v = parse_shift(p);
    for (;;) {
        if (accept(p, "<="))
            v = v <= parse_shift(p);
        else if (accept(p, ">="))
            v = v >= parse_shift(p);
        else if (accept(p, "<"))
            v = v < parse_shift(p);
        else if (accept(p, ">"))
            v = v > parse_shift(p);
        else
            return v;
    }
}

static uint64_t parse_eq(struct parser *p)
{
    uint64_t v = parse_rel(p);
    for (;;) {
        if (accept(p, "=="))
            v = v == parse_rel(p);
        else if (accept(p, "!="))
            v = v != parse_rel(p);
        else
            return v;
    }
}

static uint64_t parse_bitand(struct parser *p)
{
    uint64_t v = parse_eq(p);
    while (accept(p, "&"))
        v &= parse_eq(p);
    return v;
}

static uint64_t parse_bitxor(struct parser *p)
{
    uint64_t v = parse_bitand(p);
    while (accept(p, "^"))
        v ^= parse_bitand(p);
    return v;
}

static uint64_t parse_bitor(struct parser *p)
{
    uint64_t v = parse_bitxor(p);
    while (accept(p, "|"))
        v |= parse_bitxor(p);
    return v;
}

/* && and || evaluate both sides (no short circuit): conditions have no side effects. */
static uint64_t parse_and(struct parser *p)
{
    uint64_t v = parse_bitor(p);
    while (accept(p, "&&")) {
        uint64_t r = parse_bitor(p);
        v = v && r;
    }
    return v;
}

static uint64_t parse_or(struct parser *p)
{
    uint64_t v = parse_and(p);
    while (accept(p, "||")) {
        uint64_t r = parse_and(p);
        v = v || r;
    }
    return v;
}

int dbg_eval(struct debugger *d, const char *text, uint64_t *out)
{
    struct parser p = { d, text, false };
    uint64_t v = parse_or(&p);
    skip_space(&p);
    if (!p.failed && *p.s)
        fail(&p, "unexpected '%s' after the expression", p.s);
    if (p.failed)
        return dbg_error(d, "%s", d->err);
    *out = v;
    return 0;
}

int dbg_eval_addr(struct debugger *d, const char *text, struct dbg_addr *a)
{
    struct parser p = { d, text, false };
    uint32_t base = 0;
    uint16_t sel = 0;
    bool seg = parse_segment_prefix(&p, &base, &sel);
    uint64_t off = parse_or(&p);
    skip_space(&p);
    if (!p.failed && *p.s)
        fail(&p, "unexpected '%s' after the address", p.s);
    if (p.failed)
        return dbg_error(d, "%s", d->err);
    a->has_seg = seg;
    a->sel = sel;
    a->off = (uint32_t)off;
    a->lin = seg ? base + (uint32_t)off : (uint32_t)off;
    return 0;
}

const char *dbg_join(int argc, char **argv, int from, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = from; k < argc; k++) {
        int n = snprintf(buf + used, len - used, "%s%s", k > from ? " " : "", argv[k]);
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

int cmd_calc(struct debugger *d, int argc, char **argv)
{
    if (argc < 2)
        return dbg_error(d, "usage: calc EXPR");
    char buf[512];
    uint64_t v;
    if (dbg_eval(d, dbg_join(argc, argv, 1, buf, sizeof buf), &v) < 0)
        return -1;
    char sym[128];
    const char *name = v <= 0xFFFFFFFFu ? dbg_sym_name(d, (uint32_t)v, sym, sizeof sym) : NULL;
    fprintf(d->out, "0x%llx %llu", (unsigned long long)v, (unsigned long long)v);
    if (name)
        fprintf(d->out, " <%s>", name);
    fputc('\n', d->out);
    return 0;
}
