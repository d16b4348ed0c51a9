/* One file of single-instruction CPU tests in memory, whichever format it came from
 * (SingleStepTests MOO or JSON, see shared/conformance/8086/README.md). Registers use the
 * MOO REGS bit order; strings, bytes and RAM lists live in per-file pools addressed by
 * offset, so growing a pool never invalidates a test. */
#ifndef GLASS86_CONFORM_TESTCASE_H
#define GLASS86_CONFORM_TESTCASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MOO REGS bit order (bit 0 first). */
enum tc_reg {
    TC_AX, TC_BX, TC_CX, TC_DX, TC_CS, TC_SS, TC_DS, TC_ES,
    TC_SP, TC_BP, TC_SI, TC_DI, TC_IP, TC_FLAGS, TC_NREGS
};
#define TC_ALL_REGS ((uint16_t)((1u << TC_NREGS) - 1))

extern const char *const tc_reg_names[TC_NREGS];
/* The index of a register name ("ax", "flags"), or -1. */
int tc_reg_by_name(const char *name);

struct tc_ram {
    uint32_t addr;
    uint8_t value;
};

struct tc_state {
    uint16_t present;          /* bit per register given */
    uint16_t regs[TC_NREGS];
    uint32_t ram_first, ram_count; /* a slice of tc_file.ram */
};

struct tc_test {
    uint32_t index;            /* as recorded (MOO TEST index, JSON idx); the 8086 files hold 0 in
                                * every TEST, so reports number tests by position instead */
    uint32_t name_off, name_len;   /* disassembly text in tc_file.blob */
    uint32_t bytes_off, bytes_len; /* instruction bytes in tc_file.blob */
    struct tc_state init, fina;
    bool has_excp;
    uint8_t excp_vector;
    uint32_t excp_flags_addr;  /* physical address of the pushed FLAGS word, as recorded */
    bool has_hash;
    uint8_t hash[20];
};

struct tc_file {
    char cpu[5];               /* MOO header CPU id ("8086", "C286"); "" for JSON */
    char mnemonic[9];          /* from a META chunk, "" if none */
    uint32_t declared_count;   /* test count the header announced */
    struct tc_test *tests;
    size_t count, cap;
    struct tc_ram *ram;
    size_t ram_count, ram_cap;
    uint8_t *blob;
    size_t blob_len, blob_cap;
};

void tc_file_free(struct tc_file *f);
/* Append a zeroed test; NULL when out of memory. */
struct tc_test *tc_add_test(struct tc_file *f);
/* Copy bytes into the blob, followed by a NUL; false when out of memory or past 4 GiB. */
bool tc_add_blob(struct tc_file *f, const void *src, size_t n, uint32_t *off);
bool tc_add_ram(struct tc_file *f, uint32_t addr, uint8_t value);

static inline const uint8_t *tc_bytes(const struct tc_file *f, const struct tc_test *t)
{
    return f->blob + t->bytes_off;
}
static inline const struct tc_ram *tc_state_ram(const struct tc_file *f, const struct tc_state *s)
{
    return f->ram + s->ram_first;
}

#endif
