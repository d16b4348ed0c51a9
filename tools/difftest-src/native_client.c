/* Talking to the 32-bit native executor (see native_client.h): posix_spawn with pipes
 * whose harness ends are close-on-exec, so that the children of other worker threads do
 * not hold them open. Wire format: protocol.h. */
#define _GNU_SOURCE
#include "native_client.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int native_start(struct native *n, const char *path, char *err, size_t errlen)
{
    memset(n, 0, sizeof *n);
    n->pid = -1;
    int in[2], out[2]; /* in: harness -> child, out: child -> harness */
    if (pipe2(in, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    if (pipe2(out, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        close(in[0]);
        close(in[1]);
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    /* dup2 clears close-on-exec on the new descriptor. */
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    char *argv[] = {(char *)path, NULL};
    int rc = posix_spawn(&n->pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start %s: %s", path, strerror(rc));
        close(in[1]);
        close(out[0]);
        n->pid = -1;
        return -1;
    }
    n->to_child = in[1];
    n->from_child = out[0];
    return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t k = write(fd, p, len);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t k = read(fd, p, len);
        if (k == 0) {
            errno = EPIPE;
            return -1;
        }
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

static int reserve(struct native *n, size_t need)
{
    if (need <= n->cap)
        return 0;
    size_t cap = need * 2;
    uint8_t *b = realloc(n->buf, cap);
    if (!b)
        return -1;
    n->buf = b;
    n->cap = cap;
    return 0;
}

int native_send(struct native *n, const struct dt_seq *const *seqs, unsigned count, char *err,
                size_t errlen)
{
    size_t need = sizeof(struct dt_batch_hdr);
    for (unsigned k = 0; k < count; k++)
        need += sizeof(struct dt_case_hdr) + seqs[k]->code_len;
    if (reserve(n, need) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct dt_batch_hdr bh = {DT_MAGIC_BATCH, count};
    size_t at = 0;
    memcpy(n->buf, &bh, sizeof bh);
    at += sizeof bh;
    for (unsigned k = 0; k < count; k++) {
        const struct dt_seq *s = seqs[k];
        struct dt_case_hdr c;
        memset(&c, 0, sizeof c);
        c.regs = s->init;
        c.code_len = s->code_len;
        c.fpu_on = s->fpu_on;
        memcpy(c.fpu, s->fpu, DT_FPU_IMAGE);
        memcpy(c.scratch, s->scratch, DT_SCRATCH_SIZE);
        memcpy(c.stack, s->stack, DT_STACK_SIZE);
        memcpy(n->buf + at, &c, sizeof c);
        at += sizeof c;
        memcpy(n->buf + at, s->code, s->code_len);
        at += s->code_len;
    }
    if (write_full(n->to_child, n->buf, at) != 0) {
        snprintf(err, errlen, "writing to the native executor: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int native_recv(struct native *n, struct dt_result *out, unsigned count, char *err, size_t errlen)
{
    if (read_full(n->from_child, out, count * sizeof *out) != 0) {
        snprintf(err, errlen, "reading from the native executor: %s",
                 errno == EPIPE ? "it exited" : strerror(errno));
        return -1;
    }
    for (unsigned k = 0; k < count; k++) {
        if (out[k].magic != DT_MAGIC_RESULT) {
            snprintf(err, errlen, "native executor: bad result record %u", k);
            return -1;
        }
    }
    return 0;
}

void native_stop(struct native *n)
{
    if (n->pid > 0) {
        struct dt_batch_hdr bh = {DT_MAGIC_BATCH, 0};
        (void)write_full(n->to_child, &bh, sizeof bh);
        close(n->to_child);
        close(n->from_child);
        int st;
        while (waitpid(n->pid, &st, 0) < 0 && errno == EINTR)
            ;
        n->pid = -1;
    }
    free(n->buf);
    n->buf = NULL;
    n->cap = 0;
}
