/* Segment descriptors and gates (Intel SDM vol. 3A, 3.4.5 and 5.8-5.12): reading them from
 * the GDT/LDT/IDT, decoding their fields, and the checks of a protected-mode segment load. */
#ifndef GLASS86_DESCRIPTOR_H
#define GLASS86_DESCRIPTOR_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct segment;

/* A raw 8-byte descriptor and where it lives (to set its accessed / busy bits). */
struct descriptor {
    uint32_t lo, hi;
    uint32_t addr;      /* linear address of the descriptor */
};

/* Descriptor types (the 5-bit S+type field, SDM vol. 3A tables 3-1 and 3-2). */
enum {
    DT_TSS16_AVAIL = 0x01, DT_LDT = 0x02, DT_TSS16_BUSY = 0x03, DT_CALL_GATE16 = 0x04,
    DT_TASK_GATE = 0x05, DT_INT_GATE16 = 0x06, DT_TRAP_GATE16 = 0x07,
    DT_TSS32_AVAIL = 0x09, DT_TSS32_BUSY = 0x0B, DT_CALL_GATE32 = 0x0C,
    DT_INT_GATE32 = 0x0E, DT_TRAP_GATE32 = 0x0F,
};

static inline unsigned desc_type(const struct descriptor *d) { return (d->hi >> 8) & 0x1F; } /* S + type */
static inline unsigned desc_dpl(const struct descriptor *d) { return (d->hi >> 13) & 3; }
static inline bool desc_present(const struct descriptor *d) { return (d->hi >> 15) & 1; }
static inline bool desc_is_segment(const struct descriptor *d) { return (d->hi >> 12) & 1; }
static inline bool desc_is_code(const struct descriptor *d) { return desc_is_segment(d) && (d->hi & 0x800); }
static inline bool desc_is_data(const struct descriptor *d) { return desc_is_segment(d) && !(d->hi & 0x800); }
static inline bool desc_conforming(const struct descriptor *d) { return desc_is_code(d) && (d->hi & 0x400); }
static inline bool desc_readable(const struct descriptor *d) { return desc_is_data(d) || (d->hi & 0x200); }
static inline bool desc_writable(const struct descriptor *d) { return desc_is_data(d) && (d->hi & 0x200); }
static inline uint32_t desc_base(const struct descriptor *d)
{
    return (d->lo >> 16) | ((d->hi & 0xFF) << 16) | (d->hi & 0xFF000000u);
}
static inline uint32_t desc_limit(const struct descriptor *d)
{
    uint32_t limit = (d->lo & 0xFFFF) | (d->hi & 0x000F0000u);
    return (d->hi & 0x00800000u) ? (limit << 12) | 0xFFF : limit;
}
static inline uint16_t desc_attr(const struct descriptor *d) { return (uint16_t)((d->hi >> 8) & 0xF0FF); }
/* Gates: target selector, offset, parameter count. */
static inline uint16_t gate_selector(const struct descriptor *d) { return (uint16_t)(d->lo >> 16); }
static inline uint32_t gate_offset(const struct descriptor *d)
{
    uint32_t off = d->lo & 0xFFFF;
    if (desc_type(d) & 0x08)
        off |= d->hi & 0xFFFF0000u; /* 386 gates carry a 32-bit offset */
    return off;
}
static inline unsigned gate_param_count(const struct descriptor *d) { return d->hi & 0x1F; }

/* Error code of a selector-related fault: the selector without RPL (SDM vol. 3A, 6.13). */
static inline uint32_t sel_error(uint16_t selector) { return selector & 0xFFFCu; }

/* Read the descriptor a selector names. Returns false if the selector is beyond its
 * table's limit (the caller raises the fault its instruction specifies). */
bool desc_fetch(struct machine *m, uint16_t selector, struct descriptor *d);
/* Read the IDT entry of a vector; false when beyond the IDT limit. */
bool desc_fetch_idt(struct machine *m, unsigned vector, struct descriptor *d);
/* Set the accessed bit of a code/data descriptor in memory (a locked write on hardware). */
void desc_set_accessed(struct machine *m, struct descriptor *d);
/* Write back the high dword (busy bits of TSS descriptors). */
void desc_write_hi(struct machine *m, const struct descriptor *d);

/* Load a descriptor into a segment register's cache. */
void seg_load_cache(struct machine *m, int sreg, uint16_t selector, const struct descriptor *d);
/* A null selector in DS/ES/FS/GS: the register is unusable until reloaded. */
void seg_load_null(struct machine *m, int sreg, uint16_t selector);
/* Load a segment register in V86 mode (base = selector * 16, DPL 3 data). */
void seg_load_v86(struct machine *m, int sreg, uint16_t selector);

/* MOV/POP/LxS to a data or stack segment register in protected mode, with every check of
 * SDM vol. 2, MOV (sreg). */
void load_data_sreg_pm(struct machine *m, int sreg, uint16_t selector);
/* SS for a privilege change (stack switch, RET/IRET to an outer level): checks against
 * the given CPL, raising #TS (or `fault` = EXC_SS/EXC_GP) with the selector. */
void load_stack_segment(struct machine *m, uint16_t selector, unsigned cpl, int fault_vector);
/* After a return to an outer privilege level: data segment registers the new CPL may
 * not use are nulled (SDM vol. 2, RET, "RETURN-TO-OUTER-PRIVILEGE-LEVEL"). */
void invalidate_outer_segments(struct machine *m);

/* Supervisor-mode linear reads and writes of system tables (GDT, LDT, IDT, TSS), which
 * are made at privilege 0 whatever the CPL. */
uint32_t sys_read(struct machine *m, uint32_t lin, unsigned size);
void sys_write(struct machine *m, uint32_t lin, uint32_t value, unsigned size);

#endif
