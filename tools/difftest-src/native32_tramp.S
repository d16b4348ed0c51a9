/* Entry to and exit from a snippet in the 32-bit native executor (i386 System V ABI).
 * All state lives in the control block at the fixed address DT_CTRL_BASE (protocol.h),
 * so both paths need no free register, and the exit path saves EFLAGS on the executor's
 * own stack, never below the snippet's ESP, whose memory is compared. */
#include "protocol.h"

#define CTRL(off) (DT_CTRL_BASE + (off))
#define IN(r) CTRL(DT_CTRL_IN + 4 * (r))
#define OUT(r) CTRL(DT_CTRL_OUT + 4 * (r))

    .text
    .globl dt_enter
    .type dt_enter, @function
/* void dt_enter(void): load ctrl.in and jump to ctrl.entry_addr; returns when the snippet
 * jumps to dt_exit. */
dt_enter:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, CTRL(DT_CTRL_HOST_ESP)
    /* The x87 state of an x87 sequence; the compare changes flags, so before EFLAGS. */
    cmpl $0, CTRL(DT_CTRL_FPU_ON)
    je 1f
    frstor CTRL(DT_CTRL_FPU_IN)
1:
    /* EFLAGS first, on our stack; MOV changes no flag, so everything after keeps them. */
    pushl IN(8)
    popfl
    movl IN(1), %ecx
    movl IN(2), %edx
    movl IN(3), %ebx
    movl IN(5), %ebp
    movl IN(6), %esi
    movl IN(7), %edi
    movl IN(0), %eax
    movl IN(4), %esp
    jmp *CTRL(DT_CTRL_ENTRY_ADDR)
    .size dt_enter, . - dt_enter

    .globl dt_exit
    .type dt_exit, @function
dt_exit:
    movl %eax, OUT(0)
    movl %ecx, OUT(1)
    movl %edx, OUT(2)
    movl %ebx, OUT(3)
    movl %esp, OUT(4)
    movl %ebp, OUT(5)
    movl %esi, OUT(6)
    movl %edi, OUT(7)
    movl CTRL(DT_CTRL_HOST_ESP), %esp
    pushfl
    popl OUT(8)
    cmpl $0, CTRL(DT_CTRL_FPU_ON)
    je 1f
    fnsave CTRL(DT_CTRL_FPU_OUT) /* also leaves the x87 initialized for the C code */
1:
    cld /* the C ABI wants DF clear; it was saved above */
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
    .size dt_exit, . - dt_exit

    .section .note.GNU-stack, "", @progbits
