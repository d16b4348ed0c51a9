/* The PC/AT DMA controllers: two Intel 8237A chips (datasheet 231466), the first for byte
 * channels 0-3 at ports 0x00-0x0F, the second for word channels 4-7 at 0xC0-0xDF (one
 * register every second port) with its channel 4 taking the first chip's requests
 * (cascade), and the 74LS612 page registers at 0x81-0x8F that supply address bits 16-23.
 * Port 0x80, the spare page register, belongs to the POST device (devices/post.h). */
#ifndef GLASS86_DMA8237_H
#define GLASS86_DMA8237_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct dma8237;

#define DMA_CHANNELS 8

/* Mode register fields (datasheet, "Mode Register"). */
#define DMA_MODE_VERIFY 0x00
#define DMA_MODE_WRITE 0x04      /* device to memory ("write" is the memory cycle) */
#define DMA_MODE_READ 0x08       /* memory to device */
#define DMA_MODE_XFER_MASK 0x0C
#define DMA_MODE_AUTOINIT 0x10
#define DMA_MODE_DECREMENT 0x20
#define DMA_MODE_DEMAND 0x00
#define DMA_MODE_SINGLE 0x40
#define DMA_MODE_BLOCK 0x80
#define DMA_MODE_CASCADE 0xC0
#define DMA_MODE_KIND_MASK 0xC0

/* Create both chips and the page registers and attach them to the machine. NULL when out
 * of memory or the ports are taken. */
struct dma8237 *dma8237_create(struct machine *m);

/* A device's DMA request on `channel` (0-7): move up to `len` bytes between `buf` and guest
 * memory, device to memory when `to_memory` is set. Channels 5-7 move 16-bit words, so
 * `len` is rounded down to even there. The transfer follows the channel's programming:
 * nothing moves while the channel (or, for channels 0-3, the cascade channel 4) is masked;
 * the address steps up or down and wraps inside its 64 KiB (128 KiB for words) page; the
 * transfer stops at terminal count, where an auto-initialising channel reloads its base
 * registers and a plain one masks itself. A channel programmed for the other direction
 * moves no data (as if in verify mode) and the mismatch is logged once. Returns the bytes
 * moved (for a verify transfer: the bytes the counters advanced over). Memory writes go
 * through phys_write_bytes(), so decoded code they overwrite is dropped. */
size_t dma_transfer(struct dma8237 *d, unsigned channel, void *buf, size_t len, bool to_memory);

/* Whether a request on `channel` would be served now (unmasked, not cascaded away). */
bool dma_channel_ready(const struct dma8237 *d, unsigned channel);
/* Whether the last dma_transfer() on `channel` ended at terminal count (the TC pin a
 * device such as the floppy controller watches to end its command). */
bool dma_terminal_count(const struct dma8237 *d, unsigned channel);
/* Bytes left before terminal count (count register + 1, in bytes). */
uint32_t dma_bytes_left(const struct dma8237 *d, unsigned channel);

/* A channel's registers, for the debugger and tests. */
struct dma_channel_view {
    uint32_t base_address, current_address; /* 16-bit counters (words on channels 4-7) */
    uint16_t base_count, current_count;
    uint8_t mode, page;
    bool masked, tc;                         /* mask bit; TC bit of the status register */
};
void dma_view(const struct dma8237 *d, unsigned channel, struct dma_channel_view *out);

#endif
