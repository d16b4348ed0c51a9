/* Reads revocation_list.txt (see revocation.h): one 40-digit hex SHA-1 per line; '#' starts
 * a comment; blank lines are ignored. Anything else is an error, so that a damaged list
 * cannot silently let bad tests run. */
#include "revocation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadfile.h"

static int hexdigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int parse_hex_byte(const char *s)
{
    int hi = hexdigit(s[0]), lo = hi < 0 ? -1 : hexdigit(s[1]);
    return lo < 0 ? -1 : hi << 4 | lo;
}

static int cmp_hash(const void *a, const void *b) { return memcmp(a, b, 20); }

int revocation_load(const char *path, struct revocation_list *rl, char *err, size_t errlen)
{
    memset(rl, 0, sizeof *rl);
    uint8_t *data;
    size_t len;
    if (load_whole_file(path, &data, &len, err, errlen))
        return -1;
    size_t cap = 0, line = 1;
    int rc = 0;
    for (size_t pos = 0; pos < len && rc == 0; line++) {
        size_t start = pos;
        while (pos < len && data[pos] != '\n')
            pos++;
        size_t end = pos++;
        /* Strip the comment and surrounding blanks. */
        for (size_t i = start; i < end; i++)
            if (data[i] == '#') {
                end = i;
                break;
            }
        while (start < end && (data[start] == ' ' || data[start] == '\t'))
            start++;
        while (end > start && (data[end - 1] == ' ' || data[end - 1] == '\t' || data[end - 1] == '\r'))
            end--;
        if (start == end)
            continue;
        uint8_t h[20];
        bool ok = end - start == 40;
        for (int i = 0; ok && i < 20; i++) {
            int b = parse_hex_byte((const char *)data + start + 2 * i);
            ok = b >= 0;
            h[i] = (uint8_t)b;
        }
        if (!ok) {
            snprintf(err, errlen, "line %zu (offset %zu): not a 40-digit SHA-1 hash", line, start);
            rc = -1;
            break;
        }
        if (rl->count == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            void *n = realloc(rl->hash, ncap * 20);
            if (!n) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            rl->hash = n;
            cap = ncap;
        }
        memcpy(rl->hash[rl->count++], h, 20);
    }
    free(data);
    if (rc) {
        revocation_free(rl);
        return -1;
    }
    if (rl->count)
        qsort(rl->hash, rl->count, 20, cmp_hash);
    return 0;
}

bool revocation_has(const struct revocation_list *rl, const uint8_t hash[20])
{
    return rl->count && bsearch(hash, rl->hash, rl->count, 20, cmp_hash) != NULL;
}

void revocation_free(struct revocation_list *rl)
{
    free(rl->hash);
    memset(rl, 0, sizeof *rl);
}
