/* The five CPU models and what distinguishes them. Sources: 8086 user's manual, iAPX 286
 * programmer's reference, Intel SDM vol. 3A chapter 22 and table 9-1 (reset state), and
 * the SingleStepTests READMEs for behaviour captured from real 8086 and 286 chips. */
#include <string.h>

#include "cpu/models.h"
#include "cpu/flags.h"

/* Arithmetic flags plus TF, IF, DF: what every model lets POPF change in real mode. */
#define FLAGS_8086 (FLAGS_ARITH | FLAG_TF | FLAG_IF | FLAG_DF)

static const struct cpu_model_info models[CPU_MODEL_COUNT] = {
    [CPU_8086] = {
        .id = CPU_8086, .name = "8086", .description = "Intel 8086",
        .address_mask = 0xFFFFF, .shift_count_mask = 0xFF, .max_insn_len = 0,
        .push_sp_old = false, .div_pushes_next_ip = true, .div_min_quotient_faults = true,
        .segment_wrap = true, .has_ud = false, .has_cpuid = false,
        .flags_fixed1 = 0xF002, .flags_writable = FLAGS_8086,
    },
    [CPU_286] = {
        .id = CPU_286, .name = "286", .description = "Intel 80286",
        .address_mask = 0xFFFFFF, .shift_count_mask = 0x1F, .max_insn_len = 10,
        .push_sp_old = true, .segment_wrap = false, .has_ud = true,
        .flags_fixed1 = 0x0002, .flags_writable = FLAGS_8086 | FLAG_IOPL | FLAG_NT,
        .cr0_fixed1 = 0xFFF0,
    },
    [CPU_386] = {
        .id = CPU_386, .name = "386", .description = "Intel 80386DX",
        .address_mask = 0xFFFFFFFF, .shift_count_mask = 0x1F, .max_insn_len = 15,
        .push_sp_old = true, .has_ud = true,
        .flags_fixed1 = 0x0002, .flags_writable = FLAGS_8086 | FLAG_IOPL | FLAG_NT | FLAG_RF,
        .cpuid_family_model_stepping = 0x0308,
    },
    [CPU_486] = {
        .id = CPU_486, .name = "486", .description = "Intel 486DX (with CPUID)",
        .address_mask = 0xFFFFFFFF, .shift_count_mask = 0x1F, .max_insn_len = 15,
        .push_sp_old = true, .has_ud = true, .has_cpuid = true,
        .flags_fixed1 = 0x0002,
        .flags_writable = FLAGS_8086 | FLAG_IOPL | FLAG_NT | FLAG_RF | FLAG_AC | FLAG_ID,
        .cpuid_family_model_stepping = 0x0481, /* family 4, model 8 (DX4), stepping 1 */
        .cpuid_features = CPUID_FPU,
        .cpuid_max_leaf = 1,
        .cr0_fixed1 = 0x10, /* ET is hard-wired to 1 */
    },
    [CPU_P6] = {
        .id = CPU_P6, .name = "p6", .description = "Pentium Pro class (no MMX/SSE)",
        .address_mask = 0xFFFFFFFF, .shift_count_mask = 0x1F, .max_insn_len = 15,
        .push_sp_old = true, .has_ud = true, .has_cpuid = true,
        .flags_fixed1 = 0x0002,
        .flags_writable = FLAGS_8086 | FLAG_IOPL | FLAG_NT | FLAG_RF | FLAG_AC | FLAG_ID,
        .cpuid_family_model_stepping = 0x0619, /* family 6, model 1, stepping 9 */
        /* Only what glass86 implements. */
        .cpuid_features = CPUID_FPU | CPUID_VME | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_CX8 |
                          CPUID_SEP | CPUID_PGE | CPUID_CMOV,
        /* A Pentium Pro with 256 KiB of L2 answers leaf 2 once (AL = 1) with: 01h ITLB 4K
         * pages 32 entries, 02h ITLB 4M pages 2 entries, 03h DTLB 4K pages 64 entries;
         * 42h L2 256K 4-way, 0Ah L1 data 8K 2-way, 04h DTLB 4M pages 8 entries, 06h L1
         * code 8K 4-way (32-byte lines). Bit 31 clear: every register is valid. */
        .cpuid_max_leaf = 2,
        .cpuid_leaf2 = { 0x03020101, 0, 0, 0x06040A42 },
        .cr0_fixed1 = 0x10,
    },
};

const struct cpu_model_info *cpu_model_get(enum cpu_model_id id)
{
    return (unsigned)id < CPU_MODEL_COUNT ? &models[id] : NULL;
}

const struct cpu_model_info *cpu_model_by_name(const char *name)
{
    static const struct { const char *alias; enum cpu_model_id id; } aliases[] = {
        { "8086", CPU_8086 }, { "286", CPU_286 }, { "80286", CPU_286 }, { "386", CPU_386 },
        { "80386", CPU_386 }, { "486", CPU_486 }, { "80486", CPU_486 }, { "p6", CPU_P6 },
        { "pentiumpro", CPU_P6 },
    };
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        if (strcmp(name, aliases[k].alias) == 0)
            return &models[aliases[k].id];
    return NULL;
}
