/* Writing the VGA's raw state to a file (layout in vga_dump.h). Nothing the guest can see
 * changes, so a dump can be taken at any instruction boundary. */
#include "devices/vga_dump.h"

#include <errno.h>
#include <stdio.h>

#include "devices/vga_internal.h"
#include "machine/machine.h"

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned k = 0; k < bytes; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

int vga_dump_write(struct vga *v, const char *path)
{
    uint8_t head[8 + 16 + 1 + 8 + 0x19 + 9 + 0x15 + 1 + 1 + 768 + 20 + 4];
    uint8_t *p = head;
    for (unsigned k = 0; k < 8; k++)
        *p++ = (uint8_t)VGA_DUMP_MAGIC[k];
    put_le(p, sched_now(v->m), 8);
    put_le(p + 8, vga_frame_period(v), 8);
    p += 16;
    *p++ = v->misc;
    for (unsigned k = 0; k < 8; k++)
        *p++ = v->sr[k];
    for (unsigned k = 0; k < 0x19; k++)
        *p++ = v->cr[k];
    for (unsigned k = 0; k < 9; k++)
        *p++ = v->gr[k];
    for (unsigned k = 0; k < 0x15; k++)
        *p++ = v->ar[k];
    *p++ = v->ar_index;
    *p++ = v->dac_mask;
    for (unsigned k = 0; k < 768; k++)
        *p++ = v->dac[k];
    for (unsigned k = 0; k < 10; k++, p += 2)
        put_le(p, v->vbe[k], 2);
    /* The planes, and as far as a VBE picture reaches (vbe_fixup() keeps it inside). */
    uint64_t len = 4u << 16;
    if (vbe_enabled(v)) {
        vbe_fixup(v);
        uint64_t end = (uint64_t)v->vbe_start +
                       (uint64_t)v->vbe_line_bytes * v->vbe[VBE_DISPI_INDEX_YRES];
        if (end > len)
            len = end > VGA_VRAM_SIZE ? VGA_VRAM_SIZE : end;
    }
    put_le(p, len, 4);
    p += 4;

    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int bad = fwrite(head, 1, sizeof head, f) != sizeof head ||
              fwrite(v->vram, 1, (size_t)len, f) != (size_t)len;
    int saved = errno;
    if (fclose(f) != 0)
        bad = 1;
    if (bad) {
        errno = saved ? saved : EIO;
        remove(path);
        return -1;
    }
    return 0;
}
