/* The VGA's alphanumeric modes: characters in plane 0, attributes in plane 1 and the
 * guest's loadable fonts in plane 2 (32 bytes per glyph, eight fonts chosen by the
 * sequencer's character map select), 8- or 9-dot cells with the line-graphics 9th column,
 * blinking, the underline and the cursor's start/end scanlines (FreeVGA: "VGA Text Mode
 * Operation", "Sequencer Registers" SR3, attribute mode control AR10). Also the console
 * as cells, for the boot tests that read the screen. */
#include "devices/vga_internal.h"

/* Plane 2 offset of font `n` (0-7): fonts 0-3 every 16 KiB, 4-7 in between. */
static uint32_t font_base(unsigned n)
{
    return (((n & 3) << 1) | (n >> 2)) * 0x2000u;
}

void vga_text_line(const struct vga *v, uint8_t *out, uint32_t row_ma, unsigned rowscan,
                   unsigned clocks, unsigned char_width, bool cursor_on, bool blink_on)
{
    uint8_t sr3 = v->sr[3];
    uint32_t font_a = font_base(((sr3 >> 2) & 3) | ((sr3 >> 3) & 4)); /* attribute bit 3 = 1 */
    uint32_t font_b = font_base((sr3 & 3) | ((sr3 >> 2) & 4));        /* attribute bit 3 = 0 */
    bool blink_enabled = (v->ar[0x10] & 0x08) != 0;
    bool line_graphics = (v->ar[0x10] & 0x04) != 0;
    uint32_t cursor = ((uint32_t)v->cr[0x0E] << 8) | v->cr[0x0F];
    unsigned cs = v->cr[0x0A] & 0x1F, ce = v->cr[0x0B] & 0x1F;
    bool cursor_line = cursor_on && !(v->cr[0x0A] & 0x20) && cs <= ce && rowscan >= cs &&
                       rowscan <= ce;
    bool underline_line = rowscan == (v->cr[0x14] & 0x1Fu);

    for (unsigned c = 0; c < clocks; c++, out += char_width) {
        uint32_t ma = row_ma + c;
        uint32_t a = vga_scan_address(v, ma, rowscan);
        uint8_t ch = vga_plane(v, a, 0), attr = vga_plane(v, a, 1);
        uint8_t fg = attr & 0x0F, bg = attr >> 4;
        uint32_t font = (attr & 0x08) ? font_a : font_b;
        uint8_t bits = rowscan < 32 ? vga_plane(v, font + ch * 32u + rowscan, 2) : 0;
        if (blink_enabled) {
            bg &= 7; /* attribute bit 7 blinks instead of brightening the background */
            if ((attr & 0x80) && !blink_on)
                bits = 0;
        }
        if (underline_line && (attr & 0x77) == 0x01)
            bits = 0xFF;
        bool cursor_here = cursor_line && (ma & 0xFFFF) == cursor;
        if (cursor_here)
            bits = 0xFF;
        for (unsigned i = 0; i < 8; i++)
            out[i] = (bits >> (7 - i)) & 1 ? fg : bg;
        if (char_width == 9) {
            /* The 9th column repeats the 8th for the box-drawing characters C0-DF; the
             * cursor covers the whole cell (QEMU's and VirtualBox's VGA draw it so too). */
            bool repeat = (line_graphics && ch >= 0xC0 && ch <= 0xDF) || cursor_here;
            out[8] = repeat ? out[7] : bg;
        }
    }
}

bool vga_text_mode(struct vga *v, unsigned *cols, unsigned *rows)
{
    if (vbe_enabled(v) || (v->gr[6] & 1))
        return false;
    unsigned height = ((v->cr[0x09] & 0x1Fu) + 1) * ((v->cr[0x09] & 0x80) ? 2u : 1u);
    unsigned r = vga_vdisp(v) / height;
    if (cols)
        *cols = vga_hdisp(v);
    if (rows)
        *rows = r ? r : 1;
    return true;
}

unsigned vga_text_row_ascii(const uint16_t *cells, unsigned cols, unsigned row, char unprintable,
                            char *line)
{
    unsigned n = 0;
    for (unsigned c = 0; c < cols; c++) {
        uint8_t ch = (uint8_t)cells[row * cols + c];
        line[n++] = ch == 0 ? ' ' : ch >= 32 && ch < 127 ? (char)ch : unprintable;
    }
    while (n && line[n - 1] == ' ')
        n--;
    return n;
}

void vga_text_snapshot(struct vga *v, uint16_t *cells)
{
    unsigned cols, rows;
    if (!vga_text_mode(v, &cols, &rows))
        return;
    uint32_t row_ma = vga_start_address(v);
    for (unsigned r = 0; r < rows; r++, row_ma += 2u * v->cr[0x13]) {
        for (unsigned c = 0; c < cols; c++) {
            uint32_t a = vga_scan_address(v, row_ma + c, 0);
            cells[r * cols + c] = (uint16_t)(vga_plane(v, a, 0) | vga_plane(v, a, 1) << 8);
        }
    }
}

bool vga_text_cursor(struct vga *v, unsigned *col, unsigned *row)
{
    unsigned cols, rows;
    if (!vga_text_mode(v, &cols, &rows))
        return false;
    unsigned cs = v->cr[0x0A] & 0x1F, ce = v->cr[0x0B] & 0x1F;
    if ((v->cr[0x0A] & 0x20) || cs > ce)
        return false;
    uint32_t cursor = ((uint32_t)v->cr[0x0E] << 8) | v->cr[0x0F];
    uint32_t pitch = 2u * v->cr[0x13];
    uint32_t rel = (cursor - vga_start_address(v)) & 0xFFFF;
    if (pitch == 0 || rel / pitch >= rows || rel % pitch >= cols)
        return false;
    *col = rel % pitch;
    *row = rel / pitch;
    return true;
}
