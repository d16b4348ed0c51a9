/* Raw disk images (see block.h): opening and checking them, byte-addressed reads and
 * writes with pread/pwrite, flushing with fdatasync, and the machine-owned lifetime. The
 * size rules come from the media: 512-byte ATA sectors (ATA/ATAPI-6, T13 1410D, 6.2),
 * 2048-byte CD-ROM user-data sectors (ECMA-130 mode 1), and the five PC diskette formats. */
#include "devices/block.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/block_internal.h"
#include "devices/device.h"
#include "machine/machine.h"

struct block_dev {
    struct machine *m;
    char *path;
    enum block_kind kind;
    int fd;
    uint64_t size;
    bool read_only;
    struct block_overlay *overlay;  /* --snapshot: where writes go */
    volatile bool dirty;            /* written since the last fdatasync */
    bool error_reported;            /* report one host I/O error per image, not thousands */
};

static const uint64_t floppy_sizes[] = { 368640, 737280, 1228800, 1474560, 2949120 };

static const char *kind_name(enum block_kind k)
{
    return k == BLOCK_CD ? "CD image" : k == BLOCK_FLOPPY ? "floppy image" : "hard disk image";
}

int block_pread_full(int fd, void *buf, size_t len, uint64_t offset)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = EIO; /* the file ended early: it shrank behind our back */
            return -1;
        }
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

int block_pwrite_full(int fd, const void *buf, size_t len, uint64_t offset)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC;
            return -1;
        }
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

/* The size rules of each medium; false with a reason in err when the image breaks them. */
static bool size_fits(enum block_kind kind, const char *path, uint64_t size, char *err,
                      size_t errlen)
{
    if (size == 0) {
        snprintf(err, errlen, "%s '%s' is empty", kind_name(kind), path);
        return false;
    }
    switch (kind) {
    case BLOCK_HD:
        if (size % 512 == 0)
            return true;
        snprintf(err, errlen,
                 "hard disk image '%s' is %llu bytes, not a whole number of 512-byte sectors "
                 "(truncated, or not a raw image?)", path, (unsigned long long)size);
        return false;
    case BLOCK_CD:
        if (size % 2048 == 0)
            return true;
        snprintf(err, errlen,
                 "CD image '%s' is %llu bytes, not a whole number of 2048-byte sectors "
                 "(truncated, or not an ISO image?)", path, (unsigned long long)size);
        return false;
    case BLOCK_FLOPPY:
        for (size_t k = 0; k < sizeof floppy_sizes / sizeof floppy_sizes[0]; k++)
            if (size == floppy_sizes[k])
                return true;
        snprintf(err, errlen,
                 "floppy image '%s' is %llu bytes; a floppy image must be 360K, 720K, 1.2M, "
                 "1.44M or 2.88M (368640, 737280, 1228800, 1474560 or 2949120 bytes)", path,
                 (unsigned long long)size);
        return false;
    }
    return false;
}

static void block_destroy(void *dev);

static bool block_load(void *dev, struct state_buf *in, uint32_t version)
{
    return version == 1;
}

/* An image has no guest-visible registers: its contents are the file itself. */
static void block_save(void *dev, struct state_buf *out)
{
}

static const struct device_ops block_ops = {
    .name = "block",
    .state_version = 1,
    .save = block_save,
    .load = block_load,
    .destroy = block_destroy,
};

static int open_checked(const char *path, enum block_kind kind, bool writable, uint64_t *size,
                        char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot open %s '%s': %s", kind_name(kind), path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s '%s' is a directory", kind_name(kind), path);
        return -1;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        snprintf(err, errlen, "%s '%s' is not a regular file or a block device", kind_name(kind),
                 path);
        return -1;
    }
    int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
        if (writable && (errno == EACCES || errno == EROFS || errno == EPERM))
            snprintf(err, errlen,
                     "cannot open %s '%s' for writing: %s (--snapshot runs without changing it)",
                     kind_name(kind), path, strerror(errno));
        else
            snprintf(err, errlen, "cannot open %s '%s': %s", kind_name(kind), path,
                     strerror(errno));
        return -1;
    }
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0) {
        snprintf(err, errlen, "cannot find the size of %s '%s': %s", kind_name(kind), path,
                 strerror(errno));
        close(fd);
        return -1;
    }
    *size = (uint64_t)end;
    if (!size_fits(kind, path, *size, err, errlen)) {
        close(fd);
        return -1;
    }
    /* Two writers on one image corrupt it; readers may share (QEMU's image locking). */
    if (flock(fd, (writable ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        snprintf(err, errlen, "%s '%s' is in use: another program holds a lock on it, or it "
                 "is attached twice", kind_name(kind), path);
        close(fd);
        return -1;
    }
    return fd;
}

struct block_dev *block_open(struct machine *m, const char *path, enum block_kind kind,
                             const struct block_options *opt, char *err, size_t errlen)
{
    struct block_options none = { 0 };
    if (!opt)
        opt = &none;
    if (!path || !*path) {
        snprintf(err, errlen, "no file name given for a %s", kind_name(kind));
        return NULL;
    }
    bool read_only = opt->read_only || kind == BLOCK_CD;
    /* With --snapshot the base image is only read, so a read-only file is fine. */
    bool writable = !read_only && !opt->snapshot;
    uint64_t size;
    int fd = open_checked(path, kind, writable, &size, err, errlen);
    if (fd < 0)
        return NULL;
    struct block_dev *b = calloc(1, sizeof *b);
    char *name = strdup(path);
    if (!b || !name) {
        snprintf(err, errlen, "out of memory opening '%s'", path);
        goto fail;
    }
    *b = (struct block_dev){ .m = m, .path = name, .kind = kind, .fd = fd, .size = size,
                             .read_only = read_only };
    if (opt->snapshot && !read_only) {
        b->overlay = block_overlay_create(size, err, errlen);
        if (!b->overlay)
            goto fail;
    }
    if (machine_add_device(m, &block_ops, b) != 0) {
        snprintf(err, errlen, "cannot attach '%s': the machine's device table is full", path);
        block_overlay_destroy(b->overlay);
        goto fail;
    }
    return b;
fail:
    close(fd);
    free(name);
    free(b);
    return NULL;
}

uint64_t block_size(const struct block_dev *b) { return b->size; }
uint32_t block_sector_size(const struct block_dev *b) { return b->kind == BLOCK_CD ? 2048 : 512; }
uint64_t block_sectors(const struct block_dev *b) { return b->size / block_sector_size(b); }
enum block_kind block_get_kind(const struct block_dev *b) { return b->kind; }
bool block_is_read_only(const struct block_dev *b) { return b->read_only; }
const char *block_path(const struct block_dev *b) { return b->path; }

static void report(struct block_dev *b, const char *what, uint64_t offset, int err)
{
    if (b->error_reported)
        return;
    b->error_reported = true;
    machine_log(b->m, "disk image '%s': %s error at byte %llu: %s (the guest sees a failed "
                "command; further errors on this image are not reported)", b->path, what,
                (unsigned long long)offset, strerror(err));
}

static bool in_range(const struct block_dev *b, uint64_t offset, size_t len)
{
    return offset <= b->size && len <= b->size - offset;
}

int block_read(struct block_dev *b, uint64_t offset, void *buf, size_t len)
{
    if (!in_range(b, offset, len))
        return -1;
    int r = b->overlay ? block_overlay_read(b->overlay, b->fd, offset, buf, len)
                       : block_pread_full(b->fd, buf, len, offset);
    if (r != 0)
        report(b, "read", offset, errno);
    return r;
}

int block_write(struct block_dev *b, uint64_t offset, const void *buf, size_t len)
{
    if (b->read_only || !in_range(b, offset, len))
        return -1;
    int r;
    if (b->overlay) {
        r = block_overlay_write(b->overlay, b->fd, offset, buf, len);
    } else {
        r = block_pwrite_full(b->fd, buf, len, offset);
        b->dirty = true;
    }
    if (r != 0)
        report(b, "write", offset, errno);
    return r;
}

/* fdatasync when there is something to make durable; no logging, so it is
 * async-signal-safe. EINVAL/ENOTSUP: the file cannot be synced (some special files),
 * which is not a lost write. */
static int sync_image(struct block_dev *b)
{
    if (!b->dirty)
        return 0;
    int r;
    do
        r = fdatasync(b->fd);
    while (r != 0 && errno == EINTR);
    if (r != 0 && errno != EINVAL && errno != ENOTSUP)
        return -1;
    b->dirty = false;
    return 0;
}

int block_flush(struct block_dev *b)
{
    if (sync_image(b) != 0) {
        report(b, "flush", 0, errno);
        return -1;
    }
    return 0;
}

int block_flush_all(struct machine *m)
{
    int r = 0;
    for (int k = 0; k < m->device_count; k++)
        if (m->devices[k].ops == &block_ops && sync_image(m->devices[k].dev) != 0)
            r = -1;
    return r;
}

static void block_destroy(void *dev)
{
    struct block_dev *b = dev;
    block_flush(b);
    block_overlay_destroy(b->overlay);
    close(b->fd);
    free(b->path);
    free(b);
}
