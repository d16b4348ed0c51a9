/* What the VGA's source files share: the adapter's state and the helpers that cross file
 * borders. Video memory is one 16 MiB array seen two ways: the VGA's four planes are
 * interleaved (byte k of plane p at vram[4k + p], as the LFB shows them, as in QEMU), and
 * the VBE modes read it as a linear frame buffer. */
#ifndef GLASS86_VGA_INTERNAL_H
#define GLASS86_VGA_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pci.h"
#include "devices/vga.h"

struct machine;
struct state_buf;

#define VGA_PLANE_MASK 0xFFFFu           /* a standard VGA has 64 KiB per plane */
#define VGA_PAGE_SHIFT 12                /* dirty tracking granule: 4 KiB of vram */
#define VGA_PAGES (VGA_VRAM_SIZE >> VGA_PAGE_SHIFT)

/* Bochs DISPI (vbe.h in Bochs, QEMU's include/hw/display/bochs-vbe.h). */
#define VBE_DISPI_INDEX_ID 0x0
#define VBE_DISPI_INDEX_XRES 0x1
#define VBE_DISPI_INDEX_YRES 0x2
#define VBE_DISPI_INDEX_BPP 0x3
#define VBE_DISPI_INDEX_ENABLE 0x4
#define VBE_DISPI_INDEX_BANK 0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH 0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT 0x7
#define VBE_DISPI_INDEX_X_OFFSET 0x8
#define VBE_DISPI_INDEX_Y_OFFSET 0x9
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xA
#define VBE_DISPI_INDEX_NB 0xA           /* registers with storage */

#define VBE_DISPI_ID0 0xB0C0
#define VBE_DISPI_ID5 0xB0C5
#define VBE_DISPI_DISABLED 0x00
#define VBE_DISPI_ENABLED 0x01
#define VBE_DISPI_GETCAPS 0x02
#define VBE_DISPI_8BIT_DAC 0x20
#define VBE_DISPI_LFB_ENABLED 0x40
#define VBE_DISPI_NOCLEARMEM 0x80
#define VBE_DISPI_MAX_XRES 2560          /* Bochs' limits; 2560x1600x32 is the 16 MiB */
#define VBE_DISPI_MAX_YRES 1600
#define VBE_DISPI_MAX_BPP 32
#define VBE_DISPI_IOPORT_INDEX 0x01CE

/* Largest picture vga_render() draws: VBE's maximum, or 256 character clocks of 9 dots
 * by 2048 scanlines (the CRTC's registers cannot ask for more). */
#define VGA_MAX_WIDTH 2560
#define VGA_MAX_HEIGHT 2048

struct vga_screen {
    uint32_t *fb;            /* the XRGB8888 frame returned by vga_render() */
    unsigned width, height;
    unsigned aspect_num, aspect_den;
    bool full;               /* redraw every line: registers, palette or mode changed */
    bool font_dirty;         /* plane 2 (the text font) was written */
    uint64_t dirty[VGA_PAGES / 64]; /* 4 KiB vram pages written through the A0000 window */
    uint64_t *line_hash;     /* VBE: a hash of each scanline's bytes at the last render */
    unsigned line_hash_count;
    unsigned cursor_phase, blink_phase; /* text blink state of the last frame */
    uint32_t *line;          /* one scanline being drawn, compared before it is stored */
    uint8_t *index;          /* one scanline of colour indexes before panning and palettes */
};

struct vga {
    struct machine *m;
    struct pci_function fn;
    struct pci_bus *bus;     /* NULL: an ISA card with the LFB at VGA_LFB_ISA_BASE */
    uint8_t *vram;
    uint8_t *rom;            /* the VGA BIOS behind the PCI expansion ROM BAR, padded with */
    uint32_t rom_size;       /* zeros to the BAR's power-of-two size (pci.c maps it all) */

    /* General registers. */
    uint8_t misc;            /* miscellaneous output: 3C2 write, 3CC read */
    uint8_t feature;         /* feature control: 3BA/3DA write, 3CA read */
    uint8_t vse;             /* video subsystem enable, 3C3 */
    /* Sequencer, CRT controller, graphics controller, attribute controller. */
    uint8_t sr_index, sr[8];
    uint8_t cr_index, cr[0x19];
    uint8_t gr_index, gr[9];
    uint8_t ar_index;        /* bit 5: palette address source (0 blanks the screen) */
    bool ar_data_next;       /* the 3C0 flip-flop: the next write is data */
    uint8_t ar[0x15];
    /* The DAC (an INMOS G171 / IBM RAMDAC). */
    uint8_t dac_mask;
    uint8_t dac_read_index, dac_write_index, dac_sub;
    bool dac_reading;        /* 3C7 reads 3 after a read index was set, 0 after a write index */
    uint8_t dac_latch[3];
    uint8_t dac[256 * 3];    /* as written: 6 significant bits unless VBE's 8-bit DAC is on */
    uint8_t latch[4];        /* the graphics controller's four plane latches */

    /* Bochs VBE. */
    uint16_t vbe_index;
    uint16_t vbe[VBE_DISPI_INDEX_NB];
    uint32_t vbe_line_bytes; /* derived by vbe_fixup() */
    uint32_t vbe_start;      /* first displayed byte */

    struct vga_screen scr;
};

/* vga_regs.c: the VGA's ports 0x3B0-0x3DF; mode 3's register values. */
uint32_t vga_port_read(void *opaque, uint16_t port, unsigned size);
void vga_port_write(void *opaque, uint16_t port, uint32_t value, unsigned size);
void vga_regs_reset(struct vga *v);

/* vga_mem.c: the A0000-BFFFF window. */
uint32_t vga_window_read(void *opaque, uint32_t offset, unsigned size);
void vga_window_write(void *opaque, uint32_t offset, uint32_t value, unsigned size);

/* vga_crtc.c: what the CRT controller's registers say. */
unsigned vga_hdisp(const struct vga *v);      /* character clocks per displayed line */
unsigned vga_vdisp(const struct vga *v);      /* displayed scanlines */
unsigned vga_line_compare(const struct vga *v);
uint32_t vga_start_address(const struct vga *v);
/* The plane offset the CRTC fetches for memory address counter `ma` on row scan `rs`:
 * byte/word/doubleword addressing and the CGA/Hercules row-scan substitutions. */
uint32_t vga_scan_address(const struct vga *v, uint32_t ma, unsigned rowscan);
/* Frame and line periods in virtual ns, and input status 1 at `now`. */
uint64_t vga_line_ns(const struct vga *v);
uint64_t vga_frame_period(const struct vga *v);
uint8_t vga_input_status1(const struct vga *v, uint64_t now);

/* vga_state.c: the device's saved state. */
void vga_save(void *dev, struct state_buf *out);
bool vga_load(void *dev, struct state_buf *in, uint32_t version);

/* vbe.c: the DISPI registers. */
bool vbe_enabled(const struct vga *v);
unsigned vbe_bpp(const struct vga *v);
uint32_t vbe_port_read(void *opaque, uint16_t port, unsigned size);
void vbe_port_write(void *opaque, uint16_t port, uint32_t value, unsigned size);
void vbe_reset(struct vga *v);
void vbe_fixup(struct vga *v);

/* vga_render.c and friends. */
void vga_mark_all(struct vga *v);             /* the whole picture must be drawn again */
uint32_t vga_dac_rgb(const struct vga *v, unsigned index);
/* The 16 text/planar colours: attribute controller palette, then the DAC. */
void vga_attr_palette(const struct vga *v, uint32_t rgb[16]);
bool vga_page_dirty(const struct vga *v, uint32_t plane_offset);
/* A frame buffer of the new size (true when it changed), and storing one drawn line
 * (true when its pixels differ from the frame's). */
bool vga_screen_resize(struct vga *v, unsigned width, unsigned height, unsigned an, unsigned ad);
bool vga_store_line(struct vga *v, unsigned y, const uint32_t *line);
/* vga_text.c: one scanline of an alphanumeric mode as colour indexes (0-15). */
void vga_text_line(const struct vga *v, uint8_t *out, uint32_t row_ma, unsigned rowscan,
                   unsigned clocks, unsigned char_width, bool cursor_on, bool blink_on);
/* vbe_render.c: draw a VBE mode; true when any pixel changed. */
bool vbe_render(struct vga *v);

static inline uint8_t vga_plane(const struct vga *v, uint32_t offset, unsigned plane)
{
    return v->vram[((offset & VGA_PLANE_MASK) << 2) | plane];
}

/* Eight 16-colour pixels from one byte of each plane: plane p gives bit p. */
static inline void vga_planar_pixels(const uint8_t b[4], uint8_t *out)
{
    for (unsigned i = 0; i < 8; i++) {
        unsigned sh = 7 - i;
        out[i] = (uint8_t)(((b[0] >> sh) & 1) | (((b[1] >> sh) & 1) << 1) |
                           (((b[2] >> sh) & 1) << 2) | (((b[3] >> sh) & 1) << 3));
    }
}

#endif
