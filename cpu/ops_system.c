/* Flag, I/O and system instructions: CLC..STD, CLI/STI, IN/OUT, CPUID, RDTSC, RDMSR/WRMSR,
 * MOV to and from CRn/DRn, LGDT/SGDT/LIDT/SIDT, SMSW/LMSW, CLTS, INVD/WBINVD, INVLPG, WAIT,
 * ARPL, the x87 escapes of a machine without a coprocessor, and the #UD handlers shared by
 * the opcode table (Intel SDM vol. 2 and vol. 3A chapter 2.5 for the control registers). */
#include "cpu/debug.h"
#include "cpu/ops.h"

#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_WP 0x00010000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u
#define CR4_VME 0x01u
#define CR4_PVI 0x02u
#define CR4_TSD_BIT 0x04u
#define CR4_DE 0x08u
#define CR4_PSE 0x10u
#define CR4_PGE 0x80u
/* CR4 bits glass86 implements on the P6 model; setting any other is #GP(0) (SDM vol. 3A,
 * 2.5). PCE is left out: RDPMC is not implemented. */
#define CR4_IMPLEMENTED (CR4_VME | CR4_PVI | CR4_TSD_BIT | CR4_DE | CR4_PSE | CR4_PGE)

/* ---- Flags ---- */
HANDLER(clc) { lf_force_cf(&m->cpu.lf, false); }
HANDLER(stc) { lf_force_cf(&m->cpu.lf, true); }
HANDLER(cmc) { lf_force_cf(&m->cpu.lf, !lf_cf(&m->cpu.lf)); }
HANDLER(cld) { m->cpu.eflags &= ~FLAG_DF; }
HANDLER(std) { m->cpu.eflags |= FLAG_DF; }

/* CLI/STI act on IF when CPL <= IOPL. Otherwise V86 mode with CR4.VME, or CPL 3 with
 * CR4.PVI, act on the virtual interrupt flag instead (SDM vol. 2, CLI/STI tables 3-7,
 * 4-19); anything else is #GP(0). Returns true when the real IF is the one to change. */
static bool iopl_allows_if(struct machine *m)
{
    struct cpu *c = &m->cpu;
    unsigned iopl = (c->eflags & FLAG_IOPL) >> 12;
    if (!cpu_protected(c))
        return true;
    if (in_v86(c)) {
        if (iopl == 3)
            return true;
        if (c->cr[4] & CR4_VME)
            return false;
    } else {
        if (c->cpl <= iopl)
            return true;
        if (c->cpl == 3 && (c->cr[4] & CR4_PVI))
            return false;
    }
    cpu_raise(m, EXC_GP, 0);
}
HANDLER(cli)
{
    if (iopl_allows_if(m))
        m->cpu.eflags &= ~FLAG_IF;
    else
        m->cpu.eflags &= ~FLAG_VIF;
}
HANDLER(sti)
{
    struct cpu *c = &m->cpu;
    if (!iopl_allows_if(m)) {
        if (c->eflags & FLAG_VIP)
            cpu_raise(m, EXC_GP, 0);
        c->eflags |= FLAG_VIF;
        return;
    }
    if (!(c->eflags & FLAG_IF)) {
        c->eflags |= FLAG_IF;
        c->inhibit_irq = 1; /* interrupts wait until after the next instruction */
        cpu_signal(c, EV_IRQ);
    }
}

/* ---- Port I/O ---- */
HANDLER(in_AL_Ib) { cpu_set_reg8(&m->cpu, 0, (uint8_t)port_in(m, (uint8_t)i->imm, 1)); }
HANDLER(in_AL_DX) { cpu_set_reg8(&m->cpu, 0, (uint8_t)port_in(m, cpu_reg16(&m->cpu, EDX), 1)); }
HANDLER(out_Ib_AL) { port_out(m, (uint8_t)i->imm, cpu_reg8(&m->cpu, 0), 1); }
HANDLER(out_DX_AL) { port_out(m, cpu_reg16(&m->cpu, EDX), cpu_reg8(&m->cpu, 0), 1); }
ALWAYS_INLINE void in_acc(struct machine *m, const struct insn *i, unsigned w, uint16_t port)
{
    reg_set(&m->cpu, EAX, w, port_in(m, port, w / 8));
}
ALWAYS_INLINE void out_acc(struct machine *m, const struct insn *i, unsigned w, uint16_t port)
{
    port_out(m, port, reg_get(&m->cpu, EAX, w), w / 8);
}
ALWAYS_INLINE void in_I(struct machine *m, const struct insn *i, unsigned w) { in_acc(m, i, w, (uint8_t)i->imm); }
ALWAYS_INLINE void in_D(struct machine *m, const struct insn *i, unsigned w) { in_acc(m, i, w, cpu_reg16(&m->cpu, EDX)); }
ALWAYS_INLINE void out_I(struct machine *m, const struct insn *i, unsigned w) { out_acc(m, i, w, (uint8_t)i->imm); }
ALWAYS_INLINE void out_D(struct machine *m, const struct insn *i, unsigned w) { out_acc(m, i, w, cpu_reg16(&m->cpu, EDX)); }
INST_NV(in_eAX_Ib, in_I)
INST_NV(in_eAX_DX, in_D)
INST_NV(out_Ib_eAX, out_I)
INST_NV(out_DX_eAX, out_D)

/* ---- Identification and time ---- */
HANDLER(cpuid)
{
    struct cpu *c = &m->cpu;
    const struct cpu_model_info *model = c->model;
    /* Leaves above the highest one return the highest one, as Intel chips do. */
    uint32_t leaf = c->gpr[EAX] > model->cpuid_max_leaf ? model->cpuid_max_leaf : c->gpr[EAX];
    if (leaf == 0) {
        c->gpr[EAX] = model->cpuid_max_leaf;
        c->gpr[EBX] = 0x756E6547; /* "Genu" */
        c->gpr[EDX] = 0x49656E69; /* "ineI" */
        c->gpr[ECX] = 0x6C65746E; /* "ntel" */
    } else if (leaf == 2) {
        c->gpr[EAX] = model->cpuid_leaf2[0];
        c->gpr[EBX] = model->cpuid_leaf2[1];
        c->gpr[ECX] = model->cpuid_leaf2[2];
        c->gpr[EDX] = model->cpuid_leaf2[3];
    } else {
        c->gpr[EAX] = model->cpuid_family_model_stepping;
        c->gpr[EBX] = 0;
        c->gpr[ECX] = 0;
        c->gpr[EDX] = model->cpuid_features;
    }
}

/* The time-stamp counter ticks once per virtual instruction time: instructions retired
 * plus the time skipped in HLT, so it keeps pace with the PIT and runs repeat. */
static uint64_t read_tsc(const struct machine *m)
{
    return m->cpu.icount + m->sched.idle_insns + m->cpu.msr_tsc_offset;
}

HANDLER(rdtsc)
{
    struct cpu *c = &m->cpu;
    if ((c->cr[4] & CR4_TSD_BIT) && cpu_protected(c) && c->cpl > 0)
        cpu_raise(m, EXC_GP, 0);
    uint64_t t = read_tsc(m);
    c->gpr[EAX] = (uint32_t)t;
    c->gpr[EDX] = (uint32_t)(t >> 32);
}

/* The model-specific registers of the P6 that glass86 implements (SDM vol. 4, table 2-3).
 * Any other MSR raises #GP(0), which guests probe for with rdmsr_safe. */
#define MSR_TSC 0x10
#define MSR_APIC_BASE 0x1B
#define MSR_BIOS_SIGN_ID 0x8B /* microcode revision: none is loaded, so it reads 0 */
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

HANDLER(rdmsr)
{
    struct cpu *c = &m->cpu;
    require_cpl0(m);
    uint64_t v;
    switch (c->gpr[ECX]) {
    case MSR_TSC: v = read_tsc(m); break;
    case MSR_APIC_BASE: v = c->msr_apic_base; break;
    case MSR_BIOS_SIGN_ID: v = 0; break;
    case MSR_SYSENTER_CS: v = c->msr_sysenter_cs; break;
    case MSR_SYSENTER_ESP: v = c->msr_sysenter_esp; break;
    case MSR_SYSENTER_EIP: v = c->msr_sysenter_eip; break;
    default: cpu_raise(m, EXC_GP, 0);
    }
    c->gpr[EAX] = (uint32_t)v;
    c->gpr[EDX] = (uint32_t)(v >> 32);
}

HANDLER(wrmsr)
{
    struct cpu *c = &m->cpu;
    require_cpl0(m);
    uint64_t v = ((uint64_t)c->gpr[EDX] << 32) | c->gpr[EAX];
    switch (c->gpr[ECX]) {
    case MSR_TSC: c->msr_tsc_offset = v - (c->icount + m->sched.idle_insns); break;
    case MSR_APIC_BASE:
        /* Bits 0-7, 9, 10 and those above the 32-bit physical address are reserved. The
         * BSP flag is the hardware's; a P6 whose APIC was disabled enables it again only
         * after a reset, so bit 11 stays clear. */
        if (v & ~(uint64_t)0xFFFFF900u)
            cpu_raise(m, EXC_GP, 0);
        c->msr_apic_base = ((uint32_t)v & 0xFFFFF000u) | (c->msr_apic_base & 0x100u);
        break;
    case MSR_BIOS_SIGN_ID: break; /* writing 0 before CPUID latches the revision */
    case MSR_SYSENTER_CS: c->msr_sysenter_cs = (uint32_t)v & 0xFFFF; break;
    case MSR_SYSENTER_ESP: c->msr_sysenter_esp = (uint32_t)v; break;
    case MSR_SYSENTER_EIP: c->msr_sysenter_eip = (uint32_t)v; break;
    default: cpu_raise(m, EXC_GP, 0);
    }
}

/* SYSENTER/SYSEXIT: fast system calls to and from flat ring-0 segments derived from
 * SYSENTER_CS (SDM vol. 2, SYSENTER/SYSEXIT). */
static void flat_segment(struct machine *m, int sreg, uint16_t sel, bool code, unsigned dpl)
{
    uint16_t attr = (uint16_t)(0xC090 | (dpl << 5) | (code ? 0x0B : 0x03)); /* G, D, P, S, accessed */
    cpu_set_seg_cache(&m->cpu, sreg, sel, 0, 0xFFFFFFFFu, attr);
}
HANDLER(sysenter)
{
    struct cpu *c = &m->cpu;
    uint16_t cs = (uint16_t)c->msr_sysenter_cs;
    if (!cpu_protected(c) || (cs & 0xFFFC) == 0)
        cpu_raise(m, EXC_GP, 0);
    c->eflags &= ~(FLAG_VM | FLAG_IF | FLAG_RF);
    flat_segment(m, SEG_CS, cs & 0xFFFC, true, 0);
    flat_segment(m, SEG_SS, (cs + 8) & 0xFFFC, false, 0);
    cpu_set_cpl(c, 0);
    c->gpr[ESP] = c->msr_sysenter_esp;
    c->eip = c->msr_sysenter_eip;
}
HANDLER(sysexit)
{
    struct cpu *c = &m->cpu;
    uint16_t cs = (uint16_t)c->msr_sysenter_cs;
    if (!cpu_protected(c) || in_v86(c) || c->cpl != 0 || (cs & 0xFFFC) == 0)
        cpu_raise(m, EXC_GP, 0);
    flat_segment(m, SEG_CS, (uint16_t)((cs + 16) | 3), true, 3);
    flat_segment(m, SEG_SS, (uint16_t)((cs + 24) | 3), false, 3);
    cpu_set_cpl(c, 3);
    c->gpr[ESP] = c->gpr[ECX];
    c->eip = c->gpr[EDX];
}

/* ---- Control and debug registers ---- */
static bool cr_exists(const struct machine *m, unsigned n)
{
    return n == 0 || n == 2 || n == 3 || (n == 4 && model_is(m, CPU_P6));
}

HANDLER(mov_Rd_Cd_r)
{
    struct cpu *c = &m->cpu;
    if (!cr_exists(m, i->reg))
        cpu_raise(m, EXC_UD, NO_ERROR_CODE);
    require_cpl0(m);
    c->gpr[i->rm] = c->cr[i->reg];
}

static void write_cr0(struct machine *m, uint32_t v)
{
    struct cpu *c = &m->cpu;
    if ((v & CR0_PG) && !(v & CR0_PE))
        cpu_raise(m, EXC_GP, 0);
    if ((v & CR0_NW) && !(v & CR0_CD))
        cpu_raise(m, EXC_GP, 0);
    uint32_t keep = model_is(m, CPU_386) ? 0x8000001Fu : 0xE005003Fu; /* implemented bits */
    uint32_t old = c->cr[0];
    c->cr[0] = (v & keep) | c->model->cr0_fixed1;
    if ((old ^ c->cr[0]) & CR0_PE) {
        cpu_set_cpl(c, (c->cr[0] & CR0_PE) ? c->seg[SEG_CS].selector & 3 : 0);
        if (!(c->cr[0] & CR0_PE))
            for (int s = 0; s < SEG_COUNT; s++)
                cpu_real_mode_rights(&c->seg[s]);
    }
    cpu_update_user(c);
    if ((old ^ c->cr[0]) & (CR0_PG | CR0_WP | CR0_PE))
        tlb_flush(m);
}


HANDLER(mov_Cd_Rd_r)
{
    struct cpu *c = &m->cpu;
    if (!cr_exists(m, i->reg))
        cpu_raise(m, EXC_UD, NO_ERROR_CODE);
    require_cpl0(m);
    uint32_t v = c->gpr[i->rm];
    switch (i->reg) {
    case 0:
        write_cr0(m, v);
        break;
    case 2:
        c->cr[2] = v;
        break;
    case 3:
        c->cr[3] = v & 0xFFFFF018u;
        tlb_flush_nonglobal(m);
        break;
    default:
        if (v & ~CR4_IMPLEMENTED)
            cpu_raise(m, EXC_GP, 0);
        if ((v ^ c->cr[4]) & (CR4_PSE | CR4_PGE))
            tlb_flush(m);
        bool de_changed = ((v ^ c->cr[4]) & CR4_DE) != 0;
        c->cr[4] = v;
        if (de_changed)
            dbg_update(m); /* DR7's R/W = 10 means I/O only with CR4.DE */
        break;
    }
}

/* DR4/DR5 are aliases of DR6/DR7 while CR4.DE is clear, and #UD when it is set. */
static unsigned dr_index(struct machine *m, unsigned n)
{
    if ((n == 4 || n == 5) && (m->cpu.cr[4] & CR4_DE))
        cpu_raise(m, EXC_UD, NO_ERROR_CODE);
    return n == 4 ? 6 : n == 5 ? 7 : n;
}
/* DR7.GD: any MOV DRn is a #DB fault with DR6.BD, and GD clears so the handler may use
 * the registers (SDM vol. 3A, 17.2.4). */
static void general_detect(struct machine *m)
{
    struct cpu *c = &m->cpu;
    if (c->dr[7] & DR7_GD) {
        c->dr[6] |= DR6_BD;
        c->dr[7] &= ~DR7_GD;
        cpu_raise(m, EXC_DB, NO_ERROR_CODE);
    }
}
HANDLER(mov_Rd_Dd_r)
{
    require_cpl0(m);
    unsigned n = dr_index(m, i->reg);
    general_detect(m);
    m->cpu.gpr[i->rm] = m->cpu.dr[n];
}
HANDLER(mov_Dd_Rd_r)
{
    require_cpl0(m);
    unsigned n = dr_index(m, i->reg);
    general_detect(m);
    uint32_t v = m->cpu.gpr[i->rm];
    if (n == 6)
        v = (v & 0x0000E00Fu) | 0xFFFF0FF0u;
    else if (n == 7)
        v = (v & 0xFFFF2BFFu) | 0x400;
    m->cpu.dr[n] = v;
    if (n != 6)
        dbg_update(m);
}

/* ---- Descriptor tables and the machine status word ---- */
static void store_dtr(struct machine *m, const struct insn *i, const struct dtr *t)
{
    uint32_t ea = insn_ea(m, i);
    uint32_t base = t->base;
    if (!(i->attr & A_OP32))
        base = model_is(m, CPU_286) ? (base | 0xFF000000u) : (base & 0x00FFFFFFu);
    uint32_t amask = (i->attr & A_AD32) ? 0xFFFFFFFFu : 0xFFFF;
    mem_check_write(m, i->seg, (ea + 2) & amask, 4);
    mem_write16(m, i->seg, ea, t->limit);
    mem_write32(m, i->seg, (ea + 2) & amask, base);
}
static void load_dtr(struct machine *m, const struct insn *i, struct dtr *t)
{
    require_cpl0(m);
    uint32_t ea = insn_ea(m, i);
    uint32_t amask = (i->attr & A_AD32) ? 0xFFFFFFFFu : 0xFFFF;
    uint16_t limit = mem_read16(m, i->seg, ea);
    uint32_t base = mem_read32(m, i->seg, (ea + 2) & amask);
    if (!(i->attr & A_OP32))
        base &= 0x00FFFFFF;
    t->limit = limit;
    t->base = base;
}
HANDLER(sgdt_m) { store_dtr(m, i, &m->cpu.gdtr); }
HANDLER(sidt_m) { store_dtr(m, i, &m->cpu.idtr); }
HANDLER(lgdt_m) { load_dtr(m, i, &m->cpu.gdtr); }
HANDLER(lidt_m) { load_dtr(m, i, &m->cpu.idtr); }

ALWAYS_INLINE void smsw(struct machine *m, const struct insn *i, unsigned w, bool mem)
{
    uint32_t v = m->cpu.cr[0];
    if (mem)
        mem_write16(m, i->seg, insn_ea(m, i), (uint16_t)v);
    else
        reg_set(&m->cpu, i->rm, w, w == 32 ? v : (v & 0xFFFF));
}
INST_EV(smsw, smsw)

ALWAYS_INLINE void lmsw(struct machine *m, const struct insn *i, bool mem)
{
    struct cpu *c = &m->cpu;
    require_cpl0(m);
    uint16_t v = (uint16_t)rm_read(m, i, 16, mem, mem ? insn_ea(m, i) : 0);
    /* LMSW loads PE MP EM TS but cannot clear PE. */
    uint32_t low = (v & 0xF) | (c->cr[0] & CR0_PE);
    c->cr[0] = (c->cr[0] & ~0xFu) | low | c->model->cr0_fixed1;
}
HANDLER(lmsw_r) { lmsw(m, i, false); }
HANDLER(lmsw_m) { lmsw(m, i, true); }

HANDLER(clts)
{
    require_cpl0(m);
    m->cpu.cr[0] &= ~CR0_TS;
}
HANDLER(invd) { require_cpl0(m); } /* no caches are modelled: nothing to write back */
HANDLER(invlpg_m)
{
    require_cpl0(m);
    const struct segment *s = &m->cpu.seg[i->seg];
    tlb_flush_page(m, s->base + insn_ea(m, i));
}

/* ---- The x87 escapes without a coprocessor ---- */
HANDLER(wait)
{
    uint32_t cr0 = m->cpu.cr[0];
    if (model_at_least(m, CPU_286) && (cr0 & CR0_MP) && (cr0 & CR0_TS))
        cpu_raise(m, EXC_NM, NO_ERROR_CODE);
}
/* Bytes of the memory operand of an x87 instruction, by opcode D8..DF and ModRM.reg. */
static unsigned esc_operand_bytes(unsigned opcode, unsigned reg)
{
    static const uint8_t size[8][8] = {
        { 4, 4, 4, 4, 4, 4, 4, 4 },     /* D8: m32real */
        { 4, 4, 4, 4, 14, 2, 14, 2 },   /* D9: fld/fst m32, fldenv, fldcw, fstenv, fstcw */
        { 4, 4, 4, 4, 4, 4, 4, 4 },     /* DA: m32int */
        { 4, 4, 4, 4, 10, 10, 10, 10 }, /* DB: m32int, fld/fstp m80 */
        { 8, 8, 8, 8, 8, 8, 8, 8 },     /* DC: m64real */
        { 8, 8, 8, 8, 94, 94, 94, 2 },  /* DD: m64, frstor, fsave, fstsw */
        { 2, 2, 2, 2, 2, 2, 2, 2 },     /* DE: m16int */
        { 2, 2, 2, 2, 10, 8, 10, 8 },   /* DF: m16int, fbld, fild m64, fbstp, fistp m64 */
    };
    return size[opcode & 7][reg & 7];
}

/* 8086/286 without an 8087/287: the instruction is decoded and its address computed. The
 * 286 still checks the operand against the segment limit (#GP, captured from a real 286)
 * and traps to #NM when the MSW asks for emulation or a task switch happened. */
ALWAYS_INLINE void esc(struct machine *m, const struct insn *i, bool mem)
{
    if (!model_is(m, CPU_286))
        return;
    uint32_t cr0 = m->cpu.cr[0];
    if (cr0 & (CR0_EM | CR0_TS))
        cpu_raise(m, EXC_NM, NO_ERROR_CODE);
    if (mem) {
        const struct segment *s = &m->cpu.seg[i->seg];
        uint64_t last = (uint64_t)insn_ea(m, i) + esc_operand_bytes(i->opcode, i->reg) - 1;
        if (last > s->hi)
            cpu_raise(m, EXC_GP, 0);
    }
}
HANDLER(esc_nofpu_r) { esc(m, i, false); }
HANDLER(esc_nofpu_m) { esc(m, i, true); }

/* ---- ARPL (protected mode only) ---- */
ALWAYS_INLINE void arpl(struct machine *m, const struct insn *i, bool mem)
{
    struct cpu *c = &m->cpu;
    if (!cpu_protected(c) || in_v86(c))
        cpu_raise(m, EXC_UD, NO_ERROR_CODE);
    uint32_t ea = mem ? insn_ea(m, i) : 0;
    uint16_t dest = (uint16_t)rm_read(m, i, 16, mem, ea);
    uint16_t src = cpu_reg16(c, i->reg);
    uint32_t flags = lf_get(&c->lf);
    if ((dest & 3) < (src & 3)) {
        rm_write(m, i, 16, mem, ea, (dest & ~3u) | (src & 3u));
        flags |= FLAG_ZF;
    } else {
        flags &= ~FLAG_ZF;
    }
    lf_load(&c->lf, flags);
}
HANDLER(arpl_EwGw_r) { arpl(m, i, false); }
HANDLER(arpl_EwGw_m) { arpl(m, i, true); }

/* ---- #UD handlers shared by the table ---- */
void op_invalid(HANDLER_ARGS) { cpu_raise(m, EXC_UD, NO_ERROR_CODE); }
void op_unimplemented(HANDLER_ARGS)
{
    m->cpu.stats.unimplemented_ud++;
    cpu_raise(m, EXC_UD, NO_ERROR_CODE);
}
void op_too_long(HANDLER_ARGS) { cpu_raise(m, EXC_GP, 0); }
HANDLER(unimpl) { op_unimplemented(m, i); }
