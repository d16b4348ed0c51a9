/* Watchpoints (see watch.h): the TLB keeps watched pages slow, the slow path compares each
 * access with the watched ranges. A hit stops the run loop after the instruction, the way
 * a debug-register data breakpoint traps after it (SDM vol. 3A, 17.3.1.2). */
#include "mmu/watch.h"

#include <string.h>

#include "machine/machine.h"
#include "machine/run.h"
#include "mmu/mem.h"
#include "mmu/translate.h"

void watch_update(struct machine *m)
{
    struct watchset *ws = &m->watch;
    ws->armed = false;
    for (int k = 0; k < ws->count; k++)
        if (ws->w[k].enabled)
            ws->armed = true;
    tlb_flush(m); /* entries filled before (or while) arming may be on the fast path */
}

int watch_add(struct machine *m, uint32_t addr, uint32_t len, unsigned kinds, bool phys, int id)
{
    struct watchset *ws = &m->watch;
    if (ws->count == WATCH_MAX || len == 0 || !(kinds & (WATCH_READ | WATCH_WRITE)))
        return -1;
    int slot = ws->count++;
    ws->w[slot] = (struct watchpoint){ .addr = addr, .len = len, .kinds = (uint8_t)kinds,
                                       .phys = phys, .enabled = true, .id = id };
    watch_update(m);
    return slot;
}

void watch_remove(struct machine *m, int slot)
{
    struct watchset *ws = &m->watch;
    if (slot < 0 || slot >= ws->count)
        return;
    memmove(&ws->w[slot], &ws->w[slot + 1], (size_t)(ws->count - slot - 1) * sizeof(ws->w[0]));
    ws->count--;
    ws->hit.pending = false;
    watch_update(m);
}

/* Does the range [a, a + len) touch the 4 KiB page that starts at `page`? */
static bool touches_page(uint32_t a, uint32_t len, uint32_t page)
{
    uint64_t end = (uint64_t)a + len; /* exclusive */
    return (uint64_t)page < end && (uint64_t)page + 0x1000 > a;
}

static bool overlaps(uint32_t a, uint32_t len, uint32_t b, unsigned size)
{
    return (uint64_t)b < (uint64_t)a + len && (uint64_t)b + size > a;
}

void watch_filter_tlb(struct machine *m, struct tlb_entry *e, uint32_t lin)
{
    const struct watchset *ws = &m->watch;
    uint32_t lin_page = lin & PAGE_MASK, phys_page = e->phys_page << 12;
    for (int k = 0; k < ws->count; k++) {
        const struct watchpoint *w = &ws->w[k];
        if (!w->enabled || !touches_page(w->addr, w->len, w->phys ? phys_page : lin_page))
            continue;
        if (w->kinds & WATCH_READ)
            e->read_tag = TLB_INVALID;
        if (w->kinds & WATCH_WRITE)
            e->write_tag = TLB_INVALID;
    }
}

void watch_access(struct machine *m, uint32_t lin, unsigned size, unsigned kind, uint32_t value)
{
    struct watchset *ws = &m->watch;
    if (ws->hit.pending)
        return; /* the first hit of an instruction is the one reported */
    uint32_t phys = 0;
    bool have_phys = false;
    for (int k = 0; k < ws->count; k++) {
        const struct watchpoint *w = &ws->w[k];
        if (!w->enabled || !(w->kinds & kind))
            continue;
        uint32_t where = lin;
        if (w->phys) {
            /* Only physical watchpoints need the translation; a debugger walk has no side
             * effects and the access itself has already been (or will be) checked. */
            if (!have_phys && !mmu_peek(m, lin, &phys))
                continue;
            have_phys = true;
            where = phys;
        }
        if (!overlaps(w->addr, w->len, where, size))
            continue;
        ws->hit = (struct watch_hit){ .pending = true, .slot = k, .kind = (uint8_t)kind,
                                      .addr = lin, .size = size, .value = value,
                                      .insn_eip = m->cpu.insn_eip,
                                      .insn_cs = m->cpu.seg[SEG_CS].selector };
        machine_request_stop(m);
        return;
    }
}
