/* Reads SingleStepTests MOO files (MOO 1.x, chunk layout in shared/conformance/8086/README.md,
 * EXCP/HASH/META in shared/conformance/80286/README.md) into a tc_file. Every length is
 * checked against what is left of its enclosing chunk before anything is read, so a
 * damaged file ends in an error naming the byte offset, never in a read past the buffer. */
#include "moo.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct moo_reader {
    const uint8_t *buf;
    struct tc_file *f;
    char *err;
    size_t errlen;
};

struct chunk {
    char type[4];
    size_t at;    /* offset of the chunk header */
    size_t data;  /* offset of the payload */
    size_t len;   /* payload length */
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Chunk types are meant to be ASCII, but a damaged file can hold anything there. */
static void type_text(const char type[4], char out[17])
{
    char *o = out;
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)type[i];
        if (c >= 0x20 && c < 0x7F && c != '\\' && c != '\'')
            *o++ = (char)c;
        else
            o += sprintf(o, "\\x%02x", c);
    }
    *o = '\0';
}

__attribute__((format(printf, 3, 4)))
static int fail(struct moo_reader *r, size_t at, const char *fmt, ...)
{
    int n = snprintf(r->err, r->errlen, "offset %zu (0x%zx): ", at, at);
    if (n >= 0 && (size_t)n < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool is_type(const struct chunk *c, const char *t) { return memcmp(c->type, t, 4) == 0; }

/* Read the chunk header at *pos inside [*pos, end) and check that its payload fits. */
static int next_chunk(struct moo_reader *r, size_t *pos, size_t end, const char *where,
                      struct chunk *c)
{
    c->at = *pos;
    if (end - *pos < 8)
        return fail(r, *pos, "truncated chunk header in %s (%zu bytes left, need 8)", where,
                    end - *pos);
    memcpy(c->type, r->buf + *pos, 4);
    c->len = rd32(r->buf + *pos + 4);
    c->data = *pos + 8;
    if (c->len > end - c->data) {
        char t[17];
        type_text(c->type, t);
        return fail(r, *pos, "chunk '%s' in %s claims %zu bytes but only %zu remain", t,
                    where, c->len, end - c->data);
    }
    *pos = c->data + c->len;
    return 0;
}

/* NAME and BYTS: {u32 n, n bytes}. */
static int read_counted(struct moo_reader *r, const struct chunk *c, uint32_t *off,
                        uint32_t *len)
{
    if (c->len < 4)
        return fail(r, c->at, "'%.4s' chunk of %zu bytes is too short for its count", c->type,
                    c->len);
    uint32_t n = rd32(r->buf + c->data);
    if (n > c->len - 4)
        return fail(r, c->data, "'%.4s' count %u exceeds its chunk (%zu bytes)", c->type, n,
                    c->len - 4);
    if (!tc_add_blob(r->f, r->buf + c->data + 4, n, off))
        return fail(r, c->at, "out of memory");
    *len = n;
    return 0;
}

static int read_regs(struct moo_reader *r, const struct chunk *c, struct tc_state *s)
{
    if (c->len < 2)
        return fail(r, c->at, "REGS chunk of %zu bytes has no register mask", c->len);
    uint16_t mask = rd16(r->buf + c->data);
    if (mask & ~TC_ALL_REGS)
        return fail(r, c->data, "REGS mask 0x%04x names registers this format does not have",
                    mask);
    size_t need = 2 + 2u * (size_t)__builtin_popcount(mask);
    if (c->len < need)
        return fail(r, c->at, "REGS chunk has %zu bytes, its mask 0x%04x needs %zu", c->len,
                    mask, need);
    size_t p = c->data + 2;
    for (int i = 0; i < TC_NREGS; i++) {
        if (mask & (1u << i)) {
            s->regs[i] = rd16(r->buf + p);
            p += 2;
        }
    }
    s->present = mask;
    return 0;
}

static int read_ram(struct moo_reader *r, const struct chunk *c, struct tc_state *s)
{
    if (c->len < 4)
        return fail(r, c->at, "RAM chunk of %zu bytes has no entry count", c->len);
    uint32_t n = rd32(r->buf + c->data);
    if (n > (c->len - 4) / 5)
        return fail(r, c->data, "RAM count %u needs %llu bytes but the chunk has %zu", n,
                    (unsigned long long)n * 5, c->len - 4);
    s->ram_first = (uint32_t)r->f->ram_count;
    const uint8_t *p = r->buf + c->data + 4;
    for (uint32_t i = 0; i < n; i++, p += 5)
        if (!tc_add_ram(r->f, rd32(p), p[4]))
            return fail(r, c->at, "out of memory");
    s->ram_count = n;
    return 0;
}

/* INIT / FINA: REGS, RAM and QUEU subchunks; unknown ones are skipped by length. */
static int read_state(struct moo_reader *r, const struct chunk *outer, struct tc_state *s)
{
    size_t pos = outer->data, end = outer->data + outer->len;
    bool regs = false, ram = false;
    while (pos < end) {
        struct chunk c;
        if (next_chunk(r, &pos, end, outer->type[0] == 'I' ? "INIT" : "FINA", &c))
            return -1;
        if (is_type(&c, "REGS")) {
            if (regs)
                return fail(r, c.at, "second REGS chunk in %.4s", outer->type);
            regs = true;
            if (read_regs(r, &c, s))
                return -1;
        } else if (is_type(&c, "RAM ")) {
            if (ram)
                return fail(r, c.at, "second RAM chunk in %.4s", outer->type);
            ram = true;
            if (read_ram(r, &c, s))
                return -1;
        } else if (is_type(&c, "QUEU")) {
            /* The prefetch queue does not matter to a runner that checks registers and
             * memory, but its count must still fit. */
            if (c.len < 4 || rd32(r->buf + c.data) > c.len - 4)
                return fail(r, c.at, "QUEU chunk count does not fit its %zu bytes", c.len);
        }
    }
    return 0;
}

static int read_test(struct moo_reader *r, const struct chunk *tc)
{
    if (tc->len < 4)
        return fail(r, tc->at, "TEST chunk of %zu bytes has no index", tc->len);
    struct tc_test *t = tc_add_test(r->f);
    if (!t)
        return fail(r, tc->at, "out of memory");
    t->index = rd32(r->buf + tc->data);
    size_t pos = tc->data + 4, end = tc->data + tc->len;
    bool init = false, fina = false, byts = false;
    while (pos < end) {
        struct chunk c;
        if (next_chunk(r, &pos, end, "TEST", &c))
            return -1;
        if (is_type(&c, "NAME")) {
            if (read_counted(r, &c, &t->name_off, &t->name_len))
                return -1;
        } else if (is_type(&c, "BYTS")) {
            byts = true;
            if (read_counted(r, &c, &t->bytes_off, &t->bytes_len))
                return -1;
        } else if (is_type(&c, "INIT") || is_type(&c, "FINA")) {
            bool is_init = c.type[0] == 'I';
            if (is_init ? init : fina)
                return fail(r, c.at, "second %.4s chunk in test #%zu", c.type, r->f->count - 1);
            *(is_init ? &init : &fina) = true;
            if (read_state(r, &c, is_init ? &t->init : &t->fina))
                return -1;
        } else if (is_type(&c, "EXCP")) {
            if (c.len < 5)
                return fail(r, c.at, "EXCP chunk of %zu bytes, need 5", c.len);
            t->has_excp = true;
            t->excp_vector = r->buf[c.data];
            t->excp_flags_addr = rd32(r->buf + c.data + 1);
        } else if (is_type(&c, "HASH")) {
            if (c.len < 20)
                return fail(r, c.at, "HASH chunk of %zu bytes, need 20", c.len);
            t->has_hash = true;
            memcpy(t->hash, r->buf + c.data, 20);
        }
        /* GMET, CYCL and anything newer: not needed to check registers and memory. */
    }
    if (!init || !fina || !byts)
        return fail(r, tc->at, "test #%zu lacks its %s chunk", r->f->count - 1,
                    !init ? "INIT" : !fina ? "FINA" : "BYTS");
    if (t->init.present != TC_ALL_REGS)
        return fail(r, tc->at, "test #%zu: INIT REGS gives mask 0x%04x, not all 14 registers",
                    r->f->count - 1, t->init.present);
    return 0;
}

static int read_header(struct moo_reader *r, const struct chunk *c)
{
    if (c->len < 12)
        return fail(r, c->at, "'MOO ' header chunk of %zu bytes, need 12", c->len);
    const uint8_t *p = r->buf + c->data;
    if (p[0] != 1)
        return fail(r, c->data, "MOO version %u.%u is not supported (only 1.x)", p[0], p[1]);
    r->f->declared_count = rd32(p + 4);
    for (int i = 0; i < 4; i++)
        r->f->cpu[i] = (p[8 + i] >= 0x20 && p[8 + i] < 0x7F) ? (char)p[8 + i] : '?';
    r->f->cpu[4] = '\0';
    return 0;
}

/* META (80286 files): u8 major, u8 minor, u8 cpu_type, u32 opcode, char mnemonic[8], ... */
static void read_meta(struct moo_reader *r, const struct chunk *c)
{
    if (c->len < 15)
        return; /* informational only */
    const uint8_t *m = r->buf + c->data + 7;
    int n = 0;
    for (int i = 0; i < 8 && m[i] > 0x20 && m[i] < 0x7F; i++)
        r->f->mnemonic[n++] = (char)m[i];
    r->f->mnemonic[n] = '\0';
}

int moo_parse(const uint8_t *buf, size_t len, struct tc_file *out, char *err, size_t errlen)
{
    struct moo_reader r = {buf, out, err, errlen};
    size_t pos = 0;
    struct chunk c;
    int rc = -1;
    if (len < 4 || memcmp(buf, "MOO ", 4) != 0) {
        fail(&r, 0, "not a MOO file (no 'MOO ' chunk at the start)");
        goto out;
    }
    if (next_chunk(&r, &pos, len, "file", &c) || read_header(&r, &c))
        goto out;
    while (pos < len) {
        if (next_chunk(&r, &pos, len, "file", &c))
            goto out;
        if (is_type(&c, "TEST")) {
            if (read_test(&r, &c))
                goto out;
        } else if (is_type(&c, "META")) {
            read_meta(&r, &c);
        } else if (is_type(&c, "MOO ")) {
            fail(&r, c.at, "second 'MOO ' header");
            goto out;
        }
    }
    if (out->count != out->declared_count) {
        fail(&r, len, "the header announces %u tests but the file holds %zu (truncated?)",
             out->declared_count, out->count);
        goto out;
    }
    rc = 0;
out:
    if (rc)
        tc_file_free(out);
    return rc;
}
