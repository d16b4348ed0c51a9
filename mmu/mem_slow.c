/* The slow path of guest memory accesses: segment limit and rights faults (SDM vol. 3A,
 * 5.3 and 6.15 #GP/#SS), the 8086's wrap inside a 64 KiB segment, TLB refills, MMIO, code
 * pages, and accesses that straddle two pages (both pages are translated before any byte
 * is written, so a fault on the second leaves nothing half-written). */
#include "cpu/debug.h"
#include "machine/machine.h"
#include "mmu/mem.h"
#include "mmu/tlb_fill.h"
#include "mmu/watch.h"

/* Limit and rights violations: #SS for the stack segment, #GP for the others (SDM vol. 3A,
 * 6.15). The 286 in real mode raises #GP for every segment, the stack included (captured
 * from a real 286 by SingleStepTests: no #SS appears in its 260,000 tests). */
static _Noreturn void segment_fault(struct machine *m, int sreg)
{
    bool stack = sreg == SEG_SS && m->cpu.model->id != CPU_286;
    cpu_raise(m, stack ? EXC_SS : EXC_GP, 0);
}

/* True when an out-of-limit access should wrap inside the segment (8086 only). */
static bool wraps_in_segment(const struct machine *m)
{
    return m->cpu.model->segment_wrap;
}

uint32_t mem_read_slow(struct machine *m, int sreg, uint32_t off, unsigned size)
{
    const struct segment *s = &m->cpu.seg[sreg];
    if (!seg_offset_ok(s, off, size)) {
        if (!wraps_in_segment(m))
            segment_fault(m, sreg);
        uint32_t v = 0;
        for (unsigned k = 0; k < size; k++)
            v |= lin_read(m, s->base + ((off + k) & 0xFFFF), 1) << (8 * k);
        return v;
    }
    if (!s->readable)
        segment_fault(m, sreg);
    return lin_read(m, s->base + off, size);
}

void mem_write_slow(struct machine *m, int sreg, uint32_t off, uint32_t value, unsigned size)
{
    const struct segment *s = &m->cpu.seg[sreg];
    if (!seg_offset_ok(s, off, size)) {
        if (!wraps_in_segment(m))
            segment_fault(m, sreg);
        for (unsigned k = 0; k < size; k++)
            lin_write(m, s->base + ((off + k) & 0xFFFF), value >> (8 * k), 1);
        return;
    }
    if (!s->writable)
        segment_fault(m, sreg);
    lin_write(m, s->base + off, value, size);
}

/* User accesses with alignment checking on (486 and later, SDM vol. 3A, 6.15 #AC). */
static unsigned check_alignment(struct machine *m, uint32_t lin, unsigned size, unsigned user)
{
    if (user == 2) {
        if (lin & (size - 1))
            cpu_raise(m, EXC_AC, 0);
        return 1;
    }
    return user;
}

void mem_check_write(struct machine *m, int sreg, uint32_t off, unsigned size)
{
    const struct segment *s = &m->cpu.seg[sreg];
    if (!seg_offset_ok(s, off, size)) {
        if (!wraps_in_segment(m))
            segment_fault(m, sreg);
        return;
    }
    if (!s->writable)
        segment_fault(m, sreg);
    uint32_t lin = s->base + off;
    unsigned kind = ACCESS_WRITE | mmu_user_bit(m);
    check_alignment(m, lin, size, m->cpu.user);
    mmu_translate(m, lin, kind);
    if ((lin & 0xFFF) + size > 0x1000)
        mmu_translate(m, (lin | 0xFFF) + 1, kind);
}

uint32_t lin_read_as(struct machine *m, uint32_t lin, unsigned size, unsigned user)
{
    user = check_alignment(m, lin, size, user);
    if (m->cpu.dbg_data_read)
        dbg_data_access(m, lin, size, false);
    struct tlb_entry *e = &m->tlb.e[user][(lin >> 12) & (TLB_SIZE - 1)];
    if (e->read_tag == (lin & PAGE_MASK) && (lin & 0xFFF) <= 0x1000 - size)
        return load_le(e->host + (lin & 0xFFF), size);
    if (m->watch.armed)
        watch_access(m, lin, size, WATCH_READ, 0);
    if ((lin & 0xFFF) + size > 0x1000) {
        uint32_t v = 0;
        for (unsigned k = 0; k < size; k++)
            v |= lin_read_as(m, lin + k, 1, user) << (8 * k);
        return v;
    }
    unsigned kind = ACCESS_READ | (user ? ACCESS_USER : 0);
    e = tlb_fill(m, lin, kind);
    if (e)
        return load_le(e->host + (lin & 0xFFF), size);
    return phys_read(m, mmu_translate(m, lin, kind), size);
}

void lin_write_as(struct machine *m, uint32_t lin, uint32_t value, unsigned size, unsigned user)
{
    user = check_alignment(m, lin, size, user);
    if (m->cpu.dbg_data_write)
        dbg_data_access(m, lin, size, true);
    struct tlb_entry *e = &m->tlb.e[user][(lin >> 12) & (TLB_SIZE - 1)];
    if (e->write_tag == (lin & PAGE_MASK) && (lin & 0xFFF) <= 0x1000 - size) {
        store_le(e->host + (lin & 0xFFF), value, size);
        return;
    }
    if (m->watch.armed)
        watch_access(m, lin, size, WATCH_WRITE, value);
    unsigned kind = ACCESS_WRITE | (user ? ACCESS_USER : 0);
    if ((lin & 0xFFF) + size > 0x1000) {
        /* Straddles two pages: both must translate before any byte is written. */
        uint32_t second = (lin | 0xFFF) + 1;
        unsigned first_bytes = second - lin;
        uint32_t p0 = mmu_translate(m, lin, kind);
        uint32_t p1 = mmu_translate(m, second, kind);
        phys_write(m, p0, value, first_bytes);
        phys_write(m, p1, value >> (8 * first_bytes), size - first_bytes);
        return;
    }
    e = tlb_fill(m, lin, kind);
    if (e && e->write_tag == (lin & PAGE_MASK)) {
        store_le(e->host + (lin & 0xFFF), value, size);
        return;
    }
    /* ROM, MMIO or a page holding decoded code: go through the physical bus. */
    phys_write(m, mmu_translate(m, lin, kind), value, size);
}

/* The thunks of mem_read_slow_call() and mem_write_slow_call() (mmu/mem.h): the C slow path
 * called with every caller-saved integer register kept. They keep the old stack pointer in
 * RBP (a frame the unwinder and the sanitizers' frame walk understand), push RCX RDX RSI
 * RDI R8-R11, align the stack to 16 bytes as the ABI wants at a call, and undo it all. The
 * direction flag is clear, as the compiler keeps it. A fault long-jumps out of the C
 * function past the thunk, which is harmless: nothing it saved is needed any more. */
#if defined(__x86_64__) && defined(GLASS86_SLOW_THUNKS)
#define SLOW_THUNK(name, target)                                                        \
    __asm__(".text\n"                                                                   \
            ".p2align 4\n"                                                              \
            ".globl " #name "\n"                                                        \
            ".hidden " #name "\n"                                                       \
            ".type " #name ", @function\n" #name ":\n"                                  \
            ".cfi_startproc\n"                                                          \
            "push %rbp\n"                                                               \
            ".cfi_def_cfa_offset 16\n"                                                  \
            ".cfi_offset %rbp, -16\n"                                                   \
            "mov %rsp, %rbp\n"                                                          \
            ".cfi_def_cfa_register %rbp\n"                                              \
            "push %rcx\npush %rdx\npush %rsi\npush %rdi\n"                              \
            "push %r8\npush %r9\npush %r10\npush %r11\n"                                \
            "and $-16, %rsp\n"                                                          \
            "call " #target "@PLT\n"                                                    \
            "lea -64(%rbp), %rsp\n"                                                     \
            "pop %r11\npop %r10\npop %r9\npop %r8\n"                                    \
            "pop %rdi\npop %rsi\npop %rdx\npop %rcx\n"                                  \
            "pop %rbp\n"                                                                \
            ".cfi_def_cfa %rsp, 8\n"                                                    \
            "ret\n"                                                                     \
            ".cfi_endproc\n"                                                            \
            ".size " #name ", .-" #name "\n")
SLOW_THUNK(glass86_mem_read_slow_thunk, mem_read_slow);
SLOW_THUNK(glass86_mem_write_slow_thunk, mem_write_slow);
#endif

uint32_t lin_read_slow(struct machine *m, uint32_t lin, unsigned size)
{
    return lin_read_as(m, lin, size, m->cpu.user);
}

void lin_write_slow(struct machine *m, uint32_t lin, uint32_t value, unsigned size)
{
    lin_write_as(m, lin, value, size, m->cpu.user);
}
