/* CPU reset, the EFLAGS image and descriptor-cache updates. Reset state: Intel SDM vol. 3A,
 * table 9-1; the 8086 and 286 start at FFFF:0000 and F000:FFF0 (base FF0000) per their
 * manuals. Hidden segment caches: SDM vol. 3A, 3.4.3. */
#include <stddef.h>
#include <string.h>

#include "machine/machine.h"

uint32_t cpu_get_eflags(const struct cpu *c)
{
    return (c->eflags & ~FLAGS_ARITH) | lf_get(&c->lf) | c->model->flags_fixed1;
}

void cpu_update_user(struct cpu *c)
{
    bool ac = (c->cr[0] & 0x40000u) && (c->eflags & 0x40000u);
    uint8_t user = c->cpl == 3 ? (ac ? 2 : 1) : 0;
    if (user != c->user)
        cpu_translation_changed(c); /* translations now come from another array */
    c->user = user;
    /* The CPU is the first member of its machine (machine.h), so the machine's TLB is
     * found from here. */
    _Static_assert(offsetof(struct machine, cpu) == 0, "the cpu opens struct machine");
    c->tlb_cur = ((struct machine *)c)->tlb.e[user];
}

void cpu_set_eflags(struct cpu *c, uint32_t value)
{
    uint32_t old = c->eflags;
    c->eflags = (value & ~FLAGS_ARITH) | c->model->flags_fixed1;
    lf_load(&c->lf, value);
    cpu_update_user(c);
    /* TF, IF and RF take effect between instructions: let the run loop look. */
    if ((old ^ c->eflags) & (FLAG_TF | FLAG_IF | FLAG_VM | FLAG_RF))
        cpu_signal(c, EV_IRQ);
}

void cpu_set_seg_cache(struct cpu *c, int sreg, uint16_t selector, uint32_t base,
                       uint32_t limit, uint16_t attr)
{
    seg_cache_build(&c->seg[sreg], selector, base, limit, attr);
    if (sreg == SEG_SS)
        cpu_update_stack_mask(c);
    if (sreg == SEG_CS) {
        /* Every change of CS's size or limit comes through here (cpu_load_seg_real() sets
         * only selector and base). A link between two blocks was checked against the code
         * size and limit of its time, so a change that matters forgets all links. */
        bool code32 = (attr & SEG_ATTR_D) != 0;
        uint32_t eip_mask = code32 ? 0xFFFFFFFFu : 0xFFFFu;
        uint32_t code_limit = (code32 || limit < 0xFFFF) ? limit : 0xFFFF;
        if (eip_mask != c->code_eip_mask || code_limit != c->code_limit)
            cpu_blocks_changed(c);
        else if (base != c->code_base)
            cpu_translation_changed(c);
        c->code_base = base;
        c->code_eip_mask = eip_mask;
        c->code_limit = code_limit;
    }
}

/* The fast path's limits from the range and the rights: after every change of either. An
 * expand-down segment (lo > 0) is left to the slow path, which keeps the fast check to one
 * compare. */
static void seg_derive_spans(struct segment *s)
{
    int64_t last = s->lo == 0 ? (int64_t)s->hi : -1;
    s->read_span = s->readable ? last : -1;
    s->write_span = s->writable ? last : -1;
}

void seg_cache_build(struct segment *s, uint16_t selector, uint32_t base, uint32_t limit,
                     uint16_t attr)
{
    s->selector = selector;
    s->base = base;
    s->limit = limit;
    s->attr = attr;
    bool present = (attr & SEG_ATTR_P) != 0;
    bool is_code = (attr & 0x18) == 0x18;
    bool is_data = (attr & 0x18) == 0x10;
    bool expand_down = is_data && (attr & 0x04);
    s->readable = present && (is_data || (is_code && (attr & 0x02)));
    s->writable = present && is_data && (attr & 0x02);
    if (!present || (!is_code && !is_data)) {
        s->lo = 1; /* an empty range: every access takes the slow path and faults */
        s->hi = 0;
    } else if (expand_down) {
        s->lo = limit + 1;
        s->hi = (attr & SEG_ATTR_D) ? 0xFFFFFFFFu : 0xFFFFu;
    } else {
        s->lo = 0;
        s->hi = limit;
    }
    seg_derive_spans(s);
}

void cpu_update_stack_mask(struct cpu *c)
{
    c->stack_mask = (c->seg[SEG_SS].attr & SEG_ATTR_D) ? 0xFFFFFFFFu : 0xFFFFu;
}

void cpu_load_seg_real(struct machine *m, int sreg, uint16_t selector)
{
    struct cpu *c = &m->cpu;
    struct segment *s = &c->seg[sreg];
    /* Real mode changes only selector and base; the limit stays as it was, which is what
     * makes "unreal mode" work on the 386 and later. */
    s->selector = selector;
    s->base = (uint32_t)selector << 4;
    cpu_real_mode_rights(s);
    if (sreg == SEG_CS && s->base != c->code_base) {
        cpu_translation_changed(c); /* the block links do not look at CS.base */
        c->code_base = s->base;
    }
}

void cpu_real_mode_rights(struct segment *s)
{
    /* Real mode checks limits but not types: a write through CS, whose cache may still
     * describe a code segment from protected mode, works (SYSLINUX does it). */
    s->readable = true;
    s->writable = true;
    seg_derive_spans(s);
}

/* Real-mode data segment rights: present, writable data, accessed. */
#define REAL_MODE_ATTR 0x0093

void cpu_reset(struct machine *m)
{
    struct cpu *c = &m->cpu;
    const struct cpu_model_info *model = c->model;
    struct cpu_stats stats = c->stats;
    memset(c, 0, offsetof(struct cpu, fault_jmp));
    c->model = model;
    c->stats = stats;
    cpu_blocks_changed(c); /* no link made before the reset holds */
    fpu_reset(&c->fpu, model->id);
    for (int s = 0; s < SEG_COUNT; s++)
        cpu_set_seg_cache(c, s, 0, 0, 0xFFFF, REAL_MODE_ATTR);
    cpu_set_eflags(c, 0);
    c->events = 0;
    switch (model->id) {
    case CPU_8086:
        cpu_set_seg_cache(c, SEG_CS, 0xFFFF, 0xFFFF0, 0xFFFF, REAL_MODE_ATTR);
        c->eip = 0;
        break;
    case CPU_286:
        cpu_set_seg_cache(c, SEG_CS, 0xF000, 0xFF0000, 0xFFFF, REAL_MODE_ATTR);
        c->eip = 0xFFF0;
        c->cr[0] = model->cr0_fixed1;
        break;
    default:
        cpu_set_seg_cache(c, SEG_CS, 0xF000, 0xFFFF0000u, 0xFFFF, REAL_MODE_ATTR);
        c->eip = 0xFFF0;
        c->cr[0] = model->id == CPU_386 ? 0x10 : 0x60000010u; /* ET: a 387 is present */
        c->gpr[EDX] = model->cpuid_family_model_stepping ? model->cpuid_family_model_stepping : 0x0308;
        c->dr[6] = 0xFFFF0FF0u;
        c->dr[7] = 0x400;
        break;
    }
    /* The local APIC is not modelled: IA32_APIC_BASE shows the default base, the BSP flag
     * and a cleared global enable (bit 11), the state in which a P6 behaves as a processor
     * without an APIC and clears CPUID's APIC flag (SDM vol. 3A, 10.4.3). */
    c->msr_apic_base = 0xFEE00100u;
    c->ldtr.lo = 1;
    c->tr.lo = 1;
    c->idtr.limit = 0x3FF;
    c->gdtr.limit = 0xFFFF;
    c->break_at = 0;
    c->break_left = 1;
}
