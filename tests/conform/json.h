/* A small JSON reader (RFC 8259) for metadata.json and the SingleStepTests JSON test files:
 * parses a whole document into a tree. Every value remembers its byte offset so that a
 * caller can name the place of a semantic error too. */
#ifndef GLASS86_CONFORM_JSON_H
#define GLASS86_CONFORM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_member;

struct json_value {
    enum json_type type;
    size_t offset;             /* where the value starts in the text */
    union {
        bool boolean;
        double number;
        struct { char *s; size_t len; } str;   /* NUL-terminated, may hold \u0000 */
        struct { struct json_value *items; size_t count; } arr;
        struct { struct json_member *members; size_t count; } obj;
    } u;
};

struct json_member {
    char *key;
    size_t key_len;
    struct json_value value;
};

/* Nesting deeper than this is refused (the parser recurses). */
#define JSON_MAX_DEPTH 64

/* Parse `len` bytes. Returns 0, or -1 with "offset N (0xN): reason" in err; on failure
 * nothing needs freeing. */
int json_parse(const char *text, size_t len, struct json_value *out, char *err, size_t errlen);
void json_free(struct json_value *v);

/* The member `key` of an object, or NULL (also when `obj` is not an object). */
const struct json_value *json_get(const struct json_value *obj, const char *key);
/* An integral number in [0, max]: true and *out set, else false. */
bool json_uint(const struct json_value *v, uint64_t max, uint64_t *out);

#endif
