/* The revocation list of a SingleStepTests suite (shared/conformance/80286/README.md):
 * SHA-1 hashes of tests found to be bad, which the runner skips. */
#ifndef GLASS86_CONFORM_REVOCATION_H
#define GLASS86_CONFORM_REVOCATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct revocation_list {
    uint8_t (*hash)[20];   /* sorted */
    size_t count;
};

/* Load revocation_list.txt: one 40-digit hex SHA-1 per line, '#' starts a comment. */
int revocation_load(const char *path, struct revocation_list *rl, char *err, size_t errlen);
bool revocation_has(const struct revocation_list *rl, const uint8_t hash[20]);
void revocation_free(struct revocation_list *rl);

#endif
