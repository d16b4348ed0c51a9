/* Disk images behind the emulated drives: raw files (or host block devices) for hard
 * disks (512-byte sectors), CD-ROMs (2048-byte sectors, always read-only) and floppies
 * (the standard PC diskette sizes), with an optional copy-on-write overlay (--snapshot)
 * so a base image never changes. Guest writes go straight to the file with pwrite, in
 * order, so a crash of glass86 loses nothing the guest wrote. */
#ifndef GLASS86_BLOCK_H
#define GLASS86_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct block_dev;

enum block_kind {
    BLOCK_HD,      /* ATA hard disk: a whole number of 512-byte sectors */
    BLOCK_CD,      /* CD/DVD-ROM: a whole number of 2048-byte sectors, read-only */
    BLOCK_FLOPPY,  /* 360K, 720K, 1.2M, 1.44M or 2.88M */
};

struct block_options {
    bool read_only;  /* guest writes fail (CDs are always read-only) */
    bool snapshot;   /* guest writes go to a temporary overlay, dropped at exit */
};

/* Open and check an image before the guest starts. The machine owns the result: it is
 * flushed and closed by machine_destroy(). On failure returns NULL and writes a one-line
 * reason naming the file to err (missing, unreadable, locked by another glass86, empty,
 * or a size that does not fit `kind`). `opt` may be NULL. */
struct block_dev *block_open(struct machine *m, const char *path, enum block_kind kind,
                             const struct block_options *opt, char *err, size_t errlen);

uint64_t block_size(const struct block_dev *b);          /* bytes */
uint32_t block_sector_size(const struct block_dev *b);   /* 512, or 2048 for CDs */
uint64_t block_sectors(const struct block_dev *b);
enum block_kind block_get_kind(const struct block_dev *b);
bool block_is_read_only(const struct block_dev *b);
const char *block_path(const struct block_dev *b);

/* Byte-addressed I/O. 0 on success; -1 on a range outside the image, a read-only image
 * or a host I/O error, which is also reported once as one line through machine_log(). */
int block_read(struct block_dev *b, uint64_t offset, void *buf, size_t len);
int block_write(struct block_dev *b, uint64_t offset, const void *buf, size_t len);
/* Make written data durable (fdatasync). 0, or -1 on a host error. */
int block_flush(struct block_dev *b);

/* Flush every image of the machine. The frontend calls this on every way out: normal
 * exit, triple fault, SIGINT/SIGTERM. Uses only fdatasync, which POSIX lists as
 * async-signal-safe, so a signal handler may call it too. Returns -1 if any flush failed. */
int block_flush_all(struct machine *m);

#endif
