/* Building a test's expectation (see expect.h). The one subtle part is the FLAGS word an
 * exception pushes: it may hold undefined flags, so the metadata mask applies to it too.
 *  - 80286 files record it in EXCP, but as the bus address of the word, rounded down to
 *    an even address: with an odd SP the word really is one byte higher. The word is at
 *    SS:SP+4 of the final state (IP, CS, FLAGS pushed in that order), so that is used
 *    when it agrees with EXCP, and EXCP as given otherwise.
 *  - 8086 files have no EXCP. A divide error is recognised as the README says: a divide
 *    opcode whose final CS:IP is the INT 0 vector read from 0000:0000. */
#include "expect.h"

#include <stdlib.h>
#include <string.h>

static int cmp_byte(const void *a, const void *b)
{
    const struct expect_byte *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The physical address of SS:off, wrapping inside the 64 KiB segment as real mode does. */
static uint32_t real_addr(uint16_t ss, uint32_t off, uint32_t mask)
{
    return (((uint32_t)ss << 4) + (off & 0xFFFF)) & mask;
}

static bool init_byte(const struct tc_file *f, const struct tc_test *t, uint32_t addr, uint8_t *v)
{
    const struct tc_ram *r = tc_state_ram(f, &t->init);
    for (uint32_t i = 0; i < t->init.ram_count; i++)
        if (r[i].addr == addr) {
            *v = r[i].value;
            return true;
        }
    return false;
}

/* Where the exception pushed FLAGS, if the test took one. */
static bool find_pushed_flags(const struct expectation *e, const struct tc_file *f,
                              const struct tc_test *t, const struct suite_rules *rules,
                              bool div_form, uint32_t addr[2])
{
    uint16_t ss = e->final[TC_SS], sp = e->final[TC_SP];
    uint32_t word[2] = {real_addr(ss, sp + 4u, rules->addr_mask),
                        real_addr(ss, sp + 5u, rules->addr_mask)};
    if (t->has_excp) {
        if ((word[0] & ~1u) == (t->excp_flags_addr & ~1u)) {
            addr[0] = word[0];
            addr[1] = word[1];
        } else {
            addr[0] = t->excp_flags_addr;
            addr[1] = (t->excp_flags_addr + 1) & rules->addr_mask;
        }
        return true;
    }
    if (!rules->find_div_exception || !div_form)
        return false;
    uint8_t v[4];
    for (uint32_t a = 0; a < 4; a++)
        if (!init_byte(f, t, a, &v[a]))
            return false; /* the vector was never read: no exception */
    uint16_t vec_ip = (uint16_t)(v[0] | v[1] << 8), vec_cs = (uint16_t)(v[2] | v[3] << 8);
    if (e->final[TC_IP] != vec_ip || e->final[TC_CS] != vec_cs)
        return false;
    addr[0] = word[0];
    addr[1] = word[1];
    return true;
}

int expect_build(struct expectation *e, const struct tc_file *f, const struct tc_test *t,
                 const struct suite_rules *rules, uint16_t flags_mask, bool div_form)
{
    memcpy(e->init, t->init.regs, sizeof e->init);
    if (rules->clear_init_flags_hi)
        e->init[TC_FLAGS] &= 0x0FFF;
    for (int r = 0; r < TC_NREGS; r++)
        e->final[r] = (t->fina.present & (1u << r)) ? t->fina.regs[r] : e->init[r];
    e->flags_mask = flags_mask;

    size_t need = (size_t)t->init.ram_count + t->fina.ram_count;
    if (need > e->ram_cap) {
        struct expect_byte *n = realloc(e->ram, need * sizeof *n);
        if (!n)
            return -1;
        e->ram = n;
        e->ram_cap = need;
    }
    size_t k = 0;
    for (int s = 0; s < 2; s++) {
        const struct tc_state *st = s ? &t->fina : &t->init;
        const struct tc_ram *r = tc_state_ram(f, st);
        for (uint32_t i = 0; i < st->ram_count; i++, k++)
            e->ram[k] = (struct expect_byte){r[i].addr, r[i].value, 0xFF, s == 1, (uint32_t)k};
    }
    qsort(e->ram, k, sizeof *e->ram, cmp_byte);
    /* Keep the last entry of each address: FINA sorts after INIT. */
    size_t out = 0;
    for (size_t i = 0; i < k; i++) {
        if (out && e->ram[out - 1].addr == e->ram[i].addr)
            out--;
        e->ram[out++] = e->ram[i];
    }
    e->ram_count = out;

    e->exception = find_pushed_flags(e, f, t, rules, div_form, e->flags_addr);
    if (e->exception) {
        for (int b = 0; b < 2; b++) {
            struct expect_byte *x = (struct expect_byte *)expect_find(e, e->flags_addr[b]);
            if (x)
                x->mask = (uint8_t)(flags_mask >> (8 * b));
        }
    }
    return 0;
}

const struct expect_byte *expect_find(const struct expectation *e, uint32_t addr)
{
    size_t lo = 0, hi = e->ram_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->ram[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < e->ram_count && e->ram[lo].addr == addr ? &e->ram[lo] : NULL;
}

void expect_free(struct expectation *e)
{
    free(e->ram);
    e->ram = NULL;
    e->ram_count = e->ram_cap = 0;
}
