/* Turns a SingleStepTests JSON test file into a tc_file: the same tests the MOO files hold
 * (see jsontests.h for the schema). Unknown members are ignored, as the format grows; a
 * member of the wrong type or range is an error naming its byte offset. */
#include "jsontests.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

struct jt {
    struct tc_file *f;
    char *err;
    size_t errlen;
    size_t test_no;
};

__attribute__((format(printf, 3, 4)))
static int jt_fail(struct jt *j, const struct json_value *at, const char *fmt, ...)
{
    size_t off = at ? at->offset : 0;
    int n = snprintf(j->err, j->errlen, "offset %zu (0x%zx): test #%zu: ", off, off, j->test_no);
    if (n >= 0 && (size_t)n < j->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(j->err + n, j->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int read_state(struct jt *j, const struct json_value *obj, const char *what,
                      struct tc_state *s)
{
    if (!obj || obj->type != JSON_OBJECT)
        return jt_fail(j, obj, "'%s' is missing or not an object", what);
    const struct json_value *regs = json_get(obj, "regs");
    if (regs) {
        if (regs->type != JSON_OBJECT)
            return jt_fail(j, regs, "'%s.regs' is not an object", what);
        for (size_t i = 0; i < regs->u.obj.count; i++) {
            const struct json_member *m = &regs->u.obj.members[i];
            int r = tc_reg_by_name(m->key);
            uint64_t v;
            if (r < 0)
                return jt_fail(j, &m->value, "unknown register '%s' in '%s.regs'", m->key, what);
            if (!json_uint(&m->value, 0xFFFF, &v))
                return jt_fail(j, &m->value, "'%s.regs.%s' is not an integer 0..65535", what,
                               m->key);
            s->regs[r] = (uint16_t)v;
            s->present |= (uint16_t)(1u << r);
        }
    }
    const struct json_value *ram = json_get(obj, "ram");
    s->ram_first = (uint32_t)j->f->ram_count;
    if (ram) {
        if (ram->type != JSON_ARRAY)
            return jt_fail(j, ram, "'%s.ram' is not an array", what);
        for (size_t i = 0; i < ram->u.arr.count; i++) {
            const struct json_value *e = &ram->u.arr.items[i];
            uint64_t a, v;
            if (e->type != JSON_ARRAY || e->u.arr.count != 2 ||
                !json_uint(&e->u.arr.items[0], UINT32_MAX, &a) ||
                !json_uint(&e->u.arr.items[1], 0xFF, &v))
                return jt_fail(j, e, "'%s.ram' entry %zu is not [address, byte]", what, i);
            if (!tc_add_ram(j->f, (uint32_t)a, (uint8_t)v))
                return jt_fail(j, e, "out of memory");
        }
        s->ram_count = (uint32_t)ram->u.arr.count;
    }
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_test(struct jt *j, const struct json_value *o)
{
    if (o->type != JSON_OBJECT)
        return jt_fail(j, o, "array element is not an object");
    struct tc_test *t = tc_add_test(j->f);
    if (!t)
        return jt_fail(j, o, "out of memory");
    uint64_t v;
    const struct json_value *idx = json_get(o, "idx");
    if (idx) {
        if (!json_uint(idx, UINT32_MAX, &v))
            return jt_fail(j, idx, "'idx' is not a non-negative integer");
        t->index = (uint32_t)v;
    } else {
        t->index = (uint32_t)j->test_no;
    }
    const struct json_value *name = json_get(o, "name");
    if (name) {
        if (name->type != JSON_STRING)
            return jt_fail(j, name, "'name' is not a string");
        if (!tc_add_blob(j->f, name->u.str.s, name->u.str.len, &t->name_off))
            return jt_fail(j, name, "out of memory");
        t->name_len = (uint32_t)name->u.str.len;
    }
    const struct json_value *bytes = json_get(o, "bytes");
    if (!bytes || bytes->type != JSON_ARRAY || bytes->u.arr.count > 256)
        return jt_fail(j, bytes ? bytes : o, "'bytes' is missing or not an array of at most 256");
    uint8_t code[256];
    for (size_t i = 0; i < bytes->u.arr.count; i++) {
        if (!json_uint(&bytes->u.arr.items[i], 0xFF, &v))
            return jt_fail(j, &bytes->u.arr.items[i], "'bytes' element is not a byte");
        code[i] = (uint8_t)v;
    }
    if (!tc_add_blob(j->f, code, bytes->u.arr.count, &t->bytes_off))
        return jt_fail(j, bytes, "out of memory");
    t->bytes_len = (uint32_t)bytes->u.arr.count;
    if (read_state(j, json_get(o, "initial"), "initial", &t->init) ||
        read_state(j, json_get(o, "final"), "final", &t->fina))
        return -1;
    if (t->init.present != TC_ALL_REGS)
        return jt_fail(j, json_get(o, "initial"), "'initial.regs' does not give all 14 registers");
    const struct json_value *exc = json_get(o, "exception");
    if (exc) {
        uint64_t num, addr;
        if (!json_uint(json_get(exc, "number"), 0xFF, &num) ||
            !json_uint(json_get(exc, "flag_address"), UINT32_MAX, &addr))
            return jt_fail(j, exc, "'exception' needs integer 'number' and 'flag_address'");
        t->has_excp = true;
        t->excp_vector = (uint8_t)num;
        t->excp_flags_addr = (uint32_t)addr;
    }
    const struct json_value *hash = json_get(o, "hash");
    if (hash) {
        if (hash->type != JSON_STRING || hash->u.str.len != 40)
            return jt_fail(j, hash, "'hash' is not a 40-digit SHA-1");
        for (int i = 0; i < 20; i++) {
            int hi = hexval(hash->u.str.s[2 * i]), lo = hexval(hash->u.str.s[2 * i + 1]);
            if (hi < 0 || lo < 0)
                return jt_fail(j, hash, "'hash' is not a 40-digit SHA-1");
            t->hash[i] = (uint8_t)(hi << 4 | lo);
        }
        t->has_hash = true;
    }
    return 0;
}

int jsontests_parse(const char *text, size_t len, struct tc_file *out, char *err, size_t errlen)
{
    struct json_value root;
    if (json_parse(text, len, &root, err, errlen))
        return -1;
    struct jt j = {out, err, errlen, 0};
    int rc = 0;
    if (root.type != JSON_ARRAY) {
        snprintf(err, errlen, "offset %zu (0x%zx): the top level is not an array of tests",
                 root.offset, root.offset);
        rc = -1;
    } else {
        for (size_t i = 0; i < root.u.arr.count && rc == 0; i++) {
            j.test_no = i;
            rc = read_test(&j, &root.u.arr.items[i]);
        }
    }
    json_free(&root);
    if (rc == 0) {
        out->declared_count = (uint32_t)out->count;
    } else {
        tc_file_free(out);
    }
    return rc;
}
