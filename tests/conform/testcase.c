/* Pools behind struct tc_file (see testcase.h). */
#include "testcase.h"

#include <stdlib.h>
#include <string.h>

const char *const tc_reg_names[TC_NREGS] = {
    "ax", "bx", "cx", "dx", "cs", "ss", "ds", "es", "sp", "bp", "si", "di", "ip", "flags",
};

int tc_reg_by_name(const char *name)
{
    for (int i = 0; i < TC_NREGS; i++)
        if (strcmp(name, tc_reg_names[i]) == 0)
            return i;
    return -1;
}

/* Grow an array to hold `need` elements; doubles so appends stay amortised O(1). */
static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 64;
    while (n < need) {
        if (n > ((size_t)-1) / 2 / elem)
            return false;
        n *= 2;
    }
    void *q = realloc(*p, n * elem);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

void tc_file_free(struct tc_file *f)
{
    free(f->tests);
    free(f->ram);
    free(f->blob);
    memset(f, 0, sizeof *f);
}

struct tc_test *tc_add_test(struct tc_file *f)
{
    if (!grow((void **)&f->tests, &f->cap, f->count + 1, sizeof *f->tests))
        return NULL;
    struct tc_test *t = &f->tests[f->count++];
    memset(t, 0, sizeof *t);
    return t;
}

bool tc_add_blob(struct tc_file *f, const void *src, size_t n, uint32_t *off)
{
    if (f->blob_len + n + 1 > UINT32_MAX)
        return false;
    if (!grow((void **)&f->blob, &f->blob_cap, f->blob_len + n + 1, 1))
        return false;
    if (n)
        memcpy(f->blob + f->blob_len, src, n);
    *off = (uint32_t)f->blob_len;
    f->blob_len += n;
    f->blob[f->blob_len++] = 0; /* every entry ends in NUL, so a name is also a C string */
    return true;
}

bool tc_add_ram(struct tc_file *f, uint32_t addr, uint8_t value)
{
    if (f->ram_count >= UINT32_MAX)
        return false;
    if (!grow((void **)&f->ram, &f->ram_cap, f->ram_count + 1, sizeof *f->ram))
        return false;
    f->ram[f->ram_count++] = (struct tc_ram){addr, value};
    return true;
}
