/* The serial-line script (see serial_script.h): a parser into a list of steps, and a
 * matcher that keeps the last bytes of output and compares their tail with the text being
 * awaited. Nothing here knows about time but the instruction counts it is handed, so a run
 * is the same every time. */
#include "devices/serial_script.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum step_kind { STEP_EXPECT, STEP_SEND, STEP_TIMEOUT, STEP_STOP };

struct step {
    enum step_kind kind;
    unsigned line;
    uint8_t *text;       /* expect, send: the bytes, escapes resolved */
    size_t len;
    uint64_t count;      /* expect-timeout; for an expect, the timeout in force */
};

struct serial_script {
    struct step *steps;
    size_t count, cap;
    size_t at;                           /* the step being waited at (count: the end) */
    bool stopped;
    /* The expect being waited for: its start (once a check has seen it). */
    bool wait_started;
    uint64_t wait_start;
    /* The last output bytes since the previous match, as a ring. */
    uint8_t tail[SERIAL_SCRIPT_MAX_TEXT];
    size_t tail_len, tail_head;
    /* Bytes sent and not yet taken by the guest's side. */
    uint8_t *out;
    size_t out_len, out_pos, out_cap;
};

static void set_err(char *err, size_t errlen, const char *name, unsigned line, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s:%u: %s", name, line, msg);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Resolve the text argument of a line (quotes and escapes) into a new buffer. */
static bool parse_text(const char *s, size_t n, uint8_t **out, size_t *out_len,
                       const char *name, unsigned line, char *err, size_t errlen)
{
    if (n && s[0] == '"') {
        size_t slashes = 0; /* an odd number before the last quote escapes it */
        while (n >= 2 && slashes < n - 2 && s[n - 2 - slashes] == '\\')
            slashes++;
        if (n < 2 || s[n - 1] != '"' || slashes % 2) {
            set_err(err, errlen, name, line, "unterminated quote");
            return false;
        }
        s++;
        n -= 2;
    }
    uint8_t *buf = malloc(n + 1);
    if (!buf) {
        set_err(err, errlen, name, line, "out of memory");
        return false;
    }
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            buf[len++] = (uint8_t)s[i];
            continue;
        }
        if (++i == n) {
            set_err(err, errlen, name, line, "a backslash ends the text (write \\\\ for one)");
            free(buf);
            return false;
        }
        switch (s[i]) {
        case 'n': buf[len++] = '\n'; break;
        case 'r': buf[len++] = '\r'; break;
        case 't': buf[len++] = '\t'; break;
        case 'e': buf[len++] = 0x1B; break;
        case '\\': buf[len++] = '\\'; break;
        case '"': buf[len++] = '"'; break;
        case 'x': {
            int hi = i + 1 < n ? hex_digit(s[i + 1]) : -1;
            int lo = i + 2 < n ? hex_digit(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                set_err(err, errlen, name, line, "\\x wants two hex digits");
                free(buf);
                return false;
            }
            buf[len++] = (uint8_t)(hi << 4 | lo);
            i += 2;
            break;
        }
        default:
            set_err(err, errlen, name, line, "unknown escape '\\%c' (\\n \\r \\t \\e \\\\ \\\" \\xHH)",
                    s[i]);
            free(buf);
            return false;
        }
    }
    *out = buf;
    *out_len = len;
    return true;
}

/* A whole count with an optional k, M or G suffix (x1000). */
static bool parse_count(const char *s, size_t n, uint64_t *out)
{
    char tmp[32];
    if (n == 0 || n >= sizeof tmp || s[0] < '0' || s[0] > '9')
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    errno = 0;
    char *end;
    unsigned long long v = strtoull(tmp, &end, 10);
    uint64_t scale = 1;
    if (*end == 'k')
        scale = 1000;
    else if (*end == 'M')
        scale = 1000000;
    else if (*end == 'G')
        scale = 1000000000;
    else if (*end != '\0')
        return false;
    if (scale != 1 && end[1] != '\0')
        return false;
    if (errno != 0 || v > UINT64_MAX / scale)
        return false;
    *out = v * scale;
    return true;
}

static struct step *add_step(struct serial_script *s)
{
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct step *p = realloc(s->steps, cap * sizeof *p);
        if (!p)
            return NULL;
        s->steps = p;
        s->cap = cap;
    }
    struct step *st = &s->steps[s->count++];
    memset(st, 0, sizeof *st);
    return st;
}

static bool parse_line(struct serial_script *s, const char *p, size_t n, unsigned line,
                       uint64_t *timeout, const char *name, char *err, size_t errlen)
{
    if (n && p[n - 1] == '\r') /* a file written on DOS */
        n--;
    size_t lead = 0;
    while (lead < n && (p[lead] == ' ' || p[lead] == '\t'))
        lead++;
    p += lead;
    n -= lead;
    if (n == 0 || p[0] == '#')
        return true;
    size_t wlen = 0;
    while (wlen < n && p[wlen] != ' ' && p[wlen] != '\t')
        wlen++;
    const char *arg = p + wlen;
    size_t alen = n - wlen;
    if (alen) { /* one blank separates the command from its text */
        arg++;
        alen--;
    }
#define WORD(w) (wlen == strlen(w) && memcmp(p, w, wlen) == 0)
    enum step_kind kind;
    if (WORD("expect"))
        kind = STEP_EXPECT;
    else if (WORD("send"))
        kind = STEP_SEND;
    else if (WORD("expect-timeout"))
        kind = STEP_TIMEOUT;
    else if (WORD("stop"))
        kind = STEP_STOP;
    else {
        set_err(err, errlen, name, line,
                "unknown command '%.*s' (expect, send, expect-timeout, stop)", (int)(wlen > 40 ? 40 : wlen), p);
        return false;
    }
#undef WORD
    struct step *st = add_step(s);
    if (!st) {
        set_err(err, errlen, name, line, "out of memory");
        return false;
    }
    st->kind = kind;
    st->line = line;
    switch (kind) {
    case STEP_STOP:
        if (alen) {
            set_err(err, errlen, name, line, "stop takes nothing after it");
            return false;
        }
        return true;
    case STEP_TIMEOUT:
        if (!parse_count(arg, alen, &st->count)) {
            set_err(err, errlen, name, line,
                    "expect-timeout wants an instruction count (k, M, G suffixes; 0: none), not '%.*s'",
                    (int)(alen > 40 ? 40 : alen), arg);
            return false;
        }
        *timeout = st->count;
        return true;
    case STEP_EXPECT:
    case STEP_SEND:
        if (alen == 0) {
            set_err(err, errlen, name, line, "%s needs a text", kind == STEP_EXPECT ? "expect" : "send");
            return false;
        }
        if (!parse_text(arg, alen, &st->text, &st->len, name, line, err, errlen))
            return false;
        if (st->len == 0) {
            set_err(err, errlen, name, line, "%s needs a text", kind == STEP_EXPECT ? "expect" : "send");
            return false;
        }
        if (kind == STEP_EXPECT && st->len > SERIAL_SCRIPT_MAX_TEXT) {
            set_err(err, errlen, name, line, "expect text longer than %u bytes", SERIAL_SCRIPT_MAX_TEXT);
            return false;
        }
        st->count = *timeout;
        return true;
    }
    return true;
}

static void queue(struct serial_script *s, const uint8_t *p, size_t n)
{
    if (n == 0) /* an empty send: nothing to queue, and s->out may still be NULL */
        return;
    size_t left = s->out_len - s->out_pos;
    if (s->out_pos) {
        memmove(s->out, s->out + s->out_pos, left);
        s->out_pos = 0;
        s->out_len = left;
    }
    if (left + n > s->out_cap) {
        size_t cap = s->out_cap ? s->out_cap : 256;
        while (cap < left + n)
            cap *= 2;
        uint8_t *q = realloc(s->out, cap);
        if (!q)
            return; /* nothing sensible to do: the guest will not see the text */
        s->out = q;
        s->out_cap = cap;
    }
    memcpy(s->out + left, p, n);
    s->out_len = left + n;
}

/* Run the commands from the current one up to the next expect (or stop, or the end). */
static void advance(struct serial_script *s)
{
    while (!s->stopped && s->at < s->count) {
        struct step *st = &s->steps[s->at];
        if (st->kind == STEP_EXPECT)
            break;
        if (st->kind == STEP_SEND)
            queue(s, st->text, st->len);
        else if (st->kind == STEP_STOP) {
            s->stopped = true;
            break;
        }
        s->at++;
    }
    s->wait_started = false;
}

struct serial_script *serial_script_parse(const char *text, size_t len, const char *name,
                                          char *err, size_t errlen)
{
    struct serial_script *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    uint64_t timeout = 0;
    unsigned line = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        line++;
        if (memchr(text + pos, '\0', end - pos)) {
            set_err(err, errlen, name, line, "a NUL byte (not a text file?)");
            serial_script_free(s);
            return NULL;
        }
        if (!parse_line(s, text + pos, end - pos, line, &timeout, name, err, errlen)) {
            serial_script_free(s);
            return NULL;
        }
        pos = end + 1;
    }
    bool any = false;
    for (size_t k = 0; k < s->count; k++)
        any |= s->steps[k].kind == STEP_EXPECT || s->steps[k].kind == STEP_SEND;
    if (!any) {
        snprintf(err, errlen, "%s: no expect or send command", name);
        serial_script_free(s);
        return NULL;
    }
    advance(s);
    return s;
}

struct serial_script *serial_script_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open serial script '%s': %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            if (cap > (16u << 20)) {
                snprintf(err, errlen, "serial script '%s' is larger than 16 MiB", path);
                free(buf);
                fclose(f);
                return NULL;
            }
            char *p = realloc(buf, cap);
            if (!p) {
                snprintf(err, errlen, "out of memory reading '%s'", path);
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "cannot read serial script '%s' (a directory?)", path);
        free(buf);
        return NULL;
    }
    struct serial_script *s = serial_script_parse(buf, len, path, err, errlen);
    free(buf);
    return s;
}

void serial_script_free(struct serial_script *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->count; k++)
        free(s->steps[k].text);
    free(s->steps);
    free(s->out);
    free(s);
}

/* Whether the kept output ends with the awaited text. */
static bool tail_ends_with(const struct serial_script *s, const uint8_t *t, size_t n)
{
    if (s->tail_len < n)
        return false;
    size_t start = (s->tail_head + s->tail_len - n) % SERIAL_SCRIPT_MAX_TEXT;
    for (size_t i = 0; i < n; i++)
        if (s->tail[(start + i) % SERIAL_SCRIPT_MAX_TEXT] != t[i])
            return false;
    return true;
}

void serial_script_output(struct serial_script *s, uint8_t byte)
{
    if (!s || s->stopped || s->at >= s->count)
        return;
    if (s->tail_len < SERIAL_SCRIPT_MAX_TEXT) {
        s->tail[(s->tail_head + s->tail_len++) % SERIAL_SCRIPT_MAX_TEXT] = byte;
    } else {
        s->tail[s->tail_head] = byte;
        s->tail_head = (s->tail_head + 1) % SERIAL_SCRIPT_MAX_TEXT;
    }
    const struct step *st = &s->steps[s->at];
    if (st->kind == STEP_EXPECT && tail_ends_with(s, st->text, st->len)) {
        s->tail_len = s->tail_head = 0; /* the next expect looks at what comes after */
        s->at++;
        advance(s);
    }
}

size_t serial_script_input(struct serial_script *s, uint8_t *buf, size_t room)
{
    if (!s)
        return 0;
    size_t left = s->out_len - s->out_pos;
    size_t n = left < room ? left : room;
    if (n == 0) /* nothing to send yet: s->out may still be NULL */
        return 0;
    memcpy(buf, s->out + s->out_pos, n);
    s->out_pos += n;
    return n;
}

enum serial_script_state serial_script_check(struct serial_script *s, uint64_t icount)
{
    if (s->stopped)
        return SCRIPT_STOPPED;
    if (s->at >= s->count)
        return SCRIPT_FINISHED;
    const struct step *st = &s->steps[s->at];
    if (!s->wait_started) {
        s->wait_started = true;
        s->wait_start = icount;
    }
    if (st->count && icount - s->wait_start >= st->count)
        return SCRIPT_TIMED_OUT;
    return SCRIPT_WAITING;
}

void serial_script_where(const struct serial_script *s, char *buf, size_t len)
{
    if (s->at >= s->count) {
        snprintf(buf, len, "the end");
        return;
    }
    const struct step *st = &s->steps[s->at];
    if (st->kind != STEP_EXPECT) {
        snprintf(buf, len, "line %u", st->line);
        return;
    }
    /* The text as it was written, more or less: control bytes as escapes. */
    char text[SERIAL_SCRIPT_MAX_TEXT * 4 + 1];
    size_t k = 0;
    for (size_t i = 0; i < st->len && k + 5 < sizeof text; i++) {
        uint8_t c = st->text[i];
        if (c == '\n')
            k += (size_t)snprintf(text + k, sizeof text - k, "\\n");
        else if (c == '\r')
            k += (size_t)snprintf(text + k, sizeof text - k, "\\r");
        else if (c < 32 || c >= 127)
            k += (size_t)snprintf(text + k, sizeof text - k, "\\x%02x", c);
        else
            text[k++] = (char)c;
    }
    text[k] = '\0';
    snprintf(buf, len, "line %u: expect '%s'", st->line, text);
}

uint64_t serial_script_timeout(const struct serial_script *s)
{
    return s->at < s->count ? s->steps[s->at].count : 0;
}
