/* A small recursive-descent JSON reader following RFC 8259: strict grammar (no comments,
 * no trailing commas), \u escapes with surrogate pairs turned into UTF-8, numbers read with
 * strtod after the grammar check. Every read is bounded by the given length. */
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jparser {
    const char *s;
    size_t len, pos;
    char *err;
    size_t errlen;
    bool failed;
};

__attribute__((format(printf, 3, 4)))
static int jfail(struct jparser *p, size_t at, const char *fmt, ...)
{
    if (p->failed)
        return -1; /* keep the first, innermost reason */
    p->failed = true;
    int n = snprintf(p->err, p->errlen, "offset %zu (0x%zx): ", at, at);
    if (n >= 0 && (size_t)n < p->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static void skip_ws(struct jparser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static int peek(const struct jparser *p) { return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1; }

static const char *describe(int c, char buf[16])
{
    if (c < 0)
        return "end of input";
    if (c >= 0x20 && c < 0x7F)
        snprintf(buf, 16, "'%c'", c);
    else
        snprintf(buf, 16, "byte 0x%02x", c);
    return buf;
}

static int parse_value(struct jparser *p, struct json_value *v, int depth);

static int hex4(struct jparser *p, unsigned *out)
{
    if (p->len - p->pos < 4)
        return jfail(p, p->pos, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos + i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return jfail(p, p->pos + i, "bad hex digit in \\u escape");
        v = v << 4 | d;
    }
    p->pos += 4;
    *out = v;
    return 0;
}

static size_t utf8_put(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The opening quote is at p->pos. The decoded text is never longer than the source, so
 * one allocation of the source span suffices. */
static int parse_string(struct jparser *p, char **out, size_t *out_len)
{
    size_t start = p->pos++;
    size_t end = p->pos;
    while (end < p->len && p->s[end] != '"') {
        if (p->s[end] == '\\')
            end++;
        end++;
    }
    if (end >= p->len)
        return jfail(p, start, "unterminated string");
    char *buf = malloc(end - p->pos + 1);
    if (!buf)
        return jfail(p, start, "out of memory");
    size_t n = 0;
    while (p->pos < end) {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c < 0x20) {
            free(buf);
            return jfail(p, p->pos, "control character 0x%02x in string", c);
        }
        if (c != '\\') {
            buf[n++] = (char)c;
            p->pos++;
            continue;
        }
        char e = p->s[++p->pos];
        p->pos++;
        switch (e) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (hex4(p, &cp))
                goto bad;
            if (cp >= 0xD800 && cp < 0xDC00) {
                /* A high surrogate must be followed by an escaped low one. */
                if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                    jfail(p, p->pos, "lone high surrogate in \\u escape");
                    goto bad;
                }
                p->pos += 2;
                if (hex4(p, &lo))
                    goto bad;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    jfail(p, p->pos - 4, "high surrogate not followed by a low one");
                    goto bad;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                jfail(p, p->pos - 4, "lone low surrogate in \\u escape");
                goto bad;
            }
            /* \uXXXX takes 6 source bytes and yields at most 3; a pair takes 12 for 4. */
            n += utf8_put(buf + n, cp);
            break;
        }
        default:
            jfail(p, p->pos - 1, "unknown escape '\\%c'", e);
            goto bad;
        }
        if (p->pos > end) { /* a backslash right before the closing quote */
            jfail(p, end, "unterminated string");
            goto bad;
        }
    }
    p->pos = end + 1;
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return 0;
bad:
    free(buf);
    return -1;
}

static int parse_number(struct jparser *p, struct json_value *v)
{
    size_t start = p->pos, i = p->pos;
    if (i < p->len && p->s[i] == '-')
        i++;
    if (i < p->len && p->s[i] == '0') {
        i++;
    } else if (i < p->len && p->s[i] >= '1' && p->s[i] <= '9') {
        while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
            i++;
    } else {
        return jfail(p, start, "malformed number");
    }
    if (i < p->len && p->s[i] == '.') {
        i++;
        if (i >= p->len || p->s[i] < '0' || p->s[i] > '9')
            return jfail(p, i, "digit expected after '.'");
        while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
            i++;
    }
    if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        i++;
        if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
            i++;
        if (i >= p->len || p->s[i] < '0' || p->s[i] > '9')
            return jfail(p, i, "digit expected in exponent");
        while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
            i++;
    }
    /* strtod needs a terminated string; the input is not. */
    char tmp[64];
    if (i - start >= sizeof tmp)
        return jfail(p, start, "number too long");
    memcpy(tmp, p->s + start, i - start);
    tmp[i - start] = '\0';
    v->type = JSON_NUMBER;
    v->u.number = strtod(tmp, NULL);
    p->pos = i;
    return 0;
}

static int expect_word(struct jparser *p, const char *w)
{
    size_t n = strlen(w);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n) != 0)
        return jfail(p, p->pos, "invalid literal");
    p->pos += n;
    return 0;
}

static int parse_array(struct jparser *p, struct json_value *v, int depth)
{
    size_t cap = 0;
    v->type = JSON_ARRAY;
    v->u.arr.items = NULL;
    v->u.arr.count = 0;
    p->pos++;
    skip_ws(p);
    if (peek(p) == ']') {
        p->pos++;
        return 0;
    }
    for (;;) {
        if (v->u.arr.count == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct json_value *n = realloc(v->u.arr.items, ncap * sizeof *n);
            if (!n)
                return jfail(p, p->pos, "out of memory");
            v->u.arr.items = n;
            cap = ncap;
        }
        /* Counted before it is parsed: parse_value leaves a half-built item consistent,
         * so json_free can release it on failure. */
        struct json_value *item = &v->u.arr.items[v->u.arr.count++];
        if (parse_value(p, item, depth + 1))
            return -1;
        skip_ws(p);
        int c = peek(p);
        char b[16];
        if (c == ',') {
            p->pos++;
            continue;
        }
        if (c == ']') {
            p->pos++;
            return 0;
        }
        return jfail(p, p->pos, "',' or ']' expected, found %s", describe(c, b));
    }
}

static int parse_object(struct jparser *p, struct json_value *v, int depth)
{
    size_t cap = 0;
    v->type = JSON_OBJECT;
    v->u.obj.members = NULL;
    v->u.obj.count = 0;
    p->pos++;
    skip_ws(p);
    if (peek(p) == '}') {
        p->pos++;
        return 0;
    }
    for (;;) {
        char b[16];
        skip_ws(p);
        if (peek(p) != '"')
            return jfail(p, p->pos, "member name expected, found %s", describe(peek(p), b));
        if (v->u.obj.count == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct json_member *n = realloc(v->u.obj.members, ncap * sizeof *n);
            if (!n)
                return jfail(p, p->pos, "out of memory");
            v->u.obj.members = n;
            cap = ncap;
        }
        struct json_member *m = &v->u.obj.members[v->u.obj.count];
        m->value = (struct json_value){.type = JSON_NULL};
        if (parse_string(p, &m->key, &m->key_len))
            return -1;
        v->u.obj.count++; /* counted now so that json_free releases the key on failure */
        skip_ws(p);
        if (peek(p) != ':')
            return jfail(p, p->pos, "':' expected, found %s", describe(peek(p), b));
        p->pos++;
        if (parse_value(p, &m->value, depth + 1))
            return -1;
        skip_ws(p);
        int c = peek(p);
        if (c == ',') {
            p->pos++;
            continue;
        }
        if (c == '}') {
            p->pos++;
            return 0;
        }
        return jfail(p, p->pos, "',' or '}' expected, found %s", describe(c, b));
    }
}

static int parse_value(struct jparser *p, struct json_value *v, int depth)
{
    char b[16];
    *v = (struct json_value){.type = JSON_NULL};
    skip_ws(p);
    v->offset = p->pos;
    if (depth > JSON_MAX_DEPTH)
        return jfail(p, p->pos, "nesting deeper than %d levels", JSON_MAX_DEPTH);
    int c = peek(p);
    switch (c) {
    case '{': return parse_object(p, v, depth);
    case '[': return parse_array(p, v, depth);
    case '"': {
        char *str;
        size_t n;
        if (parse_string(p, &str, &n))
            return -1;
        v->type = JSON_STRING;
        v->u.str.s = str;
        v->u.str.len = n;
        return 0;
    }
    case 't':
        v->type = JSON_BOOL;
        v->u.boolean = true;
        return expect_word(p, "true");
    case 'f':
        v->type = JSON_BOOL;
        v->u.boolean = false;
        return expect_word(p, "false");
    case 'n': return expect_word(p, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return parse_number(p, v);
        return jfail(p, p->pos, "value expected, found %s", describe(c, b));
    }
}

int json_parse(const char *text, size_t len, struct json_value *out, char *err, size_t errlen)
{
    struct jparser p = {text, len, 0, err, errlen, false};
    if (parse_value(&p, out, 0) == 0) {
        skip_ws(&p);
        if (p.pos == p.len)
            return 0;
        jfail(&p, p.pos, "unexpected data after the top-level value");
    }
    json_free(out);
    return -1;
}

void json_free(struct json_value *v)
{
    if (v->type == JSON_STRING) {
        free(v->u.str.s);
    } else if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->u.arr.count; i++)
            json_free(&v->u.arr.items[i]);
        free(v->u.arr.items);
    } else if (v->type == JSON_OBJECT) {
        for (size_t i = 0; i < v->u.obj.count; i++) {
            free(v->u.obj.members[i].key);
            json_free(&v->u.obj.members[i].value);
        }
        free(v->u.obj.members);
    }
    *v = (struct json_value){.type = JSON_NULL};
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < obj->u.obj.count; i++) {
        const struct json_member *m = &obj->u.obj.members[i];
        if (m->key_len == n && memcmp(m->key, key, n) == 0)
            return &m->value;
    }
    return NULL;
}

bool json_uint(const struct json_value *v, uint64_t max, uint64_t *out)
{
    if (!v || v->type != JSON_NUMBER)
        return false;
    double d = v->u.number;
    if (!(d >= 0) || d > (double)max || d != floor(d))
        return false;
    *out = (uint64_t)d;
    return true;
}
