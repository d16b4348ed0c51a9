/* What the VGA tests share: a PC-layout P6 machine with a PCI bus and the VGA on it (its
 * LFB mapped at VR_LFB), no CPU running; port and memory access as a guest makes them,
 * the standard register sets of a few BIOS modes, a made-up test font, and virtual time
 * moved by hand. */
#ifndef GLASS86_VGA_RIG_H
#define GLASS86_VGA_RIG_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "devices/vga.h"
#include "machine/machine.h"

#define VR_LFB 0xE0000000u

struct vga_rig {
    struct machine *m;
    struct vga *v;
};

/* The machine and the VGA (with `rom` behind its ROM BAR, may be NULL), BAR0 at VR_LFB
 * and memory decoding on. */
void vr_create(struct vga_rig *r, const uint8_t *rom, size_t rom_size);
void vr_destroy(struct vga_rig *r);

uint8_t vr_in(struct vga_rig *r, uint16_t port);
void vr_out(struct vga_rig *r, uint16_t port, uint8_t value);
uint16_t vr_inw(struct vga_rig *r, uint16_t port);
void vr_outw(struct vga_rig *r, uint16_t port, uint16_t value);
void vr_seq(struct vga_rig *r, uint8_t index, uint8_t value);
void vr_gfx(struct vga_rig *r, uint8_t index, uint8_t value);
void vr_crtc(struct vga_rig *r, uint8_t index, uint8_t value);
void vr_attr(struct vga_rig *r, uint8_t index, uint8_t value);
void vr_dac(struct vga_rig *r, uint8_t index, uint8_t red, uint8_t green, uint8_t blue);
void vr_dispi(struct vga_rig *r, uint16_t index, uint16_t value);
uint16_t vr_dispi_read(struct vga_rig *r, uint16_t index);

/* The A0000-BFFFF window and the LFB. */
uint8_t vr_rd(struct vga_rig *r, uint32_t addr);
void vr_wr(struct vga_rig *r, uint32_t addr, uint8_t value);
/* Byte `offset` of plane `plane`, read and written behind the graphics controller. */
uint8_t vr_plane(struct vga_rig *r, uint32_t offset, unsigned plane);
void vr_set_plane(struct vga_rig *r, uint32_t offset, unsigned plane, uint8_t value);

enum vr_mode { VR_MODE3, VR_MODE4, VR_MODE12, VR_MODE13, VR_MODEX };
/* Program the registers as the BIOS does for the mode (mode X: 13h unchained, 200 lines). */
void vr_set_mode(struct vga_rig *r, enum vr_mode mode);

/* The test font: row `row` of glyph `ch`, a pattern that differs for every glyph and row. */
uint8_t vr_glyph_row(unsigned ch, unsigned row);
/* Load the 256 glyphs of the test font (16 rows) into font 0 of plane 2 as a VGA BIOS
 * does: sequential planar access to plane 2 through A0000, then back to text addressing. */
void vr_load_font(struct vga_rig *r);

/* The EGA's colour `index` (0-63) as mode 3's DAC holds it, in XRGB. */
uint32_t vr_ega_rgb(unsigned index);

/* Move virtual time forward by `ns`. */
void vr_advance(struct vga_rig *r, uint64_t ns);

/* Render and fail the test unless the picture has the expected size. */
const uint32_t *vr_render(struct vga_rig *r, unsigned width, unsigned height, bool *changed);

void vr_filter_from_env(void);

#endif
