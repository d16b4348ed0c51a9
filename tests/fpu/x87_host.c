/* The host side of the x87 comparison: see x87_host.h. Only this file runs host x87 code;
 * the emulator never does (its arithmetic is integer C). */
#define _GNU_SOURCE
#include "x87_host.h"

#include <string.h>
#include <sys/mman.h>

#if defined(__x86_64__)
static uint8_t *page;
static size_t body_at;

/* rdi = state in, rsi = memory operand, rdx = state out, rcx = struct x87_io. */
static const uint8_t prologue[] = {
    0x53,                   /* push rbx */
    0x48, 0x89, 0xF3,       /* mov rbx, rsi */
    0xDD, 0x27,             /* frstor [rdi] */
    0x31, 0xC0,             /* xor eax, eax */
    0xFF, 0x71, 0x10,       /* push qword [rcx+16] */
    0x9D,                   /* popfq */
};
static const uint8_t epilogue[] = {
    0x48, 0x89, 0x01,       /* mov [rcx], rax */
    0x9C,                   /* pushfq */
    0x8F, 0x41, 0x08,       /* pop qword [rcx+8] */
    0xDD, 0x32,             /* fnsave [rdx] */
    0x5B,                   /* pop rbx */
    0xC3,                   /* ret */
};

bool x87_host_init(void)
{
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        page = NULL;
        return false;
    }
    memcpy(page, prologue, sizeof prologue);
    body_at = sizeof prologue;
    return true;
}

void x87_host_run(const uint8_t *code, size_t n, const struct x87_image *in, void *mem,
                  struct x87_image *out, struct x87_io *io)
{
    memcpy(page + body_at, code, n);
    memcpy(page + body_at + n, epilogue, sizeof epilogue);
    __builtin___clear_cache((char *)page, (char *)page + 4096);
    void (*fn)(const void *, void *, void *, void *) = (void (*)(const void *, void *, void *, void *))(void *)page;
    fn(in->b, mem, out->b, io);
}
#else
bool x87_host_init(void) { return false; }
void x87_host_run(const uint8_t *code, size_t n, const struct x87_image *in, void *mem,
                  struct x87_image *out, struct x87_io *io)
{
    (void)code, (void)n, (void)in, (void)mem, (void)out, (void)io;
}
#endif
