/* The saved-state byte buffer (see state.h). Fields are stored little-endian whatever the
 * host, so a snapshot is portable. */
#include <stdlib.h>
#include <string.h>

#include "machine/state.h"

void state_free(struct state_buf *b)
{
    free(b->data);
    *b = (struct state_buf){ 0 };
}

void state_put(struct state_buf *b, const void *src, size_t n)
{
    if (b->error)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *p = realloc(b->data, cap);
        if (!p) {
            b->error = true;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, src, n);
    b->len += n;
}

void state_get(struct state_buf *b, void *dst, size_t n)
{
    if (b->error || b->pos + n > b->len) {
        b->error = true;
        memset(dst, 0, n);
        return;
    }
    memcpy(dst, b->data + b->pos, n);
    b->pos += n;
}

static void put_le(struct state_buf *b, uint64_t v, unsigned n)
{
    uint8_t tmp[8];
    for (unsigned k = 0; k < n; k++)
        tmp[k] = (uint8_t)(v >> (8 * k));
    state_put(b, tmp, n);
}
static uint64_t get_le(struct state_buf *b, unsigned n)
{
    uint8_t tmp[8];
    state_get(b, tmp, n);
    uint64_t v = 0;
    for (unsigned k = 0; k < n; k++)
        v |= (uint64_t)tmp[k] << (8 * k);
    return v;
}

void state_put_u8(struct state_buf *b, uint8_t v) { put_le(b, v, 1); }
void state_put_u16(struct state_buf *b, uint16_t v) { put_le(b, v, 2); }
void state_put_u32(struct state_buf *b, uint32_t v) { put_le(b, v, 4); }
void state_put_u64(struct state_buf *b, uint64_t v) { put_le(b, v, 8); }
uint8_t state_get_u8(struct state_buf *b) { return (uint8_t)get_le(b, 1); }
uint16_t state_get_u16(struct state_buf *b) { return (uint16_t)get_le(b, 2); }
uint32_t state_get_u32(struct state_buf *b) { return (uint32_t)get_le(b, 4); }
uint64_t state_get_u64(struct state_buf *b) { return get_le(b, 8); }
