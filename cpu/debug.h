/* The debug registers (Intel SDM vol. 3A, 17.2 and 17.3): instruction and data breakpoints
 * in DR0-DR3 as DR7 arms them, reported in DR6. Instruction breakpoints are checked before
 * an instruction starts (unless EFLAGS.RF is set); data breakpoints are noticed by the
 * memory slow path, because the TLB keeps the pages they watch off the fast path, and
 * trap after the instruction, as I/O breakpoints do (R/W = 10, only with CR4.DE, the
 * Pentium's debugging extensions: on the P6 model). While any breakpoint is armed the run
 * loop executes one instruction at a time (cpu/exec.c). */
#ifndef GLASS86_DEBUG_H
#define GLASS86_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

#define DR6_BD 0x2000u /* MOV DRn with DR7.GD set */
#define DR6_BS 0x4000u /* single step */
#define DR6_BT 0x8000u /* task switch to a TSS with the T bit */
#define DR7_GD 0x2000u

/* Recompute what DR7 arms after a write to DR0-DR3 or DR7, or a task switch. */
void dbg_update(struct machine *m);
/* DR6 bits B0-B3 of the instruction breakpoints at the linear address `lin`. */
uint32_t dbg_exec_hits(const struct machine *m, uint32_t lin);
/* A port access of `size` bytes at `port`: note the I/O breakpoints it hits. */
void dbg_io_access(struct machine *m, uint32_t port, unsigned size);
/* A data access of `size` bytes at `lin`: note the breakpoints it hits in cpu.dbg_hits. */
void dbg_data_access(struct machine *m, uint32_t lin, unsigned size, bool write);
/* Whether the linear page `page` holds a data breakpoint for writes (or any access). */
bool dbg_page_watched(const struct machine *m, uint32_t page, bool write);

#endif
