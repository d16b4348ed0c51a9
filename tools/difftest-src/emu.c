/* Running a sequence in glass86 (see emu.h). The flat-mode setup follows Intel SDM
 * vol. 3A, 3.4.5 (segment descriptors) and 6.11 (IDT gates): a GDT with flat code and data
 * descriptors, and an IDT whose every gate leads to its own HLT, so an exception shows up
 * as a HLT at a known address instead of a triple fault. The user mode adds CPL 3
 * descriptors, a TSS for the ring-0 stack (7.2.1) and 32-bit paging (4.3) that maps what
 * the native process has: code user read-only, the data windows user read/write, the
 * fault area as protocol.h says, the system area supervisor-only. A user sequence ends
 * with INT 30h through a DPL 3 gate, since HLT is privileged. */
#include "emu.h"

#include <stdio.h>
#include <string.h>

#include "machine/machine.h"
#include "mmu/mem.h"

#define RAM_BYTES (16u << 20)
#define RUN_BUDGET 1000000u

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_CODE3 0x1B
#define SEL_DATA3 0x23
#define SEL_TSS 0x28
#define ATTR_CODE32 0xC09Bu /* execute/read accessed, S, P, D, G */
#define ATTR_DATA32 0xC093u /* read/write accessed, S, P, B, G */
#define ATTR_CODE32_U 0xC0FBu /* the same at DPL 3 */
#define ATTR_DATA32_U 0xC0F3u
#define ATTR_TSS32_BUSY 0x008Bu

#define GDT_BASE DT_SYS_BASE
#define IDT_BASE (DT_SYS_BASE + 0x100u)
#define TSS_BASE (DT_SYS_BASE + 0x900u)
#define STUB_BASE (DT_SYS_BASE + 0x1000u)
#define STUB_SIZE 16u
#define PD_BASE (DT_SYS_BASE + 0x2000u)
#define PT_BASE (DT_SYS_BASE + 0x3000u) /* three tables: 0-4, 4-8 and 8-12 MiB */
#define RING0_STACK_TOP (DT_SYS_BASE + 0x8000u)
#define SYS_END RING0_STACK_TOP
/* x87 mode: a stub FRSTORs the sequence's image and jumps to the code, which is followed by
 * FNSAVE to the output image, then HLT. */
#define X87_STUB (DT_SYS_BASE + 0x7000u)
#define X87_IMAGE_IN (DT_SYS_BASE + 0x7100u)
#define X87_IMAGE_OUT (DT_SYS_BASE + 0x7200u)
#define X87_TAIL_LEN 6u /* FNSAVE [abs32] */
#define USER_EXIT_VECTOR 0x30u
#define USER_EXIT_LEN 2u /* INT 30h */

#define PTE_P 1u
#define PTE_W 2u
#define PTE_U 4u

static void map_range(struct machine *m, uint32_t lo, uint32_t hi, uint32_t flags)
{
    for (uint32_t a = lo & ~0xFFFu; a < hi; a += 0x1000u) {
        uint32_t pt = PT_BASE + (a >> 22) * 0x1000u;
        phys_write(m, pt + ((a >> 12) & 0x3FFu) * 4, flags ? a | flags : 0, 4);
    }
}

static void write_ro_page(struct machine *m)
{
    uint8_t ro[4096];
    for (uint32_t k = 0; k < sizeof ro; k++)
        ro[k] = DT_RO_BYTE(k);
    phys_write_bytes(m, DT_RO_PAGE, ro, sizeof ro);
}

static void write_tables(struct machine *m)
{
    /* Flat 4 GiB code and data descriptors at selectors 08 and 10, their DPL 3 twins at
     * 18 and 20, and the TSS at 28. */
    static const uint8_t gdt[48] = {
        0, 0, 0, 0, 0, 0, 0, 0,
        0xFF, 0xFF, 0, 0, 0, 0x9B, 0xCF, 0,
        0xFF, 0xFF, 0, 0, 0, 0x93, 0xCF, 0,
        0xFF, 0xFF, 0, 0, 0, 0xFB, 0xCF, 0,
        0xFF, 0xFF, 0, 0, 0, 0xF3, 0xCF, 0,
        0x67, 0, (uint8_t)TSS_BASE, (uint8_t)(TSS_BASE >> 8), (uint8_t)(TSS_BASE >> 16), 0x8B,
        0, (uint8_t)(TSS_BASE >> 24),
    };
    phys_write_bytes(m, GDT_BASE, gdt, sizeof gdt);
    uint8_t tss[0x68];
    memset(tss, 0, sizeof tss);
    uint32_t esp0 = RING0_STACK_TOP;
    memcpy(&tss[4], &esp0, 4);
    tss[8] = SEL_DATA;
    tss[0x66] = sizeof tss; /* no I/O bitmap */
    phys_write_bytes(m, TSS_BASE, tss, sizeof tss);

    /* Page tables: nothing present but what the native process maps too. */
    uint8_t zero[4096];
    memset(zero, 0, sizeof zero);
    phys_write_bytes(m, PD_BASE, zero, sizeof zero);
    for (uint32_t t = 0; t < 3; t++) {
        phys_write_bytes(m, PT_BASE + t * 0x1000u, zero, sizeof zero);
        phys_write(m, PD_BASE + t * 4, (PT_BASE + t * 0x1000u) | PTE_P | PTE_W | PTE_U, 4);
    }
    map_range(m, DT_CODE_BASE, DT_CODE_BASE + DT_CODE_MAX + 16, PTE_P | PTE_U);
    map_range(m, DT_SCRATCH_BASE, DT_SCRATCH_BASE + DT_SCRATCH_SIZE, PTE_P | PTE_W | PTE_U);
    map_range(m, DT_STACK_LO, DT_STACK_HI, PTE_P | PTE_W | PTE_U);
    map_range(m, DT_RO_PAGE, DT_RO_PAGE + 4096, PTE_P | PTE_U);
    map_range(m, DT_SYS_BASE, SYS_END, PTE_P | PTE_W);
    write_ro_page(m);

    uint8_t idt[256 * 8];
    for (uint32_t v = 0; v < 256; v++) {
        uint32_t off = STUB_BASE + v * STUB_SIZE;
        uint8_t *g = &idt[v * 8];
        g[0] = (uint8_t)off;
        g[1] = (uint8_t)(off >> 8);
        g[2] = SEL_CODE;
        g[3] = 0;
        g[4] = 0;
        /* Present, 32-bit interrupt gate, DPL 0 but for the user mode's exit. */
        g[5] = v == USER_EXIT_VECTOR ? 0xEE : 0x8E;
        g[6] = (uint8_t)(off >> 16);
        g[7] = (uint8_t)(off >> 24);
    }
    phys_write_bytes(m, IDT_BASE, idt, sizeof idt);
    uint8_t stubs[256 * STUB_SIZE];
    memset(stubs, 0xF4, sizeof stubs); /* HLT everywhere */
    phys_write_bytes(m, STUB_BASE, stubs, sizeof stubs);
}

int emu_init(struct emu *e, enum cpu_model_id model, enum dt_mode mode, char *err, size_t errlen)
{
    struct machine_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.model = model;
    cfg.ram_bytes = RAM_BYTES;
    cfg.quiet = true; /* every problem is reported as a mismatch instead */
    e->mode = mode;
    e->m = machine_create(&cfg, err, errlen);
    if (!e->m)
        return -1;
    write_tables(e->m);
    return 0;
}

void emu_free(struct emu *e)
{
    if (e->m)
        machine_destroy(e->m);
    e->m = NULL;
}

/* CPL 3 with paging on, straight into the descriptor caches and control registers. */
static void enter_user(struct machine *m)
{
    struct cpu *c = &m->cpu;
    c->cr[0] |= 0x80010001u; /* PG, WP, PE */
    c->cr[3] = PD_BASE;
    cpu_set_seg_cache(c, SEG_CS, SEL_CODE3, 0, 0xFFFFFFFFu, ATTR_CODE32_U);
    static const int data[] = {SEG_DS, SEG_ES, SEG_SS, SEG_FS, SEG_GS};
    for (unsigned k = 0; k < sizeof data / sizeof data[0]; k++)
        cpu_set_seg_cache(c, data[k], SEL_DATA3, 0, 0xFFFFFFFFu, ATTR_DATA32_U);
    seg_cache_build(&c->tr, SEL_TSS, TSS_BASE, 0x67, ATTR_TSS32_BUSY);
    cpu_set_cpl(c, 3);
    cpu_update_stack_mask(c);
    c->gdtr.base = GDT_BASE;
    c->gdtr.limit = 47;
    c->idtr.base = IDT_BASE;
    c->idtr.limit = 256 * 8 - 1;
    tlb_flush(m);
    cpu_translation_changed(c);
}

/* 32-bit flat protected mode at CPL 0, straight into the descriptor caches. */
static void enter_flat32(struct machine *m)
{
    struct cpu *c = &m->cpu;
    c->cr[0] |= 1u;
    cpu_set_seg_cache(c, SEG_CS, SEL_CODE, 0, 0xFFFFFFFFu, ATTR_CODE32);
    static const int data[] = {SEG_DS, SEG_ES, SEG_SS, SEG_FS, SEG_GS};
    for (unsigned k = 0; k < sizeof data / sizeof data[0]; k++)
        cpu_set_seg_cache(c, data[k], SEL_DATA, 0, 0xFFFFFFFFu, ATTR_DATA32);
    c->cpl = 0;
    cpu_update_stack_mask(c);
    c->gdtr.base = GDT_BASE;
    c->gdtr.limit = 23;
    c->idtr.base = IDT_BASE;
    c->idtr.limit = 256 * 8 - 1;
}

static bool has_error_code(int v)
{
    return v == EXC_DF || v == EXC_TS || v == EXC_NP || v == EXC_SS || v == EXC_GP ||
           v == EXC_PF || v == EXC_AC;
}

/* Reset the machine and load the sequence's code, memory and registers. */
static void load_case(struct emu *e, const struct dt_seq *s)
{
    struct machine *m = e->m;
    struct cpu *c = &m->cpu;
    machine_reset(m);
    phys_write_bytes(m, DT_CODE_BASE, s->code, s->code_len);
    if (e->mode == DT_MODE_USER) {
        enter_user(m);
        phys_write8(m, DT_CODE_BASE + s->code_len, 0xCD); /* INT 30h */
        phys_write8(m, DT_CODE_BASE + s->code_len + 1, USER_EXIT_VECTOR);
        write_ro_page(m);
    } else if (e->mode == DT_MODE_X87) {
        enter_flat32(m);
        uint8_t stub[11] = {0xDD, 0x25, 0, 0, 0, 0, 0xE9, 0, 0, 0, 0}; /* FRSTOR; JMP */
        uint32_t in = X87_IMAGE_IN, rel = DT_CODE_BASE - (X87_STUB + (uint32_t)sizeof stub);
        memcpy(&stub[2], &in, 4);
        memcpy(&stub[7], &rel, 4);
        phys_write_bytes(m, X87_STUB, stub, sizeof stub);
        phys_write_bytes(m, X87_IMAGE_IN, s->fpu, DT_FPU_IMAGE);
        uint8_t tail[7] = {0xDD, 0x35, 0, 0, 0, 0, 0xF4}; /* FNSAVE; HLT */
        uint32_t out = X87_IMAGE_OUT;
        memcpy(&tail[2], &out, 4);
        phys_write_bytes(m, DT_CODE_BASE + s->code_len, tail, sizeof tail);
    } else {
        enter_flat32(m);
        phys_write8(m, DT_CODE_BASE + s->code_len, 0xF4); /* HLT */
    }
    phys_write_bytes(m, DT_SCRATCH_BASE, s->scratch, DT_SCRATCH_SIZE);
    phys_write_bytes(m, DT_STACK_LO, s->stack, DT_STACK_SIZE);
    for (int k = 0; k < 8; k++)
        c->gpr[k] = s->init.gpr[k];
    c->eip = e->mode == DT_MODE_X87 ? X87_STUB : DT_CODE_BASE;
    cpu_set_eflags(c, (s->init.eflags & DT_FLAGS_INPUT) | DT_FLAGS_FIXED);
}

void emu_run(struct emu *e, const struct dt_seq *s, struct emu_result *r)
{
    struct machine *m = e->m;
    struct cpu *c = &m->cpu;
    memset(r, 0, sizeof *r);
    load_case(e, s);

    uint64_t unimpl = c->stats.unimplemented_ud;
    enum cpu_stop stop = cpu_run(m, RUN_BUDGET);
    r->unimplemented = c->stats.unimplemented_ud - unimpl;
    r->eip = c->eip;
    r->insn_eip = c->insn_eip;
    r->error_code = EMU_NO_ERROR_CODE;

    bool user = e->mode == DT_MODE_USER;
    uint32_t end = DT_CODE_BASE + s->code_len +
                   (user ? USER_EXIT_LEN : e->mode == DT_MODE_X87 ? X87_TAIL_LEN + 1 : 1);
    for (int k = 0; k < 8; k++)
        r->regs.gpr[k] = c->gpr[k];
    r->regs.eflags = cpu_get_eflags(c);
    if (stop == STOP_LIMIT) {
        r->status = EMU_NO_HALT;
    } else if (stop == STOP_SHUTDOWN) {
        r->status = EMU_SHUTDOWN;
    } else if (stop != STOP_HALTED) {
        r->status = EMU_STOPPED;
    } else if (!user && c->eip == end) {
        r->status = EMU_OK;
    } else if (c->eip > STUB_BASE && c->eip <= STUB_BASE + 256 * STUB_SIZE) {
        r->status = EMU_EXCEPTION;
        r->vector = (int)((c->eip - 1 - STUB_BASE) / STUB_SIZE);
        r->cr2 = c->cr[2];
        /* The frame: [error code,] EIP, CS, EFLAGS, and from CPL 3 also ESP, SS. */
        uint32_t sp = c->gpr[ESP];
        if (has_error_code(r->vector)) {
            r->error_code = phys_read(m, sp, 4);
            sp += 4;
        }
        r->fault_eip = phys_read(m, sp, 4);
        uint32_t cs = phys_read(m, sp + 4, 4) & 0xFFFFu;
        if (user && cs == SEL_CODE3) {
            /* The user state is the one the frame holds. */
            r->regs.eflags = phys_read(m, sp + 8, 4);
            r->regs.gpr[ESP] = phys_read(m, sp + 12, 4);
            if (r->vector == USER_EXIT_VECTOR && r->fault_eip == end)
                r->status = EMU_OK;
        }
        /* The stubs are only HLT: rewrite them in case a wild write hit them. */
        write_tables(m);
    } else {
        r->status = EMU_STRAY;
    }

    if (e->mode == DT_MODE_X87 && r->status == EMU_OK)
        phys_read_bytes(m, X87_IMAGE_OUT, r->fpu, DT_FPU_IMAGE);
    phys_read_bytes(m, DT_SCRATCH_BASE, r->scratch, DT_SCRATCH_SIZE);
    phys_read_bytes(m, DT_STACK_LO, r->stack, DT_STACK_SIZE);
}

void emu_trace(struct emu *e, const struct dt_seq *s, FILE *f)
{
    struct machine *m = e->m;
    struct cpu *c = &m->cpu;
    load_case(e, s);
    fprintf(f, "  glass86 trace (state after each instruction):\n");
    for (unsigned n = 0; n < 10000; n++) {
        uint32_t at = c->eip;
        enum cpu_stop stop = cpu_step(m);
        const uint32_t *g = c->gpr;
        fprintf(f, "    %08x: EAX=%08x ECX=%08x EDX=%08x EBX=%08x ESP=%08x ESI=%08x EDI=%08x "
                   "EFLAGS=%08x\n",
                at, g[0], g[1], g[2], g[3], g[4], g[6], g[7], cpu_get_eflags(c));
        if (stop != STOP_LIMIT) {
            fprintf(f, "    stopped: %s at EIP %08x\n",
                    stop == STOP_HALTED ? "HLT" : stop == STOP_SHUTDOWN ? "shutdown" : "requested",
                    c->eip);
            return;
        }
    }
    fprintf(f, "    (stopped tracing after 10000 instructions)\n");
}

const char *emu_status_name(enum emu_status st)
{
    switch (st) {
    case EMU_OK: return "ok";
    case EMU_EXCEPTION: return "exception";
    case EMU_NO_HALT: return "did not reach the HLT within the instruction budget";
    case EMU_SHUTDOWN: return "triple fault (shutdown)";
    case EMU_STOPPED: return "the run loop was asked to stop";
    case EMU_STRAY: return "halted at an unexpected address";
    }
    return "?";
}
