/* What block.c and its copy-on-write overlay (block_overlay.c) share: whole-buffer
 * pread/pwrite that retry short transfers and EINTR, and the overlay's interface. */
#ifndef GLASS86_BLOCK_INTERNAL_H
#define GLASS86_BLOCK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -1 with errno set (EIO for a read that ends early: the file shrank). */
int block_pread_full(int fd, void *buf, size_t len, uint64_t offset);
int block_pwrite_full(int fd, const void *buf, size_t len, uint64_t offset);

/* The --snapshot overlay: an unlinked temporary file as large as the image, holding the
 * 4 KiB clusters the guest has written, and a bitmap of which clusters those are. Reads
 * of other clusters go to the base image, which is only ever read. */
struct block_overlay;

struct block_overlay *block_overlay_create(uint64_t size, char *err, size_t errlen);
void block_overlay_destroy(struct block_overlay *o);
int block_overlay_read(struct block_overlay *o, int base_fd, uint64_t offset, void *buf,
                       size_t len);
int block_overlay_write(struct block_overlay *o, int base_fd, uint64_t offset, const void *buf,
                        size_t len);

#endif
