/* Protected-mode pieces shared by the far transfers, interrupt delivery and task
 * switching (cpu/far_pm.c, cpu/interrupt.c, cpu/task.c). */
#ifndef GLASS86_PMODE_H
#define GLASS86_PMODE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/descriptor.h"

struct machine;
struct segment;

/* A stack that is not the current one yet: pushes to it go through an explicit segment
 * cache and privilege, so a fault leaves the current SS:ESP untouched. */
struct pending_stack {
    struct segment seg;
    uint16_t selector;
    uint32_t esp;
    uint32_t mask;       /* 0xFFFF or 0xFFFFFFFF by the segment's B bit */
    unsigned cpl;
    uint32_t error;      /* error code of the #SS when a push does not fit */
};
/* The current stack; `ext` is the EXT bit of its #SS error code. */
void pstack_init_current(struct machine *m, struct pending_stack *st, uint32_t ext);
void pstack_push(struct machine *m, struct pending_stack *st, uint32_t v, unsigned bytes);
/* Make the pending stack the current SS:ESP. */
void pstack_commit(struct machine *m, const struct pending_stack *st);

/* The inner stack of privilege level `dpl` from the current TSS (#TS when it is not there).
 * `ext` is the EXT bit of the error codes (SDM vol. 3A, 6.13): 1 for events from outside. */
void tss_inner_stack(struct machine *m, unsigned dpl, uint16_t *ss, uint32_t *esp, uint32_t ext);
/* Validate a stack selector for privilege `cpl` and build a pending stack from it. */
void pstack_from_selector(struct machine *m, struct pending_stack *st, uint16_t ss, uint32_t esp,
                          unsigned cpl, uint32_t ext);

/* Load CS from a validated code descriptor and make `cpl` the current privilege. */
void load_cs(struct machine *m, uint16_t selector, const struct descriptor *d, unsigned cpl);

/* Checks of a code segment as the target of a far transfer (error codes carry `ext`). */
void check_code_target(struct machine *m, uint16_t selector, struct descriptor *d, uint32_t ext);

/* Task switches (cpu/task.c). */
enum task_source { TASK_JMP, TASK_CALL, TASK_IRET, TASK_INT };
void task_switch(struct machine *m, uint16_t selector, struct descriptor *d, enum task_source src,
                 uint32_t ext);
/* Push an exception's error code after a task switch through a task gate. */
void task_push_error(struct machine *m, uint32_t error_code);

#endif
