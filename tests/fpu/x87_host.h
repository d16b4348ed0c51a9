/* Running one x87 instruction on the host CPU's own x87 (x86-64 hosts): the FPU state is
 * loaded with FRSTOR, the instruction runs with EBX/RBX pointing at a memory operand, and
 * FNSAVE captures the state after it, together with AX and EFLAGS. The instruction bytes
 * are copied into an executable page between a fixed prologue and epilogue, so the same
 * encodings ([ebx] addressing, no prefixes) run natively and in glass86's 32-bit mode. */
#ifndef GLASS86_TESTS_X87_HOST_H
#define GLASS86_TESTS_X87_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The 108-byte FSAVE image of the 32-bit protected-mode layout (SDM vol. 1, fig. 8-9). */
struct x87_image {
    uint8_t b[108];
};

struct x87_io {
    uint64_t rax_out;
    uint64_t flags_out;
    uint64_t flags_in;
};

/* Prepare the executable page; false when the host cannot (no x87 or no mmap). */
bool x87_host_init(void);
/* Run `code` (n bytes) with `in` loaded; `mem` is the operand memory ([rbx]). */
void x87_host_run(const uint8_t *code, size_t n, const struct x87_image *in, void *mem,
                  struct x87_image *out, struct x87_io *io);

#endif
