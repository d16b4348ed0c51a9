/* Test folders and their companion files (see suite.h). The rules per captured CPU come
 * from shared/conformance/8086/README.md (one instruction, #DE found by its vector, 20-bit
 * bus) and 80286/README.md (run until HLT, initial FLAGS bits 12-15 cleared, 24-bit bus). */
#include "suite.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* The first of dir/<candidates> that exists, malloc'ed, or NULL. */
static char *find_file(const char *dir, const char *const *candidates, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *p = path_join(dir, candidates[i]);
        if (p && access(p, R_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}

struct suite *suite_for_dir(struct suite ***list, size_t *count, const char *dir,
                            const char *metadata_override, char *err, size_t errlen)
{
    char canon[PATH_MAX];
    if (!realpath(dir, canon)) {
        snprintf(err, errlen, "%s: cannot resolve the folder", dir);
        return NULL;
    }
    for (size_t i = 0; i < *count; i++)
        if (strcmp((*list)[i]->dir, canon) == 0)
            return (*list)[i];

    struct suite *s = calloc(1, sizeof *s);
    struct suite **nl = realloc(*list, (*count + 1) * sizeof *nl);
    if (!s || !nl) {
        free(s);
        if (nl)
            *list = nl;
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    *list = nl;
    s->dir = strdup(canon);
    static const char *const md_names[] = {"metadata.json", "../metadata.json", "../v1/metadata.json"};
    static const char *const rl_names[] = {"revocation_list.txt", "../revocation_list.txt"};
    s->md_path = metadata_override ? strdup(metadata_override) : find_file(canon, md_names, 3);
    s->rl_path = find_file(canon, rl_names, 2);
    char why[512];
    if (s->md_path) {
        s->md = malloc(sizeof *s->md);
        if (!s->md || metadata_load(s->md_path, s->md, why, sizeof why)) {
            snprintf(err, errlen, "%s: %s", s->md_path, s->md ? why : "out of memory");
            suite_free(s);
            return NULL;
        }
    }
    if (s->rl_path && revocation_load(s->rl_path, &s->rl, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", s->rl_path, why);
        suite_free(s);
        return NULL;
    }
    (*list)[(*count)++] = s;
    return s;
}

void suite_free(struct suite *s)
{
    if (!s)
        return;
    free(s->dir);
    free(s->md);
    free(s->md_path);
    revocation_free(&s->rl);
    free(s->rl_path);
    free(s);
}

static const struct suite_rules rules_8086 = {
    .until_hlt = false, .clear_init_flags_hi = false, .find_div_exception = true,
    .addr_mask = 0xFFFFF, .has_0f_map = false, .prefixes_386 = false, .code32 = false,
};
static const struct suite_rules rules_286 = {
    .until_hlt = true, .clear_init_flags_hi = true, .find_div_exception = false,
    .addr_mask = 0xFFFFFF, .has_0f_map = true, .prefixes_386 = false, .code32 = false,
};

struct suite_rules suite_rules_for(const char *moo_cpu, const char *md_cpu,
                                   enum cpu_model_id model)
{
    static const char *const ids_8086[] = {"8086", "8088", "V20", "V30"};
    static const char *const ids_286[] = {"C286", "286", "80286"};
    const char *id = moo_cpu && moo_cpu[0] ? moo_cpu : md_cpu;
    if (id) {
        for (size_t i = 0; i < sizeof ids_8086 / sizeof ids_8086[0]; i++)
            if (strcmp(id, ids_8086[i]) == 0)
                return rules_8086;
        for (size_t i = 0; i < sizeof ids_286 / sizeof ids_286[0]; i++)
            if (strcmp(id, ids_286[i]) == 0)
                return rules_286;
    }
    return model == CPU_8086 ? rules_8086 : rules_286;
}
