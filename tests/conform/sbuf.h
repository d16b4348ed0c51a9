/* A growable text buffer. Each file's report is written into one of these by a worker
 * thread and printed later by the main thread, so output stays in input order. */
#ifndef GLASS86_CONFORM_SBUF_H
#define GLASS86_CONFORM_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
    char *data;     /* always NUL-terminated once anything was appended */
    size_t len, cap;
    bool oom;       /* an allocation failed; the text is cut short, never corrupt */
};

void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_append(struct sbuf *b, const char *s, size_t n);
void sbuf_free(struct sbuf *b);
/* The text so far ("" when empty). */
const char *sbuf_str(const struct sbuf *b);

#endif
