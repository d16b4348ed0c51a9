/* The memory layout both executors share and the binary protocol between the 64-bit
 * harness and the 32-bit native executor (tools/difftest-src/native32.c). The header is
 * compiled for both i386 and x86-64, so every record is made of fixed-width fields only;
 * both ends are little-endian x86 and agree on the layout by construction. */
#ifndef DIFFTEST_PROTOCOL_H
#define DIFFTEST_PROTOCOL_H

/* Guest (and native) addresses. All of them have bit 20 clear, so glass86's A20 gate
 * state after reset does not matter. The scratch buffer and the stack window each
 * straddle a 4 KiB page boundary so that page-crossing accesses are exercised. */
#define DT_CODE_BASE 0x00200000u      /* the snippet; native: RWX mapping */
#define DT_CODE_MAX 8192u             /* snippet bytes at most, tail excluded */
#define DT_CTRL_BASE 0x00300000u      /* native only: register save areas, see below */
#define DT_SCRATCH_BASE 0x00400F80u   /* the data buffer that memory operands address */
#define DT_SCRATCH_SIZE 256u
#define DT_STACK_LO 0x00600F80u       /* the stack window: [LO, HI) */
#define DT_STACK_SIZE 256u
#define DT_STACK_HI (DT_STACK_LO + DT_STACK_SIZE)
#define DT_SYS_BASE 0x00800000u       /* glass86 only: GDT, IDT and exception stubs */
/* The fault area of the paged user mode, the same on both sides: a user read-only page
 * whose bytes are DT_RO_BYTE(offset), then a page nothing maps. Accesses there (and across
 * the boundary between them) are the page faults the difftest compares. */
#define DT_RO_PAGE 0x00500000u
#define DT_NOMAP_PAGE 0x00501000u
#define DT_RO_BYTE(k) ((uint8_t)((k) * 0x9Du + 0x3Bu + ((k) >> 8)))

/* The reserved memory base register points at the middle of the scratch buffer, so that
 * every byte of it is reachable with a disp8. */
#define DT_EBP_VALUE (DT_SCRATCH_BASE + DT_SCRATCH_SIZE / 2)

/* EFLAGS bits a test may set in its initial state: the six arithmetic flags and DF.
 * Bit 1 is always 1; IF is 1 in any user process. */
#define DT_FLAGS_INPUT 0x00000CD5u
#define DT_FLAGS_FIXED 0x00000202u

/* The native executor's control block at DT_CTRL_BASE is shared with the hand-written
 * trampoline (native32_tramp.S), which addresses its fields by absolute address so that
 * it needs no free register and no relocation: struct dt_ctrl, at these offsets. */
#define DT_CTRL_IN 0
#define DT_CTRL_OUT 36
#define DT_CTRL_HOST_ESP 72
#define DT_CTRL_EXIT_ADDR 76
#define DT_CTRL_ENTRY_ADDR 80
#define DT_CTRL_FPU_ON 84
#define DT_CTRL_FPU_IN 88
#define DT_CTRL_FPU_OUT 196

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#define DT_MAGIC_BATCH 0x42544444u  /* "DDTB" */
#define DT_MAGIC_RESULT 0x52544444u /* "DDTR" */

/* The initial or final register state. */
struct dt_regs {
    uint32_t gpr[8]; /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t eflags;
};

/* harness -> native: a batch header, then `count` cases, each a dt_case_hdr followed by
 * `code_len` bytes of code. */
struct dt_batch_hdr {
    uint32_t magic;
    uint32_t count;  /* 0 asks the executor to exit */
};

/* The x87 state both sides start from and report, in the 32-bit protected-mode FNSAVE
 * layout (Intel SDM vol. 1, figure 8-9): CW, SW, TW, the pointers, then ST0-ST7 as
 * 10-byte values. */
#define DT_FPU_IMAGE 108

struct dt_case_hdr {
    struct dt_regs regs;
    uint32_t fpu_on;                  /* 1: load `fpu` first and save the x87 state after */
    uint8_t fpu[DT_FPU_IMAGE];
    uint32_t code_len;
    uint8_t scratch[DT_SCRATCH_SIZE];
    uint8_t stack[DT_STACK_SIZE];
};

/* native -> harness: one dt_result per case, in order, after the whole batch was read. */
enum dt_status {
    DT_OK = 0,
    DT_FAULT = 1, /* the snippet raised a signal: `signo`, `fault_eip`, `fault_addr` */
    DT_STRAY = 2, /* the snippet wrote memory next to the scratch buffer or stack window */
};

struct dt_result {
    uint32_t magic;
    uint32_t status;
    uint32_t signo;
    uint32_t fault_eip;
    uint32_t fault_addr;
    uint32_t trapno, err; /* a fault's REG_TRAPNO and REG_ERR (the page-fault error code) */
    uint32_t fpu_on;
    uint8_t fpu[DT_FPU_IMAGE]; /* the FNSAVE image after the snippet (fpu_on) */
    struct dt_regs regs; /* final state, or the state at the fault */
    uint8_t scratch[DT_SCRATCH_SIZE];
    uint8_t stack[DT_STACK_SIZE];
};

/* The native executor's control block at DT_CTRL_BASE (offsets DT_CTRL_* above). */
struct dt_ctrl {
    struct dt_regs in;    /* 0: loaded before the jump to the snippet */
    struct dt_regs out;   /* 36: stored when the snippet jumps to dt_exit */
    uint32_t host_esp;    /* 72: the executor's stack pointer during the snippet */
    uint32_t exit_addr;   /* 76: the snippet ends with `jmp [DT_CTRL_BASE + 76]` */
    uint32_t entry_addr;  /* 80: DT_CODE_BASE */
    uint32_t fpu_on;      /* 84: FRSTOR fpu_in before the snippet, FNSAVE fpu_out after */
    uint8_t fpu_in[DT_FPU_IMAGE];  /* 88 */
    uint8_t fpu_out[DT_FPU_IMAGE]; /* 196 */
};
_Static_assert(sizeof(struct dt_regs) == 36, "dt_regs layout");
_Static_assert(offsetof(struct dt_ctrl, out) == DT_CTRL_OUT, "dt_ctrl layout");
_Static_assert(offsetof(struct dt_ctrl, host_esp) == DT_CTRL_HOST_ESP, "dt_ctrl layout");
_Static_assert(offsetof(struct dt_ctrl, exit_addr) == DT_CTRL_EXIT_ADDR, "dt_ctrl layout");
_Static_assert(offsetof(struct dt_ctrl, entry_addr) == DT_CTRL_ENTRY_ADDR, "dt_ctrl layout");
_Static_assert(offsetof(struct dt_ctrl, fpu_on) == DT_CTRL_FPU_ON, "dt_ctrl layout");
_Static_assert(offsetof(struct dt_ctrl, fpu_in) == DT_CTRL_FPU_IN, "dt_ctrl layout");
_Static_assert(offsetof(struct dt_ctrl, fpu_out) == DT_CTRL_FPU_OUT, "dt_ctrl layout");

#endif /* __ASSEMBLER__ */

#endif
