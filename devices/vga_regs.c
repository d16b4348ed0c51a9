/* The VGA's registers at ports 0x3B0-0x3DF: miscellaneous output, the sequencer, CRT
 * controller, graphics controller and attribute controller (index/data pairs; the
 * attribute controller's single port with its flip-flop), the DAC's 3-byte colour cycle
 * and input status. Follows FreeVGA's register descriptions of the IBM VGA. */
#include <string.h>

#include "devices/vga_internal.h"
#include "machine/machine.h"

/* Writable bits per register; everything else reads back as 0 (FreeVGA's "reserved"). */
static const uint8_t sr_mask[8] = { 0x03, 0x3D, 0x0F, 0x3F, 0x0E, 0, 0, 0 };
static const uint8_t gr_mask[9] = { 0x0F, 0x0F, 0x0F, 0x1F, 0x03, 0x7B, 0x0F, 0x0F, 0xFF };
static const uint8_t ar_mask[0x15] = {
    0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F,
    0x3F, 0xEF, 0xFF, 0x3F, 0x0F, 0x0F,
};

/* Mode 3 (80x25 colour text, 720x400 at 70 Hz), as IBM's BIOS programs it. */
static const uint8_t mode3_sr[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_cr[0x19] = {
    0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00,
    0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF,
};
static const uint8_t mode3_gr[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF };
static const uint8_t mode3_ar[0x15] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E,
    0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00,
};

void vga_regs_reset(struct vga *v)
{
    v->misc = 0x67;
    v->feature = 0;
    v->vse = 1;
    memset(v->sr, 0, sizeof v->sr);
    memcpy(v->sr, mode3_sr, sizeof mode3_sr);
    memcpy(v->cr, mode3_cr, sizeof mode3_cr);
    memcpy(v->gr, mode3_gr, sizeof mode3_gr);
    memcpy(v->ar, mode3_ar, sizeof mode3_ar);
    v->sr_index = v->cr_index = v->gr_index = 0;
    v->ar_index = 0x20;
    v->ar_data_next = false;
    v->dac_mask = 0xFF;
    v->dac_read_index = v->dac_write_index = v->dac_sub = 0;
    v->dac_reading = false;
    memset(v->latch, 0, sizeof v->latch);
    /* The EGA's 64 colours in DAC entries 0-63 (bits 0-2 are blue, green, red at 2/3
     * intensity, bits 3-5 the same at 1/3), which the mode 3 attribute palette indexes. */
    memset(v->dac, 0, sizeof v->dac);
    for (unsigned k = 0; k < 64; k++) {
        for (unsigned c = 0; c < 3; c++) {
            unsigned bit = 2 - c; /* red is bit 2, green bit 1, blue bit 0 */
            v->dac[k * 3 + c] = (uint8_t)(((k >> bit) & 1) * 0x2A + ((k >> (bit + 3)) & 1) * 0x15);
        }
    }
}

/* The monochrome (3Bx) or colour (3Dx) block answers, as miscellaneous output bit 0
 * chooses; the other one is not decoded. */
static bool port_decoded(const struct vga *v, uint16_t port)
{
    if (port >= 0x3C0 && port < 0x3D0)
        return true;
    bool colour = v->misc & 1;
    return colour ? port >= 0x3D0 : port < 0x3C0;
}

static uint8_t dac_read(struct vga *v)
{
    uint8_t value = v->dac[v->dac_read_index * 3 + v->dac_sub];
    bool wide = vbe_enabled(v) && (v->vbe[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC);
    if (++v->dac_sub == 3) {
        v->dac_sub = 0;
        v->dac_read_index++;
    }
    return wide ? value : value & 0x3F;
}

static void dac_write(struct vga *v, uint8_t value)
{
    v->dac_latch[v->dac_sub] = value;
    if (++v->dac_sub < 3)
        return;
    /* A colour takes effect when its third component arrives. */
    v->dac_sub = 0;
    uint8_t *entry = &v->dac[v->dac_write_index * 3];
    if (memcmp(entry, v->dac_latch, 3) != 0) {
        memcpy(entry, v->dac_latch, 3);
        vga_mark_all(v);
    }
    v->dac_write_index++;
}

static uint8_t attr_read(const struct vga *v, uint16_t port)
{
    if (port == 0x3C0)
        return v->ar_index;
    unsigned index = v->ar_index & 0x1F;
    return index < sizeof v->ar ? v->ar[index] : 0;
}

static void attr_write(struct vga *v, uint8_t value)
{
    if (!v->ar_data_next) {
        if ((v->ar_index ^ value) & 0x20)
            vga_mark_all(v); /* the palette address source blanks or shows the screen */
        v->ar_index = value & 0x3F;
    } else {
        unsigned index = v->ar_index & 0x1F;
        if (index < sizeof v->ar) {
            uint8_t masked = value & ar_mask[index];
            if (v->ar[index] != masked) {
                v->ar[index] = masked;
                vga_mark_all(v);
            }
        }
    }
    v->ar_data_next = !v->ar_data_next;
}

static uint8_t crtc_read(const struct vga *v)
{
    return v->cr_index < sizeof v->cr ? v->cr[v->cr_index] : 0;
}

static void crtc_write(struct vga *v, uint8_t value)
{
    unsigned index = v->cr_index;
    if (index >= sizeof v->cr)
        return;
    /* CR11 bit 7 protects CR00-CR07, all but CR07's line compare bit 8 (FreeVGA). */
    if ((v->cr[0x11] & 0x80) && index <= 7) {
        if (index != 7)
            return;
        value = (uint8_t)((v->cr[7] & ~0x10) | (value & 0x10));
    }
    if (v->cr[index] != value) {
        v->cr[index] = value;
        vga_mark_all(v);
    }
}

static void seq_write(struct vga *v, uint8_t value)
{
    unsigned index = v->sr_index & 7;
    uint8_t masked = value & sr_mask[index];
    if (v->sr[index] == masked)
        return;
    v->sr[index] = masked;
    /* The map mask (SR2) and memory mode (SR4) steer CPU accesses, not the picture. */
    if (index != 2 && index != 4)
        vga_mark_all(v);
}

static void gfx_write(struct vga *v, uint8_t value)
{
    unsigned index = v->gr_index & 0x0F;
    if (index >= sizeof v->gr)
        return;
    uint8_t masked = value & gr_mask[index];
    /* Only GR5's shift modes (bits 5-6) and GR6 (text/graphics) change the picture;
     * the rest drives the CPU's read and write paths. */
    bool shown = (index == 5 && ((v->gr[5] ^ masked) & 0x60)) || (index == 6 && v->gr[6] != masked);
    v->gr[index] = masked;
    if (shown)
        vga_mark_all(v);
}

uint32_t vga_port_read(void *opaque, uint16_t port, unsigned size)
{
    struct vga *v = opaque;
    if (!port_decoded(v, port))
        return 0xFF;
    switch (port) {
    case 0x3C0:
    case 0x3C1:
        return attr_read(v, port);
    case 0x3C2:
        return 0x00; /* input status 0: no CRT interrupt pending, no switch sense */
    case 0x3C3:
        return v->vse;
    case 0x3C4:
        return v->sr_index;
    case 0x3C5:
        return v->sr[v->sr_index & 7];
    case 0x3C6:
        return v->dac_mask;
    case 0x3C7:
        return v->dac_reading ? 0x03 : 0x00;
    case 0x3C8:
        return v->dac_write_index;
    case 0x3C9:
        return dac_read(v);
    case 0x3CA:
        return v->feature;
    case 0x3CC:
        return v->misc;
    case 0x3CE:
        return v->gr_index;
    case 0x3CF:
        return (v->gr_index & 0x0F) < sizeof v->gr ? v->gr[v->gr_index & 0x0F] : 0;
    case 0x3B4:
    case 0x3D4:
        return v->cr_index;
    case 0x3B5:
    case 0x3D5:
        return crtc_read(v);
    case 0x3BA:
    case 0x3DA:
        /* Reading input status 1 sends the attribute flip-flop back to "index". */
        v->ar_data_next = false;
        return vga_input_status1(v, sched_now(v->m));
    default:
        return 0xFF;
    }
}

void vga_port_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct vga *v = opaque;
    uint8_t b = (uint8_t)value;
    if (!port_decoded(v, port))
        return;
    switch (port) {
    case 0x3C0:
        attr_write(v, b);
        break;
    case 0x3C2:
        if (v->misc != b) {
            v->misc = b; /* clock select, sync polarity, colour/mono port block */
            vga_mark_all(v);
        }
        break;
    case 0x3C3:
        v->vse = b & 1;
        break;
    case 0x3C4:
        v->sr_index = b & 7;
        break;
    case 0x3C5:
        seq_write(v, b);
        break;
    case 0x3C6:
        if (v->dac_mask != b) {
            v->dac_mask = b;
            vga_mark_all(v);
        }
        break;
    case 0x3C7:
        v->dac_read_index = b;
        v->dac_sub = 0;
        v->dac_reading = true;
        break;
    case 0x3C8:
        v->dac_write_index = b;
        v->dac_sub = 0;
        v->dac_reading = false;
        break;
    case 0x3C9:
        dac_write(v, b);
        break;
    case 0x3CE:
        v->gr_index = b & 0x0F;
        break;
    case 0x3CF:
        gfx_write(v, b);
        break;
    case 0x3B4:
    case 0x3D4:
        v->cr_index = b;
        break;
    case 0x3B5:
    case 0x3D5:
        crtc_write(v, b);
        break;
    case 0x3BA:
    case 0x3DA:
        v->feature = b & 0x03;
        break;
    default:
        break;
    }
}
