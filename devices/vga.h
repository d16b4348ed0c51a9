/* The VGA adapter with the Bochs VBE extension, as the PCI function QEMU calls "stdvga"
 * (1234:1111, class 0x030000): the IBM VGA registers and planar memory at 0x3B0-0x3DF and
 * 0xA0000-0xBFFFF, the Bochs "DISPI" registers at 0x1CE/0x1CF and a 16 MiB linear frame
 * buffer in BAR0. Register behaviour follows the IBM VGA Technical Reference as described
 * by FreeVGA; the VBE interface follows Bochs' vbe.h and QEMU's hw/display/vga.c. */
#ifndef GLASS86_VGA_H
#define GLASS86_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct pci_bus;
struct vga;

#define VGA_VRAM_SIZE (16u << 20)   /* video memory: 2560x1600x32 fits */
#define VGA_PCI_DEVICE 2             /* the slot QEMU's i440FX machine gives its VGA */
#define VGA_LFB_ISA_BASE 0xE0000000u /* where the LFB sits without PCI (Bochs' default) */

/* Create the adapter: ports, the A0000-BFFFF window (the machine needs the PC layout),
 * and, with a PCI bus, the function at device 2 with the LFB in BAR0 and `vgabios` (may be
 * NULL) behind the expansion ROM BAR. Without a bus the LFB is fixed at VGA_LFB_ISA_BASE.
 * Loading the VGA BIOS at 0xC0000 is the board's job. The registers start as mode 3 (80x25
 * text) would leave them, so a ROM without a VGA BIOS can still print to B8000. NULL on
 * failure. */
struct vga *vga_create(struct machine *m, struct pci_bus *bus, const uint8_t *vgabios,
                       size_t size);

/* ---- The text console (boot tests read the screen this way) ---- */

/* True in an alphanumeric mode; then the size of the screen in character cells. */
bool vga_text_mode(struct vga *v, unsigned *cols, unsigned *rows);
/* cols*rows cells, row by row from the CRTC start address: character in the low byte,
 * attribute in the high byte. Reads video memory only; nothing changes. */
void vga_text_snapshot(struct vga *v, uint16_t *cells);
/* Row `row` of such a snapshot as ASCII in `line` (room for `cols` bytes, not terminated):
 * an empty cell (NUL) is a blank, any other character outside printable ASCII becomes
 * `unprintable`, and trailing blanks are dropped. Returns the length left. One rule for
 * every reader of the screen: the debugger, --screen-dump and the boot tests. */
unsigned vga_text_row_ascii(const uint16_t *cells, unsigned cols, unsigned row, char unprintable,
                            char *line);
/* Where the text cursor is (cell column and row from the start address); false when it is
 * switched off (CR0A bit 5, start line > end line) or off the screen. */
bool vga_text_cursor(struct vga *v, unsigned *col, unsigned *row);

/* ---- The picture (frontends, screenshots) ---- */

/* Render the current mode into an internal XRGB8888 buffer (0x00RRGGBB per pixel, rows of
 * `width` pixels) and return it; valid until the next call. Only scanlines whose video
 * memory, registers or blink state changed since the last call are drawn again; *changed
 * says whether any pixel (or the size) differs from the last frame returned. Blinking is
 * driven by virtual time, so a frame at a given instruction count is always the same.
 * Doubled scanlines are drawn once: mode 13h is 320x200, text mode 3 is 720x400. */
const uint32_t *vga_render(struct vga *v, unsigned *width, unsigned *height, bool *changed);
/* The shape the last rendered frame should have on screen, as num:den (width:height):
 * 4:3 for every VGA mode (the CRT stretched them all to the same tube), width:height
 * (square pixels) for VBE modes. */
void vga_display_aspect(struct vga *v, unsigned *num, unsigned *den);
/* The refresh period the CRTC is programmed for, in virtual ns (~14.3 ms at 70 Hz). */
uint64_t vga_frame_ns(struct vga *v);

#endif
