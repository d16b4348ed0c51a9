/* The CPU models glass86 emulates and the ways the real chips differ: 8086 (Intel 8086
 * user's manual), 80286 (iAPX 286 programmer's reference), 80386, 80486 and a Pentium
 * Pro class P6 without MMX/SSE (Intel SDM vol. 3A, chapter 22, "Architecture
 * compatibility"). Everything model-specific is a field here, not an `if (model == ...)`. */
#ifndef GLASS86_MODELS_H
#define GLASS86_MODELS_H

#include <stdbool.h>
#include <stdint.h>

enum cpu_model_id { CPU_8086, CPU_286, CPU_386, CPU_486, CPU_P6, CPU_MODEL_COUNT };

/* CPUID leaf 1 EDX bits that glass86 may advertise (SDM vol. 2A, CPUID, table 3-11). */
#define CPUID_FPU (1u << 0)
#define CPUID_VME (1u << 1)
#define CPUID_DE (1u << 2)
#define CPUID_PSE (1u << 3)
#define CPUID_TSC (1u << 4)
#define CPUID_MSR (1u << 5)
#define CPUID_CX8 (1u << 8)
#define CPUID_SEP (1u << 11)
#define CPUID_PGE (1u << 13)
#define CPUID_CMOV (1u << 15)

struct cpu_model_info {
    enum cpu_model_id id;
    const char *name;          /* as given to --cpu */
    const char *description;
    uint32_t address_mask;     /* physical address bus: 20, 24 or 32 bits */
    uint32_t shift_count_mask; /* 0xFF on the 8086 (no masking), 0x1F after */
    uint8_t max_insn_len;      /* 0 = unlimited (8086) */
    bool push_sp_old;          /* PUSH SP pushes the value before the decrement (286+) */
    bool div_pushes_next_ip;   /* the 8086's #DE pushes the address of the next instruction */
    bool div_min_quotient_faults; /* the 8086 faults on quotients 0x80 / 0x8000 */
    bool segment_wrap;         /* a word at offset 0xFFFF wraps in the segment (8086) */
    bool has_ud;               /* invalid opcodes raise #UD (not the 8086) */
    bool has_cpuid;
    uint32_t flags_fixed1;     /* EFLAGS bits that always read as 1 */
    uint32_t flags_writable;   /* EFLAGS bits that POPF/IRET can change (ring 0, real mode) */
    uint32_t cpuid_family_model_stepping;
    uint32_t cpuid_features;   /* CPUID.1:EDX: only what glass86 implements */
    uint32_t cpuid_max_leaf;   /* CPUID.0:EAX, the highest basic leaf (1 or 2) */
    uint32_t cpuid_leaf2[4];   /* CPUID.2: EAX EBX ECX EDX, cache and TLB descriptors
                                  (SDM vol. 2A, CPUID, table of leaf 2 descriptors) */
    uint32_t cr0_fixed1;       /* CR0 bits that read as 1 (ET on the 486 and later) */
};

const struct cpu_model_info *cpu_model_by_name(const char *name);
const struct cpu_model_info *cpu_model_get(enum cpu_model_id id);

#endif
