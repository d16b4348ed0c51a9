/* The VGA tests' shared rig (see vga_rig.h). */
#include "vga_rig.h"

#include <stdlib.h>

#include "devices/pci.h"
#include "mmu/physmem.h"

static void pci_write32(struct vga_rig *r, unsigned reg, uint32_t value)
{
    io_write(r->m, 0xCF8, 0x80000000u | (VGA_PCI_DEVICE << 11) | reg, 4);
    io_write(r->m, 0xCFC, value, 4);
}

void vr_create(struct vga_rig *r, const uint8_t *rom, size_t rom_size)
{
    struct machine_config cfg = { .model = CPU_P6, .ram_bytes = 32u << 20, .pc_layout = true,
                                  .quiet = true };
    char err[200] = "";
    r->m = machine_create(&cfg, err, sizeof err);
    if (!r->m)
        fail_msg("machine_create: %s", err);
    r->m->pci = pci_bus_create(r->m);
    assert_non_null(r->m->pci);
    r->v = vga_create(r->m, r->m->pci, rom, rom_size);
    assert_non_null(r->v);
    pci_write32(r, 0x10, VR_LFB);
    pci_write32(r, 0x04, 0x0003);
}

void vr_destroy(struct vga_rig *r)
{
    machine_destroy(r->m);
    r->m = NULL;
    r->v = NULL;
}

uint8_t vr_in(struct vga_rig *r, uint16_t port) { return (uint8_t)io_read(r->m, port, 1); }
void vr_out(struct vga_rig *r, uint16_t port, uint8_t value) { io_write(r->m, port, value, 1); }
uint16_t vr_inw(struct vga_rig *r, uint16_t port) { return (uint16_t)io_read(r->m, port, 2); }
void vr_outw(struct vga_rig *r, uint16_t port, uint16_t value) { io_write(r->m, port, value, 2); }

void vr_seq(struct vga_rig *r, uint8_t index, uint8_t value)
{
    vr_out(r, 0x3C4, index);
    vr_out(r, 0x3C5, value);
}

void vr_gfx(struct vga_rig *r, uint8_t index, uint8_t value)
{
    vr_out(r, 0x3CE, index);
    vr_out(r, 0x3CF, value);
}

void vr_crtc(struct vga_rig *r, uint8_t index, uint8_t value)
{
    uint16_t base = (vr_in(r, 0x3CC) & 1) ? 0x3D4 : 0x3B4;
    vr_out(r, base, index);
    vr_out(r, (uint16_t)(base + 1), value);
}

void vr_attr(struct vga_rig *r, uint8_t index, uint8_t value)
{
    (void)vr_in(r, 0x3DA);
    vr_out(r, 0x3C0, index);
    vr_out(r, 0x3C0, value);
    vr_out(r, 0x3C0, 0x20); /* palette address source back on: the screen shows */
}

void vr_dac(struct vga_rig *r, uint8_t index, uint8_t red, uint8_t green, uint8_t blue)
{
    vr_out(r, 0x3C8, index);
    vr_out(r, 0x3C9, red);
    vr_out(r, 0x3C9, green);
    vr_out(r, 0x3C9, blue);
}

void vr_dispi(struct vga_rig *r, uint16_t index, uint16_t value)
{
    vr_outw(r, 0x1CE, index);
    vr_outw(r, 0x1CF, value);
}

uint16_t vr_dispi_read(struct vga_rig *r, uint16_t index)
{
    vr_outw(r, 0x1CE, index);
    return vr_inw(r, 0x1CF);
}

uint8_t vr_rd(struct vga_rig *r, uint32_t addr) { return phys_read8(r->m, addr); }
void vr_wr(struct vga_rig *r, uint32_t addr, uint8_t value) { phys_write8(r->m, addr, value); }

uint8_t vr_plane(struct vga_rig *r, uint32_t offset, unsigned plane)
{
    return vr_rd(r, VR_LFB + offset * 4 + plane);
}

void vr_set_plane(struct vga_rig *r, uint32_t offset, unsigned plane, uint8_t value)
{
    vr_wr(r, VR_LFB + offset * 4 + plane, value);
}

struct mode_regs {
    uint8_t misc;
    uint8_t sr[4];   /* SR1-SR4 */
    uint8_t cr[25];
    uint8_t gr[9];
    uint8_t ar[21];
};

/* IBM's BIOS parameter tables (as in the LGPL vgabios' vgatables.h). */
static const struct mode_regs mode3 = {
    0x67, { 0x00, 0x03, 0x00, 0x02 },
    { 0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00,
      0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E,
      0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00 },
};
static const struct mode_regs mode4 = {
    0x63, { 0x09, 0x03, 0x00, 0x02 },
    { 0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x9C, 0x8E, 0x8F, 0x14, 0x00, 0x96, 0xB9, 0xA2, 0xFF },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0F, 0x0F, 0xFF },
    { 0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
      0x17, 0x01, 0x00, 0x03, 0x00, 0x00 },
};
static const struct mode_regs mode12 = {
    0xE3, { 0x01, 0x0F, 0x00, 0x06 },
    { 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B, 0x3E, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0xEA, 0x8C, 0xDF, 0x28, 0x00, 0xE7, 0x04, 0xE3, 0xFF },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0F, 0xFF },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E,
      0x3F, 0x01, 0x00, 0x0F, 0x00, 0x00 },
};
static const struct mode_regs mode13 = {
    0x63, { 0x01, 0x0F, 0x00, 0x0E },
    { 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E,
      0x0F, 0x41, 0x00, 0x0F, 0x00, 0x00 },
};

void vr_set_mode(struct vga_rig *r, enum vr_mode mode)
{
    const struct mode_regs *t = mode == VR_MODE3 ? &mode3 : mode == VR_MODE4 ? &mode4
                              : mode == VR_MODE12 ? &mode12 : &mode13;
    vr_seq(r, 0, 0x01); /* synchronous reset while the clocks change */
    vr_out(r, 0x3C2, t->misc);
    for (unsigned k = 0; k < 4; k++)
        vr_seq(r, (uint8_t)(k + 1), t->sr[k]);
    vr_seq(r, 0, 0x03);
    vr_crtc(r, 0x11, 0x00); /* unprotect CR0-7 */
    for (unsigned k = 0; k < 25; k++)
        vr_crtc(r, (uint8_t)k, t->cr[k]);
    for (unsigned k = 0; k < 9; k++)
        vr_gfx(r, (uint8_t)k, t->gr[k]);
    (void)vr_in(r, 0x3DA);
    for (unsigned k = 0; k < 21; k++) {
        vr_out(r, 0x3C0, (uint8_t)k);
        vr_out(r, 0x3C0, t->ar[k]);
    }
    vr_out(r, 0x3C0, 0x20);
    if (mode == VR_MODEX) {
        vr_seq(r, 4, 0x06);     /* chain-4 off */
        vr_crtc(r, 0x14, 0x00); /* doubleword addressing off */
        vr_crtc(r, 0x17, 0xE3); /* byte mode */
    }
}

uint8_t vr_glyph_row(unsigned ch, unsigned row)
{
    return (uint8_t)((ch * 37u + row * 11u + 5u) ^ (row << 4) ^ ch);
}

void vr_load_font(struct vga_rig *r)
{
    vr_seq(r, 2, 0x04);   /* plane 2 only */
    vr_seq(r, 4, 0x06);   /* sequential addressing */
    vr_gfx(r, 4, 0x02);   /* read plane 2 */
    vr_gfx(r, 5, 0x00);
    vr_gfx(r, 6, 0x04);   /* A0000, 64 KiB */
    for (unsigned ch = 0; ch < 256; ch++)
        for (unsigned row = 0; row < 32; row++)
            vr_wr(r, 0xA0000 + ch * 32 + row, row < 16 ? vr_glyph_row(ch, row) : 0);
    vr_seq(r, 2, 0x03);
    vr_seq(r, 4, 0x02);
    vr_gfx(r, 4, 0x00);
    vr_gfx(r, 5, 0x10);
    vr_gfx(r, 6, 0x0E);
}

uint32_t vr_ega_rgb(unsigned index)
{
    uint32_t rgb = 0;
    for (unsigned bit = 3; bit-- > 0;) { /* red (bit 2), green, blue (bit 0) */
        unsigned six = ((index >> bit) & 1) * 0x2A + ((index >> (bit + 3)) & 1) * 0x15;
        rgb = (rgb << 8) | (six << 2) | (six >> 4);
    }
    return rgb;
}

void vr_advance(struct vga_rig *r, uint64_t ns)
{
    uint64_t target = sched_now(r->m) + ns;
    r->m->sched.idle_insns += sched_ns_to_insns(&r->m->sched, ns);
    while (sched_now(r->m) < target)
        r->m->sched.idle_insns++;
}

const uint32_t *vr_render(struct vga_rig *r, unsigned width, unsigned height, bool *changed)
{
    unsigned w = 0, h = 0;
    bool ch = false;
    const uint32_t *fb = vga_render(r->v, &w, &h, &ch);
    assert_non_null(fb);
    assert_int_equal(w, width);
    assert_int_equal(h, height);
    if (changed)
        *changed = ch;
    return fb;
}

void vr_filter_from_env(void)
{
    const char *pattern = getenv("GLASS86_UNIT_FILTER");
    if (pattern && *pattern)
        cmocka_set_test_filter(pattern);
}
