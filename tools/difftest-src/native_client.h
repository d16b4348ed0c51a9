/* The harness side of the native executor: starts difftest-native32 as a child process
 * with two pipes, sends it batches of sequences and reads back its results
 * (protocol.h). One child per worker thread. */
#ifndef DIFFTEST_NATIVE_CLIENT_H
#define DIFFTEST_NATIVE_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gen.h"
#include "protocol.h"

struct native {
    pid_t pid;
    int to_child, from_child;
    uint8_t *buf;
    size_t cap;
};

/* Start the executor at `path`. Returns 0, or -1 with a reason in err. */
int native_start(struct native *n, const char *path, char *err, size_t errlen);

/* Send `count` sequences as one batch. The executor reads all of it before it answers,
 * so the caller may do other work before native_recv(). Returns 0 or -1 (err set). */
int native_send(struct native *n, const struct dt_seq *const *seqs, unsigned count, char *err,
                size_t errlen);

/* Read the `count` results of the last batch. Returns 0 or -1 (err set). */
int native_recv(struct native *n, struct dt_result *out, unsigned count, char *err, size_t errlen);

/* Ask the executor to exit and reap it. */
void native_stop(struct native *n);

#endif
