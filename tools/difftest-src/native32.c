/* The native side of the difftest: a 32-bit Linux process that runs each test snippet on
 * the host CPU at the same fixed addresses glass86 uses, and reports the registers, flags
 * and memory it ends with. Protocol and layout: protocol.h; entry and exit: native32_tramp.S.
 * A snippet that crashes (a generator bug) is reported as a fault instead of killing us. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "protocol.h"

#if !defined(__i386__)
#error "native32.c must be built for i386 (-m32)"
#endif

void dt_enter(void);
void dt_exit(void);

/* Pages that hold the scratch buffer and stack window; the bytes around the windows hold
 * FILL so that a stray write is noticed. */
#define PAGE 4096u
#define PAGE_DOWN(a) ((a) & ~(PAGE - 1))
#define PAGE_UP(a) (((a) + PAGE - 1) & ~(PAGE - 1))
#define SCRATCH_MAP PAGE_DOWN(DT_SCRATCH_BASE)
#define SCRATCH_MAP_END PAGE_UP(DT_SCRATCH_BASE + DT_SCRATCH_SIZE)
#define STACK_MAP PAGE_DOWN(DT_STACK_LO)
#define STACK_MAP_END PAGE_UP(DT_STACK_HI)
#define CODE_MAP_SIZE PAGE_UP(DT_CODE_MAX + 16)
#define FILL 0xA5
_Static_assert(SCRATCH_MAP_END - SCRATCH_MAP <= 2 * PAGE && STACK_MAP_END - STACK_MAP <= 2 * PAGE,
               "the windows span two pages at most");

/* The signal handler's view of the snippet being run. Process-wide state is unavoidable
 * here: a signal handler gets no context pointer. The executor is single-threaded. */
static sigjmp_buf fault_env;
static volatile sig_atomic_t in_snippet;
static struct dt_result fault_result;

static void die(const char *what)
{
    fprintf(stderr, "difftest-native32: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    if (!in_snippet) {
        /* A bug in the executor itself: crash for real. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    in_snippet = 0;
    const greg_t *g = ((const ucontext_t *)ucv)->uc_mcontext.gregs;
    fault_result.status = DT_FAULT;
    fault_result.signo = (uint32_t)sig;
    fault_result.fault_eip = (uint32_t)g[REG_EIP];
    fault_result.fault_addr = (uint32_t)(uintptr_t)si->si_addr;
    fault_result.trapno = (uint32_t)g[REG_TRAPNO];
    fault_result.err = (uint32_t)g[REG_ERR];
    static const int order[8] = {REG_EAX, REG_ECX, REG_EDX, REG_EBX,
                                 REG_ESP, REG_EBP, REG_ESI, REG_EDI};
    for (int r = 0; r < 8; r++)
        fault_result.regs.gpr[r] = (uint32_t)g[order[r]];
    fault_result.regs.eflags = (uint32_t)g[REG_EFL];
    siglongjmp(fault_env, 1);
}

static void map_fixed(uint32_t addr, uint32_t size, int prot)
{
    void *want = (void *)(uintptr_t)addr;
    void *p = mmap(want, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED)
        die("mmap at a fixed address");
    if (p != want) {
        /* Kernels before 4.17 treat the flag as a hint. */
        errno = EEXIST;
        die("mmap at a fixed address");
    }
}

static void setup(void)
{
    map_fixed(DT_CODE_BASE, CODE_MAP_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
    map_fixed(DT_CTRL_BASE, PAGE, PROT_READ | PROT_WRITE);
    map_fixed(SCRATCH_MAP, SCRATCH_MAP_END - SCRATCH_MAP, PROT_READ | PROT_WRITE);
    map_fixed(STACK_MAP, STACK_MAP_END - STACK_MAP, PROT_READ | PROT_WRITE);
    /* The paged mode's fault area: a read-only page with known bytes, and a page reserved
     * without access, so that nothing else lands there. */
    map_fixed(DT_RO_PAGE, PAGE, PROT_READ | PROT_WRITE);
    for (uint32_t k = 0; k < PAGE; k++)
        ((uint8_t *)(uintptr_t)DT_RO_PAGE)[k] = DT_RO_BYTE(k);
    if (mprotect((void *)(uintptr_t)DT_RO_PAGE, PAGE, PROT_READ) != 0)
        die("mprotect");
    map_fixed(DT_NOMAP_PAGE, PAGE, PROT_NONE);
    memset((void *)(uintptr_t)SCRATCH_MAP, FILL, SCRATCH_MAP_END - SCRATCH_MAP);
    memset((void *)(uintptr_t)STACK_MAP, FILL, STACK_MAP_END - STACK_MAP);

    struct dt_ctrl *ctrl = (struct dt_ctrl *)(uintptr_t)DT_CTRL_BASE;
    ctrl->exit_addr = (uint32_t)(uintptr_t)&dt_exit;
    ctrl->entry_addr = DT_CODE_BASE;

    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    if (sigaltstack(&ss, NULL) != 0)
        die("sigaltstack");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    /* SA_NODEFER: we leave the handler by siglongjmp without restoring a signal mask. */
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        if (sigaction(sigs[k], &sa, NULL) != 0)
            die("sigaction");
}

static const uint8_t fill_pattern[2 * PAGE] = {[0 ... 2 * PAGE - 1] = FILL};

/* True if [lo, hi) still holds FILL; puts FILL back if not. */
static int range_clean(uint32_t lo, uint32_t hi)
{
    uint8_t *p = (uint8_t *)(uintptr_t)lo;
    if (memcmp(p, fill_pattern, hi - lo) == 0)
        return 1;
    memset(p, FILL, hi - lo);
    return 0;
}

/* True if the bytes of [lo, hi) other than the window [wlo, whi) still hold FILL. */
static int surroundings_clean(uint32_t lo, uint32_t hi, uint32_t wlo, uint32_t whi)
{
    int a = range_clean(lo, wlo);
    int b = range_clean(whi, hi);
    return a && b;
}

static void run_case(const struct dt_case_hdr *c, const uint8_t *code, struct dt_result *res)
{
    uint8_t *code_mem = (uint8_t *)(uintptr_t)DT_CODE_BASE;
    memcpy(code_mem, code, c->code_len);
    /* The tail: jmp dword [DT_CTRL_BASE + DT_CTRL_EXIT_ADDR]. glass86 gets HLT instead. */
    uint8_t *t = code_mem + c->code_len;
    uint32_t slot = DT_CTRL_BASE + DT_CTRL_EXIT_ADDR;
    t[0] = 0xFF;
    t[1] = 0x25;
    memcpy(t + 2, &slot, 4);

    memcpy((void *)(uintptr_t)DT_SCRATCH_BASE, c->scratch, DT_SCRATCH_SIZE);
    memcpy((void *)(uintptr_t)DT_STACK_LO, c->stack, DT_STACK_SIZE);

    volatile struct dt_ctrl *ctrl = (volatile struct dt_ctrl *)(uintptr_t)DT_CTRL_BASE;
    for (int r = 0; r < 8; r++)
        ctrl->in.gpr[r] = c->regs.gpr[r];
    ctrl->in.eflags = (c->regs.eflags & DT_FLAGS_INPUT) | DT_FLAGS_FIXED;
    ctrl->fpu_on = c->fpu_on;
    if (c->fpu_on)
        memcpy((void *)ctrl->fpu_in, c->fpu, DT_FPU_IMAGE);

    memset(res, 0, sizeof *res);
    if (sigsetjmp(fault_env, 0) == 0) {
        in_snippet = 1;
        dt_enter();
        in_snippet = 0;
        res->status = DT_OK;
        for (int r = 0; r < 8; r++)
            res->regs.gpr[r] = ctrl->out.gpr[r];
        res->regs.eflags = ctrl->out.eflags;
        res->fpu_on = c->fpu_on;
        if (c->fpu_on)
            memcpy(res->fpu, (const void *)ctrl->fpu_out, DT_FPU_IMAGE);
    } else {
        *res = fault_result;
        __asm__ volatile("fninit"); /* whatever the snippet left in the x87 */
    }
    res->magic = DT_MAGIC_RESULT;
    memcpy(res->scratch, (void *)(uintptr_t)DT_SCRATCH_BASE, DT_SCRATCH_SIZE);
    memcpy(res->stack, (void *)(uintptr_t)DT_STACK_LO, DT_STACK_SIZE);
    int clean = surroundings_clean(SCRATCH_MAP, SCRATCH_MAP_END, DT_SCRATCH_BASE,
                                   DT_SCRATCH_BASE + DT_SCRATCH_SIZE);
    clean &= surroundings_clean(STACK_MAP, STACK_MAP_END, DT_STACK_LO, DT_STACK_HI);
    if (!clean && res->status == DT_OK)
        res->status = DT_STRAY;
}

/* Read exactly n bytes; returns 0 at a clean end of file before the first byte. */
static int read_full(void *buf, size_t n)
{
    uint8_t *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(0, p + got, n - got);
        if (k == 0) {
            if (got == 0)
                return 0;
            errno = EPIPE;
            die("short read");
        }
        if (k < 0) {
            if (errno == EINTR)
                continue;
            die("read");
        }
        got += (size_t)k;
    }
    return 1;
}

static void write_full(const void *buf, size_t n)
{
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t k = write(1, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            die("write");
        }
        p += k;
        n -= (size_t)k;
    }
}

int main(void)
{
    setup();
    /* A batch is read whole before anything is written back, so the harness can write
     * the next batch while the results of this one wait in the pipe. */
    uint8_t *in = NULL;
    struct dt_result *out = NULL;
    size_t in_cap = 0, out_cap = 0;
    for (;;) {
        struct dt_batch_hdr bh;
        if (!read_full(&bh, sizeof bh))
            return 0;
        if (bh.magic != DT_MAGIC_BATCH) {
            fprintf(stderr, "difftest-native32: bad batch magic %#x\n", bh.magic);
            return 2;
        }
        if (bh.count == 0)
            return 0;
        if (bh.count > out_cap) {
            out_cap = bh.count;
            out = realloc(out, out_cap * sizeof *out);
            if (!out)
                die("realloc");
        }
        size_t used = 0;
        for (uint32_t k = 0; k < bh.count; k++) {
            size_t need = used + sizeof(struct dt_case_hdr) + DT_CODE_MAX;
            if (need > in_cap) {
                in_cap = need * 2;
                in = realloc(in, in_cap);
                if (!in)
                    die("realloc");
            }
            struct dt_case_hdr *c = (struct dt_case_hdr *)(in + used);
            read_full(c, sizeof *c);
            if (c->code_len > DT_CODE_MAX) {
                fprintf(stderr, "difftest-native32: code of %u bytes is too long\n", c->code_len);
                return 2;
            }
            read_full(c + 1, c->code_len);
            /* Keep the next header 4-byte aligned. */
            used += sizeof *c + ((c->code_len + 3u) & ~3u);
        }
        used = 0;
        for (uint32_t k = 0; k < bh.count; k++) {
            const struct dt_case_hdr *c = (const struct dt_case_hdr *)(in + used);
            run_case(c, (const uint8_t *)(c + 1), &out[k]);
            used += sizeof *c + ((c->code_len + 3u) & ~3u);
        }
        write_full(out, bh.count * sizeof *out);
    }
}
