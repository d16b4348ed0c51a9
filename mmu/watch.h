/* Data watchpoints for the debugger and the GDB stub: linear or physical address ranges
 * whose reads and/or writes are noticed. The pages that hold them are kept off the TLB's
 * fast path (their tags stay invalid), so only the slow path looks, and only while a
 * watchpoint is armed: guests without watchpoints pay nothing. */
#ifndef GLASS86_WATCH_H
#define GLASS86_WATCH_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct tlb_entry;

enum { WATCH_READ = 1, WATCH_WRITE = 2 };

#define WATCH_MAX 16

struct watchpoint {
    uint32_t addr, len;      /* [addr, addr + len), len >= 1 */
    uint8_t kinds;           /* WATCH_READ | WATCH_WRITE */
    bool phys;               /* a physical range (else linear) */
    bool enabled;
    int id;                  /* the owner's number for it (debugger breakpoint number) */
};

/* The first access that touched a watched range since the owner last cleared it. */
struct watch_hit {
    bool pending;
    int slot;                /* index in watchset.w */
    uint8_t kind;            /* WATCH_READ or WATCH_WRITE */
    uint32_t addr;           /* linear address of the access */
    unsigned size;
    uint32_t value;          /* the value written (writes only) */
    uint32_t insn_eip;       /* the instruction that made it */
    uint16_t insn_cs;
};

struct watchset {
    bool armed;              /* some watchpoint is enabled: the one test the slow path makes */
    int count;
    struct watchpoint w[WATCH_MAX];
    struct watch_hit hit;
};

/* Add a watchpoint; returns its slot or -1 when full. Arms and flushes the TLB. */
int watch_add(struct machine *m, uint32_t addr, uint32_t len, unsigned kinds, bool phys, int id);
/* Remove slot `slot` (later slots move down by one). */
void watch_remove(struct machine *m, int slot);
/* Recompute `armed` after enabling or disabling entries, and flush the TLB so that the
 * pages concerned leave (or may return to) the fast path. */
void watch_update(struct machine *m);

/* From tlb_fill(), when armed: make the entry slow for the kinds watched on its page. */
void watch_filter_tlb(struct machine *m, struct tlb_entry *e, uint32_t lin);
/* From the memory slow path, when armed: record a hit if [lin, lin+size) touches a
 * watched range, and ask the run loop to stop after the instruction. */
void watch_access(struct machine *m, uint32_t lin, unsigned size, unsigned kind, uint32_t value);

#endif
