/* Loading one test file (see loadfile.h): zlib's gzread reads gzip and, transparently,
 * plain files; truncated gzip data is reported as such rather than parsed half-way. */
#include "loadfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "jsontests.h"
#include "moo.h"

/* Describe zlib's error state after `n` bytes were decompressed. */
static void gz_failure(gzFile gz, const char *path, size_t n, char *err, size_t errlen)
{
    int errnum;
    const char *msg = gzerror(gz, &errnum);
    size_t pl = strlen(path);
    /* zlib prefixes its message with the path, which the caller prints already. */
    if (strncmp(msg, path, pl) == 0 && msg[pl] == ':' && msg[pl + 1] == ' ')
        msg += pl + 2;
    if (errnum == Z_BUF_ERROR)
        snprintf(err, errlen, "offset %zu (0x%zx) of the decompressed data: gzip stream "
                 "truncated (%s)", n, n, msg);
    else if (errnum == Z_ERRNO)
        snprintf(err, errlen, "offset %zu (0x%zx): read error: %s", n, n, strerror(errno));
    else
        snprintf(err, errlen, "offset %zu (0x%zx) of the decompressed data: corrupt gzip "
                 "data (%s)", n, n, msg);
}

int load_whole_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errlen)
{
    *data = NULL;
    *len = 0;
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        snprintf(err, errlen, "cannot open: %s", errno ? strerror(errno) : "out of memory");
        return -1;
    }
    size_t cap = 1u << 20, n = 0;
    uint8_t *buf = malloc(cap);
    int rc = -1;
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= LOADFILE_MAX_BYTES) {
                snprintf(err, errlen, "offset %zu: file is larger than %u bytes decompressed",
                         n, LOADFILE_MAX_BYTES);
                goto out;
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                snprintf(err, errlen, "out of memory");
                goto out;
            }
            buf = nb;
            cap *= 2;
        }
        size_t want = cap - n;
        if (want > (1u << 30))
            want = 1u << 30; /* gzread takes an unsigned count */
        int got = gzread(gz, buf + n, (unsigned)want);
        if (got < 0) {
            gz_failure(gz, path, n, err, errlen);
            goto out;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    /* zlib reports a stream cut short at the end of input without failing gzread. */
    int errnum;
    gzerror(gz, &errnum);
    if (errnum != Z_OK && errnum != Z_STREAM_END) {
        gz_failure(gz, path, n, err, errlen);
        goto out;
    }
    *data = buf;
    *len = n;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    gzclose_r(gz);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int is_test_file_name(const char *name)
{
    /* metadata.json sits next to the tests in shared/conformance/80286/v1_real_mode. */
    if (strcasecmp(name, "metadata.json") == 0 || strcasecmp(name, "metadata.json.gz") == 0)
        return 0;
    return ends_with(name, ".moo") || ends_with(name, ".moo.gz") || ends_with(name, ".json") ||
           ends_with(name, ".json.gz");
}

void test_file_label(const char *path, char *out, size_t outlen)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    static const char *const exts[] = {".gz", ".moo", ".json"};
    for (int i = 0; i < 3; i++) {
        size_t m = strlen(exts[i]);
        if (n > m && strncasecmp(base + n - m, exts[i], m) == 0)
            n -= m;
    }
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, base, n);
    out[n] = '\0';
}

int load_test_file(const char *path, struct tc_file *out, char *err, size_t errlen)
{
    uint8_t *data;
    size_t len;
    if (load_whole_file(path, &data, &len, err, errlen))
        return -1;
    memset(out, 0, sizeof *out);
    int rc;
    bool json = ends_with(path, ".json") || ends_with(path, ".json.gz");
    if (!json && !(len >= 4 && memcmp(data, "MOO ", 4) == 0)) {
        /* Neither named JSON nor a MOO file: JSON if it looks like it. */
        size_t i = 0;
        while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
            i++;
        json = i < len && data[i] == '[' && !ends_with(path, ".moo") && !ends_with(path, ".moo.gz");
    }
    if (json)
        rc = jsontests_parse((const char *)data, len, out, err, errlen);
    else
        rc = moo_parse(data, len, out, err, errlen);
    free(data);
    return rc;
}
