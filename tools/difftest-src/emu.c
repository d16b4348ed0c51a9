/* Running a sequence in glass86 (see emu.h). The flat-mode setup follows Intel SDM
 * vol. 3A, 3.4.5 (segment descriptors) and 6.11 (IDT gates): a GDT with flat code and data
 * descriptors, and an IDT whose every gate leads to its own HLT, so an exception shows up
 * as a HLT at a known address instead of a triple fault. */
#include "emu.h"

#include <stdio.h>
#include <string.h>

#include "machine/machine.h"

#define RAM_BYTES (16u << 20)
#define RUN_BUDGET 1000000u

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define ATTR_CODE32 0xC09Bu /* execute/read accessed, S, P, D, G */
#define ATTR_DATA32 0xC093u /* read/write accessed, S, P, B, G */

#define GDT_BASE DT_SYS_BASE
#define IDT_BASE (DT_SYS_BASE + 0x100u)
#define STUB_BASE (DT_SYS_BASE + 0x1000u)
#define STUB_SIZE 16u

static void write_tables(struct machine *m)
{
    /* Flat 4 GiB code and data descriptors at selectors 08 and 10. */
    static const uint8_t gdt[24] = {
        0, 0, 0, 0, 0, 0, 0, 0,
        0xFF, 0xFF, 0, 0, 0, 0x9B, 0xCF, 0,
        0xFF, 0xFF, 0, 0, 0, 0x93, 0xCF, 0,
    };
    phys_write_bytes(m, GDT_BASE, gdt, sizeof gdt);
    uint8_t idt[256 * 8];
    for (uint32_t v = 0; v < 256; v++) {
        uint32_t off = STUB_BASE + v * STUB_SIZE;
        uint8_t *g = &idt[v * 8];
        g[0] = (uint8_t)off;
        g[1] = (uint8_t)(off >> 8);
        g[2] = SEL_CODE;
        g[3] = 0;
        g[4] = 0;
        g[5] = 0x8E; /* present, DPL 0, 32-bit interrupt gate */
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
    enter_flat32(m);
    phys_write_bytes(m, DT_CODE_BASE, s->code, s->code_len);
    phys_write8(m, DT_CODE_BASE + s->code_len, 0xF4); /* HLT */
    phys_write_bytes(m, DT_SCRATCH_BASE, s->scratch, DT_SCRATCH_SIZE);
    phys_write_bytes(m, DT_STACK_LO, s->stack, DT_STACK_SIZE);
    for (int k = 0; k < 8; k++)
        c->gpr[k] = s->init.gpr[k];
    c->eip = DT_CODE_BASE;
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

    uint32_t end = DT_CODE_BASE + s->code_len + 1;
    if (stop == STOP_LIMIT) {
        r->status = EMU_NO_HALT;
    } else if (stop == STOP_SHUTDOWN) {
        r->status = EMU_SHUTDOWN;
    } else if (stop != STOP_HALTED) {
        r->status = EMU_STOPPED;
    } else if (c->eip == end) {
        r->status = EMU_OK;
    } else if (c->eip > STUB_BASE && c->eip <= STUB_BASE + 256 * STUB_SIZE) {
        r->status = EMU_EXCEPTION;
        r->vector = (int)((c->eip - 1 - STUB_BASE) / STUB_SIZE);
        uint32_t sp = c->gpr[ESP];
        if (has_error_code(r->vector)) {
            r->error_code = phys_read(m, sp, 4);
            sp += 4;
        }
        r->fault_eip = phys_read(m, sp, 4);
        /* The stubs are only HLT: rewrite them in case a wild write hit them. */
        write_tables(m);
    } else {
        r->status = EMU_STRAY;
    }

    for (int k = 0; k < 8; k++)
        r->regs.gpr[k] = c->gpr[k];
    r->regs.eflags = cpu_get_eflags(c);
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
