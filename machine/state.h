/* Saved machine state: a growable byte buffer with typed little-endian fields. Each device
 * writes a record {name, version, length, fields}; a loader finds its record by name and
 * refuses versions it does not know, so old snapshots fail clearly instead of loading
 * garbage (the idea of QEMU's versioned VMState field lists). */
#ifndef GLASS86_STATE_H
#define GLASS86_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct state_buf {
    uint8_t *data;
    size_t len, cap;   /* writer */
    size_t pos;        /* reader */
    bool error;        /* out of memory, or a read past the end */
};

void state_free(struct state_buf *b);
void state_put(struct state_buf *b, const void *src, size_t n);
void state_get(struct state_buf *b, void *dst, size_t n);
void state_put_u8(struct state_buf *b, uint8_t v);
void state_put_u16(struct state_buf *b, uint16_t v);
void state_put_u32(struct state_buf *b, uint32_t v);
void state_put_u64(struct state_buf *b, uint64_t v);
uint8_t state_get_u8(struct state_buf *b);
uint16_t state_get_u16(struct state_buf *b);
uint32_t state_get_u32(struct state_buf *b);
uint64_t state_get_u64(struct state_buf *b);

#endif
