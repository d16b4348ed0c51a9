/* Flag, I/O and system instructions: CLC..STD, CLI/STI, IN/OUT, CPUID, RDTSC, RDMSR/WRMSR,
 * MOV to and from CRn/DRn, LGDT/SGDT/LIDT/SIDT, SMSW/LMSW, CLTS, INVD/WBINVD, INVLPG, WAIT,
 * ARPL, the x87 escapes of a machine without a coprocessor, and the #UD handlers shared by
 * the opcode table (Intel SDM vol. 2 and vol. 3A chapter 2.5 for the control registers). */
#include "cpu/ops.h"

/* ---- Flags ---- */
HANDLER(clc) { lf_force_cf(&m->cpu.lf, false); }
HANDLER(stc) { lf_force_cf(&m->cpu.lf, true); }
HANDLER(cmc) { lf_force_cf(&m->cpu.lf, !lf_cf(&m->cpu.lf)); }
HANDLER(cld) { m->cpu.eflags &= ~FLAG_DF; }
HANDLER(std) { m->cpu.eflags |= FLAG_DF; }

static void check_iopl(struct machine *m)
{
    struct cpu *c = &m->cpu;
    if (cpu_protected(c) && c->cpl > ((c->eflags & FLAG_IOPL) >> 12))
        cpu_raise(m, EXC_GP, 0);
}
HANDLER(cli)
{
    check_iopl(m);
    m->cpu.eflags &= ~FLAG_IF;
}
HANDLER(sti)
{
    check_iopl(m);
    struct cpu *c = &m->cpu;
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
    uint32_t leaf = c->gpr[EAX] > 1 ? 1 : c->gpr[EAX];
    if (leaf == 0) {
        c->gpr[EAX] = 1;
        c->gpr[EBX] = 0x756E6547; /* "Genu" */
        c->gpr[EDX] = 0x49656E69; /* "ineI" */
        c->gpr[ECX] = 0x6C65746E; /* "ntel" */
    } else {
        c->gpr[EAX] = model->cpuid_family_model_stepping;
        c->gpr[EBX] = 0;
        c->gpr[ECX] = 0;
        c->gpr[EDX] = model->cpuid_features;
    }
}

/* The time-stamp counter counts instructions retired: virtual time, so runs repeat. */
static uint64_t read_tsc(const struct cpu *c) { return c->icount + c->msr_tsc_offset; }

HANDLER(rdtsc)
{
    struct cpu *c = &m->cpu;
    if ((c->cr[4] & 0x4) && cpu_protected(c) && c->cpl > 0) /* CR4.TSD */
        cpu_raise(m, EXC_GP, 0);
    uint64_t t = read_tsc(c);
    c->gpr[EAX] = (uint32_t)t;
    c->gpr[EDX] = (uint32_t)(t >> 32);
}

#define MSR_TSC 0x10

HANDLER(rdmsr)
{
    struct cpu *c = &m->cpu;
    require_cpl0(m);
    if (c->gpr[ECX] != MSR_TSC)
        cpu_raise(m, EXC_GP, 0); /* unknown MSRs fault, which guests probe with rdmsr_safe */
    uint64_t t = read_tsc(c);
    c->gpr[EAX] = (uint32_t)t;
    c->gpr[EDX] = (uint32_t)(t >> 32);
}

HANDLER(wrmsr)
{
    struct cpu *c = &m->cpu;
    require_cpl0(m);
    if (c->gpr[ECX] != MSR_TSC)
        cpu_raise(m, EXC_GP, 0);
    uint64_t v = ((uint64_t)c->gpr[EDX] << 32) | c->gpr[EAX];
    c->msr_tsc_offset = v - c->icount;
}

/* ---- Control and debug registers ---- */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u
#define CR4_TSD 0x00000004u

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
    if (v & CR0_PG) {
        /* Paging arrives with the protected-mode issue: refuse honestly. */
        c->stats.unimplemented_ud++;
        cpu_raise(m, EXC_UD, NO_ERROR_CODE);
    }
    uint32_t keep = model_is(m, CPU_386) ? 0x8000001Fu : 0xE005003Fu; /* implemented bits */
    c->cr[0] = (v & keep) | c->model->cr0_fixed1;
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
        tlb_flush(m);
        break;
    default:
        /* Only TSD is implemented; the other CR4 features are not advertised in CPUID
         * either, and setting a bit the CPU lacks is a #GP as on real hardware. */
        if (v & ~CR4_TSD)
            cpu_raise(m, EXC_GP, 0);
        c->cr[4] = v;
        break;
    }
}

/* DR4/DR5 are aliases of DR6/DR7 while CR4.DE is clear. The values are kept; breakpoint
 * matching arrives with the protected-mode issue. */
static unsigned dr_index(unsigned n) { return n == 4 ? 6 : n == 5 ? 7 : n; }
HANDLER(mov_Rd_Dd_r)
{
    require_cpl0(m);
    m->cpu.gpr[i->rm] = m->cpu.dr[dr_index(i->reg)];
}
HANDLER(mov_Dd_Rd_r)
{
    require_cpl0(m);
    unsigned n = dr_index(i->reg);
    uint32_t v = m->cpu.gpr[i->rm];
    if (n == 6)
        v = (v & 0x0000E00Fu) | 0xFFFF0FF0u;
    else if (n == 7)
        v = (v & 0xFFFF2BFFu) | 0x400;
    m->cpu.dr[n] = v;
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
    tlb_flush(m);
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
HANDLER(unimpl_r) { op_unimplemented(m, i); }
HANDLER(unimpl_m) { op_unimplemented(m, i); }

/* Protected-mode-only instructions: #UD in real and V86 mode is the architected answer;
 * in protected mode they are counted as not implemented yet. */
static void pmonly(struct machine *m, const struct insn *i)
{
    if (!cpu_protected(&m->cpu) || in_v86(&m->cpu))
        cpu_raise(m, EXC_UD, NO_ERROR_CODE);
    op_unimplemented(m, i);
}
HANDLER(pmonly_r) { pmonly(m, i); }
HANDLER(pmonly_m) { pmonly(m, i); }
HANDLER(pmonly_r16) { pmonly(m, i); }
HANDLER(pmonly_m16) { pmonly(m, i); }
HANDLER(pmonly_r32) { pmonly(m, i); }
HANDLER(pmonly_m32) { pmonly(m, i); }
