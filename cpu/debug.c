/* Debug registers: breakpoint matching for DR0-DR3 (Intel SDM vol. 3A, 17.2.4-17.2.5). DR7
 * holds, per breakpoint n, the enables L/G in bits 2n and 2n+1, R/W in bits 16+4n (00
 * execute, 01 write, 10 I/O, 11 read or write) and LEN in bits 18+4n (1, 2, 8 or 4
 * bytes). A data breakpoint covers the LEN bytes at DRn rounded down to LEN; an I/O
 * breakpoint (R/W 10, defined only with CR4.DE: 17.2.4) the LEN ports from DRn likewise. */
#include "cpu/debug.h"
#include "cpu/ops.h"

#define CR4_DE_BIT 0x08u

static unsigned bp_rw(uint32_t dr7, unsigned n) { return (dr7 >> (16 + 4 * n)) & 3; }
static uint32_t bp_len(uint32_t dr7, unsigned n)
{
    static const uint8_t bytes[4] = { 1, 2, 8, 4 };
    return bytes[(dr7 >> (18 + 4 * n)) & 3];
}

void dbg_update(struct machine *m)
{
    struct cpu *c = &m->cpu;
    uint32_t dr7 = c->dr[7];
    uint8_t exec = 0, wr = 0, rd = 0, io = 0;
    for (unsigned n = 0; n < 4; n++) {
        if (!(dr7 & (3u << (2 * n))))
            continue;
        switch (bp_rw(dr7, n)) {
        case 0: exec |= (uint8_t)(1u << n); break;
        case 1: wr |= (uint8_t)(1u << n); break;
        case 3: wr |= (uint8_t)(1u << n); rd |= (uint8_t)(1u << n); break;
        default:
            if (c->cr[4] & CR4_DE_BIT)
                io |= (uint8_t)(1u << n);
            break;
        }
    }
    c->dbg_io = io;
    bool data_changed = wr != c->dbg_data_write || rd != c->dbg_data_read;
    c->dbg_exec = exec;
    c->dbg_data_write = wr;
    c->dbg_data_read = rd;
    if (data_changed || wr)
        tlb_flush(m); /* refill with the watched pages kept slow */
    cpu_signal(c, EV_IRQ); /* the run loop picks its path again */
}

uint32_t dbg_exec_hits(const struct machine *m, uint32_t lin)
{
    const struct cpu *c = &m->cpu;
    uint32_t hits = 0;
    for (unsigned n = 0; n < 4; n++)
        if ((c->dbg_exec & (1u << n)) && c->dr[n] == lin)
            hits |= 1u << n;
    return hits;
}

static uint32_t bp_start(const struct cpu *c, unsigned n)
{
    return c->dr[n] & ~(bp_len(c->dr[7], n) - 1);
}

void dbg_io_access(struct machine *m, uint32_t port, unsigned size)
{
    struct cpu *c = &m->cpu;
    for (unsigned n = 0; n < 4; n++) {
        if (!(c->dbg_io & (1u << n)))
            continue;
        uint32_t start = bp_start(c, n) & 0xFFFF, len = bp_len(c->dr[7], n);
        if (port - start < len || start - port < size)
            c->dbg_hits |= (uint8_t)(1u << n);
    }
}

void dbg_data_access(struct machine *m, uint32_t lin, unsigned size, bool write)
{
    struct cpu *c = &m->cpu;
    uint8_t armed = write ? c->dbg_data_write : c->dbg_data_read;
    for (unsigned n = 0; n < 4; n++) {
        if (!(armed & (1u << n)))
            continue;
        uint32_t start = bp_start(c, n), len = bp_len(c->dr[7], n);
        if (lin - start < len || start - lin < size)
            c->dbg_hits |= (uint8_t)(1u << n);
    }
}

bool dbg_page_watched(const struct machine *m, uint32_t page, bool write)
{
    const struct cpu *c = &m->cpu;
    uint8_t armed = write ? c->dbg_data_write : c->dbg_data_read;
    for (unsigned n = 0; n < 4; n++)
        if ((armed & (1u << n)) && (bp_start(c, n) & PAGE_MASK) == page)
            return true;
    return false;
}
