/* Mode-dependent control transfers and segment loads: far JMP/CALL/RET and IRET, segment
 * register loads, and port I/O permission, dispatched on real, V86 and protected mode.
 * Real mode follows the SDM vol. 2 pseudo-code ("real-address mode" branches); V86 mode
 * vol. 3A chapter 20 (IOPL-sensitive instructions, the I/O permission bitmap of 18.5.2);
 * protected mode lives in cpu/far_pm.c. */
#include "cpu/debug.h"
#include "cpu/ops.h"
#include "cpu/pmode.h"

void pm_far_jump(struct machine *m, uint16_t sel, uint32_t offset, unsigned w);
void pm_far_call(struct machine *m, uint16_t sel, uint32_t offset, unsigned w);
void pm_far_return(struct machine *m, unsigned w, uint16_t pop_extra);
void pm_iret(struct machine *m, unsigned w);

/* The EFLAGS bits POPF/IRET may change (SDM vol. 2, POPF, table 4-17): IOPL only at CPL 0,
 * IF only at CPL <= IOPL, and the 286 keeps IOPL and NT clear in real mode. */
uint32_t cpu_popf_mask(const struct cpu *c, unsigned w)
{
    uint32_t mask = c->model->flags_writable & ~(FLAG_VM | FLAG_RF);
    if (cpu_protected(c)) {
        if (c->cpl > 0)
            mask &= ~FLAG_IOPL;
        if (c->cpl > ((c->eflags & FLAG_IOPL) >> 12))
            mask &= ~FLAG_IF;
    } else if (c->model->id == CPU_286) {
        mask &= ~(FLAG_IOPL | FLAG_NT);
    }
    return w == 16 ? mask & 0xFFFF : mask;
}

static bool real_or_v86(const struct cpu *c) { return !cpu_protected(c) || in_v86(c); }

static void load_cs_real_or_v86(struct machine *m, uint16_t selector)
{
    if (in_v86(&m->cpu))
        seg_load_v86(m, SEG_CS, selector);
    else
        cpu_load_seg_real(m, SEG_CS, selector);
}

void load_sreg(struct machine *m, int sreg, uint16_t selector)
{
    struct cpu *c = &m->cpu;
    if (!cpu_protected(c))
        cpu_load_seg_real(m, sreg, selector);
    else if (in_v86(c))
        seg_load_v86(m, sreg, selector);
    else
        load_data_sreg_pm(m, sreg, selector);
}

void far_jump(struct machine *m, uint16_t selector, uint32_t offset, unsigned w)
{
    struct cpu *c = &m->cpu;
    if (!real_or_v86(c)) {
        pm_far_jump(m, selector, offset, w);
        return;
    }
    load_cs_real_or_v86(m, selector);
    c->eip = offset & width_mask(w);
}

void far_call(struct machine *m, uint16_t selector, uint32_t offset, unsigned w)
{
    struct cpu *c = &m->cpu;
    if (!real_or_v86(c)) {
        pm_far_call(m, selector, offset, w);
        return;
    }
    unsigned size = w / 8;
    uint32_t sp = c->gpr[ESP];
    mem_write(m, SEG_SS, (sp - size) & c->stack_mask, c->seg[SEG_CS].selector, size);
    mem_write(m, SEG_SS, (sp - 2 * size) & c->stack_mask, c->eip & width_mask(w), size);
    set_sp(c, sp - 2 * size);
    load_cs_real_or_v86(m, selector);
    c->eip = offset & width_mask(w);
}

void far_return(struct machine *m, unsigned w, uint16_t pop_extra)
{
    struct cpu *c = &m->cpu;
    if (!real_or_v86(c)) {
        pm_far_return(m, w, pop_extra);
        return;
    }
    unsigned size = w / 8;
    uint32_t offset = stack_peek(m, 0, size);
    uint16_t selector = (uint16_t)stack_peek(m, size, size);
    set_sp(c, c->gpr[ESP] + 2 * size + pop_extra);
    load_cs_real_or_v86(m, selector);
    c->eip = offset & width_mask(w);
}

/* IRET in V86 mode: with IOPL 3 a real-mode IRET that cannot change IOPL; with VME and a
 * 16-bit operand, the virtual interrupt flag takes the place of IF; otherwise #GP. */
static void v86_iret(struct machine *m, unsigned w)
{
    struct cpu *c = &m->cpu;
    bool iopl3 = (c->eflags & FLAG_IOPL) == FLAG_IOPL;
    bool vme = (c->cr[4] & 1) && w == 16;
    if (!iopl3 && !vme)
        cpu_raise(m, EXC_GP, 0);
    unsigned size = w / 8;
    uint32_t offset = stack_peek(m, 0, size);
    uint16_t selector = (uint16_t)stack_peek(m, size, size);
    uint32_t flags = stack_peek(m, 2 * size, size);
    uint32_t mask;
    if (iopl3) {
        mask = cpu_popf_mask(c, w) & ~FLAG_IOPL;
    } else {
        if ((flags & FLAG_TF) || ((flags & FLAG_IF) && (c->eflags & FLAG_VIP)))
            cpu_raise(m, EXC_GP, 0);
        mask = cpu_popf_mask(c, 16) & ~(FLAG_IOPL | FLAG_IF);
        c->eflags = (c->eflags & ~FLAG_VIF) | ((flags & FLAG_IF) ? FLAG_VIF : 0);
    }
    set_sp(c, c->gpr[ESP] + 3 * size);
    seg_load_v86(m, SEG_CS, selector);
    c->eip = offset & width_mask(w);
    cpu_set_eflags(c, (cpu_get_eflags(c) & ~mask) | (flags & mask));
}

void interrupt_return(struct machine *m, unsigned w)
{
    struct cpu *c = &m->cpu;
    c->nmi_blocked = false;
    if (in_v86(c)) {
        v86_iret(m, w);
        return;
    }
    if (cpu_protected(c)) {
        pm_iret(m, w);
        return;
    }
    unsigned size = w / 8;
    uint32_t offset = stack_peek(m, 0, size);
    uint16_t selector = (uint16_t)stack_peek(m, size, size);
    uint32_t flags = stack_peek(m, 2 * size, size);
    set_sp(c, c->gpr[ESP] + 3 * size);
    cpu_load_seg_real(m, SEG_CS, selector);
    c->eip = offset & width_mask(w);
    uint32_t mask = cpu_popf_mask(c, w);
    cpu_set_eflags(c, (cpu_get_eflags(c) & ~mask) | (flags & mask));
}

/* Port I/O. In protected mode with CPL > IOPL, and always in V86 mode, every port of the
 * access must be allowed by the I/O permission bitmap of a 32-bit TSS (SDM vol. 1, 18.5). */
static void check_io_permission(struct machine *m, uint16_t port, unsigned bytes)
{
    struct cpu *c = &m->cpu;
    if (!cpu_protected(c))
        return;
    if (!in_v86(c) && c->cpl <= ((c->eflags & FLAG_IOPL) >> 12))
        return;
    if ((c->tr.attr & 0x0D) != 0x09 || c->tr.limit < 0x67) /* not a 32-bit TSS */
        cpu_raise(m, EXC_GP, 0);
    uint32_t map = (uint16_t)sys_read(m, c->tr.base + 0x66, 2);
    uint32_t byte = map + port / 8;
    if (byte + 1 > c->tr.limit)
        cpu_raise(m, EXC_GP, 0);
    uint32_t bits = sys_read(m, c->tr.base + byte, 2);
    uint32_t want = ((1u << bytes) - 1) << (port & 7);
    if (bits & want)
        cpu_raise(m, EXC_GP, 0);
}

/* An access to a port on the ISA bus holds the CPU for the bus cycle (see
 * devices/iobus.h): the device answers, then the instruction waits out the cycle. */
uint32_t port_in(struct machine *m, uint16_t port, unsigned bytes)
{
    check_io_permission(m, port, bytes);
    if (m->cpu.dbg_io)
        dbg_io_access(m, port, bytes);
    uint32_t v = io_read(m, port, bytes);
    uint32_t wait = iobus_wait_ns(&m->io, port, bytes);
    if (wait)
        sched_stall(m, wait);
    return v;
}

void port_out(struct machine *m, uint16_t port, uint32_t value, unsigned bytes)
{
    check_io_permission(m, port, bytes);
    if (m->cpu.dbg_io)
        dbg_io_access(m, port, bytes);
    io_write(m, port, value, bytes);
    uint32_t wait = iobus_wait_ns(&m->io, port, bytes);
    if (wait)
        sched_stall(m, wait);
}
