/* The VGA's saved state, version 1: every register, the DAC, the latches, the VBE
 * registers, the PCI configuration space and the 16 MiB of video memory, zlib-compressed
 * (a text screen compresses to a few KiB). Indexes are masked on load so a damaged
 * snapshot cannot point outside the register files. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "devices/vga_internal.h"
#include "machine/machine.h"

void vga_save(void *dev, struct state_buf *out)
{
    struct vga *v = dev;
    state_put_u8(out, v->misc);
    state_put_u8(out, v->feature);
    state_put_u8(out, v->vse);
    state_put_u8(out, v->sr_index);
    state_put(out, v->sr, sizeof v->sr);
    state_put_u8(out, v->cr_index);
    state_put(out, v->cr, sizeof v->cr);
    state_put_u8(out, v->gr_index);
    state_put(out, v->gr, sizeof v->gr);
    state_put_u8(out, v->ar_index);
    state_put_u8(out, v->ar_data_next);
    state_put(out, v->ar, sizeof v->ar);
    state_put_u8(out, v->dac_mask);
    state_put_u8(out, v->dac_read_index);
    state_put_u8(out, v->dac_write_index);
    state_put_u8(out, v->dac_sub);
    state_put_u8(out, v->dac_reading);
    state_put(out, v->dac_latch, sizeof v->dac_latch);
    state_put(out, v->dac, sizeof v->dac);
    state_put(out, v->latch, sizeof v->latch);
    state_put_u16(out, v->vbe_index);
    for (unsigned k = 0; k < VBE_DISPI_INDEX_NB; k++)
        state_put_u16(out, v->vbe[k]);
    state_put(out, v->fn.config, sizeof v->fn.config);

    uLongf clen = compressBound(VGA_VRAM_SIZE);
    uint8_t *z = malloc(clen);
    if (!z || compress2(z, &clen, v->vram, VGA_VRAM_SIZE, Z_BEST_SPEED) != Z_OK) {
        free(z);
        out->error = true;
        return;
    }
    state_put_u32(out, (uint32_t)clen);
    state_put(out, z, clen);
    free(z);
}

bool vga_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct vga *v = dev;
    if (version != 1)
        return false;
    v->misc = state_get_u8(in);
    v->feature = state_get_u8(in);
    v->vse = state_get_u8(in);
    v->sr_index = state_get_u8(in) & 7;
    state_get(in, v->sr, sizeof v->sr);
    v->cr_index = state_get_u8(in);
    state_get(in, v->cr, sizeof v->cr);
    v->gr_index = state_get_u8(in) & 0x0F;
    state_get(in, v->gr, sizeof v->gr);
    v->ar_index = state_get_u8(in) & 0x3F;
    v->ar_data_next = state_get_u8(in) != 0;
    state_get(in, v->ar, sizeof v->ar);
    v->dac_mask = state_get_u8(in);
    v->dac_read_index = state_get_u8(in);
    v->dac_write_index = state_get_u8(in);
    v->dac_sub = state_get_u8(in) % 3;
    v->dac_reading = state_get_u8(in) != 0;
    state_get(in, v->dac_latch, sizeof v->dac_latch);
    state_get(in, v->dac, sizeof v->dac);
    state_get(in, v->latch, sizeof v->latch);
    v->vbe_index = state_get_u16(in);
    for (unsigned k = 0; k < VBE_DISPI_INDEX_NB; k++)
        v->vbe[k] = state_get_u16(in);
    v->vbe[VBE_DISPI_INDEX_BANK] &= (VGA_VRAM_SIZE >> 16) - 1;
    uint8_t config[256];
    state_get(in, config, sizeof config);
    uint32_t clen = state_get_u32(in);
    if (in->error || clen > in->len - in->pos)
        return false;
    uLongf vlen = VGA_VRAM_SIZE;
    if (uncompress(v->vram, &vlen, in->data + in->pos, clen) != Z_OK || vlen != VGA_VRAM_SIZE)
        return false;
    in->pos += clen;
    vbe_fixup(v);
    if (v->bus) {
        memcpy(v->fn.config, config, sizeof config);
        pci_update_mappings(v->bus, &v->fn);
    }
    vga_mark_all(v);
    return true;
}
