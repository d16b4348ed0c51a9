/* The copy-on-write overlay behind --snapshot (see block_internal.h): the idea of QEMU's
 * "-snapshot" temporary qcow2 layer, reduced to a sparse temporary file and a bitmap of
 * 4 KiB clusters. The temporary file is unlinked at once, so it vanishes however glass86
 * ends, and the host's disk, not its RAM, holds whatever the guest writes. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/block_internal.h"

#define CLUSTER 4096u

struct block_overlay {
    int fd;
    uint64_t size;       /* of the image, in bytes */
    uint8_t *written;    /* one bit per cluster: the overlay holds it */
};

static bool has(const struct block_overlay *o, uint64_t cluster)
{
    return (o->written[cluster >> 3] >> (cluster & 7)) & 1;
}

struct block_overlay *block_overlay_create(uint64_t size, char *err, size_t errlen)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/glass86-snapshot-XXXXXX", dir) >= sizeof path) {
        snprintf(err, errlen, "cannot create the --snapshot overlay: TMPDIR is too long");
        return NULL;
    }
    struct block_overlay *o = calloc(1, sizeof *o);
    uint64_t clusters = (size + CLUSTER - 1) / CLUSTER;
    if (o)
        o->written = calloc((size_t)(clusters / 8 + 1), 1);
    if (!o || !o->written) {
        snprintf(err, errlen, "out of memory for the --snapshot overlay");
        if (o)
            free(o);
        return NULL;
    }
    o->size = size;
    o->fd = mkstemp(path);
    if (o->fd < 0) {
        snprintf(err, errlen, "cannot create the --snapshot overlay in %s: %s", dir,
                 strerror(errno));
        free(o->written);
        free(o);
        return NULL;
    }
    unlink(path); /* nameless from now on: the host frees it when the fd closes */
    return o;
}

void block_overlay_destroy(struct block_overlay *o)
{
    if (!o)
        return;
    close(o->fd);
    free(o->written);
    free(o);
}

/* Walk [offset, offset+len) cluster by cluster; runs from the same source are merged so a
 * large read of untouched clusters is one pread of the base image. */
int block_overlay_read(struct block_overlay *o, int base_fd, uint64_t offset, void *buf,
                       size_t len)
{
    uint8_t *dst = buf;
    while (len) {
        uint64_t c = offset / CLUSTER;
        bool mine = has(o, c);
        size_t run = 0;
        uint64_t at = offset;
        while (run < len && has(o, at / CLUSTER) == mine) {
            size_t piece = CLUSTER - (size_t)(at % CLUSTER);
            if (piece > len - run)
                piece = len - run;
            run += piece;
            at += piece;
        }
        if (block_pread_full(mine ? o->fd : base_fd, dst, run, offset) != 0)
            return -1;
        dst += run;
        offset += run;
        len -= run;
    }
    return 0;
}

int block_overlay_write(struct block_overlay *o, int base_fd, uint64_t offset, const void *buf,
                        size_t len)
{
    const uint8_t *src = buf;
    uint8_t cluster[CLUSTER];
    while (len) {
        uint64_t c = offset / CLUSTER;
        size_t in = (size_t)(offset % CLUSTER);
        size_t piece = CLUSTER - in;
        if (piece > len)
            piece = len;
        if (!has(o, c) && piece != CLUSTER) {
            /* First write to this cluster, and only part of it: copy the rest up from the
             * base image so later reads of the cluster see both. The last cluster may
             * be short when the image size is not a multiple of 4 KiB. */
            uint64_t start = c * CLUSTER;
            size_t have = o->size - start < CLUSTER ? (size_t)(o->size - start) : CLUSTER;
            memset(cluster, 0, sizeof cluster);
            if (block_pread_full(base_fd, cluster, have, start) != 0)
                return -1;
            memcpy(cluster + in, src, piece);
            if (block_pwrite_full(o->fd, cluster, have, start) != 0)
                return -1;
        } else if (block_pwrite_full(o->fd, src, piece, offset) != 0) {
            return -1;
        }
        o->written[c >> 3] |= (uint8_t)(1u << (c & 7));
        src += piece;
        offset += piece;
        len -= piece;
    }
    return 0;
}
