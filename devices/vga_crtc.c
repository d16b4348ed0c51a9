/* The CRT controller's view of the screen: how many character clocks and scanlines are
 * shown, which plane offset each character clock fetches (FreeVGA: CR13 offset, CR14/CR17
 * byte/word/doubleword addressing, the CGA and Hercules row-scan substitutions), and where
 * the beam is at a given virtual time, for input status 1's retrace bits. The beam follows
 * the programmed totals and the dot clock, so mode 3 runs at 31.47 kHz / 70 Hz and mode 12h
 * at 60 Hz, and a program waiting for retrace sees the same thing on every run. */
#include "devices/vga_internal.h"

unsigned vga_hdisp(const struct vga *v)
{
    return v->cr[0x01] + 1u;
}

unsigned vga_vdisp(const struct vga *v)
{
    unsigned ov = v->cr[0x07];
    return (v->cr[0x12] | ((ov & 0x02u) << 7) | ((ov & 0x40u) << 3)) + 1u;
}

unsigned vga_line_compare(const struct vga *v)
{
    return v->cr[0x18] | ((v->cr[0x07] & 0x10u) << 4) | ((v->cr[0x09] & 0x40u) << 3);
}

uint32_t vga_start_address(const struct vga *v)
{
    return ((uint32_t)v->cr[0x0C] << 8) | v->cr[0x0D];
}

uint32_t vga_scan_address(const struct vga *v, uint32_t ma, unsigned rowscan)
{
    uint32_t a;
    if (v->cr[0x14] & 0x40)
        a = (ma << 2) | ((ma >> 14) & 3);                  /* doubleword: MA12/13 fill in */
    else if (!(v->cr[0x17] & 0x40))
        a = (ma << 1) | ((ma >> ((v->cr[0x17] & 0x20) ? 15 : 13)) & 1); /* word mode */
    else
        a = ma;                                            /* byte mode */
    /* CGA (CR17 bit 0) and Hercules (bit 1) graphics interleave lines through banks. */
    if (!(v->cr[0x17] & 0x01))
        a = (a & ~0x2000u) | ((rowscan & 1u) << 13);
    if (!(v->cr[0x17] & 0x02))
        a = (a & ~0x4000u) | ((rowscan & 2u) << 13);
    return a & VGA_PLANE_MASK;
}

/* Horizontal and vertical totals; a CRTC nobody programmed sensibly gets mode 3's. */
static unsigned htotal_dots(const struct vga *v)
{
    unsigned dots = (v->cr[0x00] + 5u) * ((v->sr[1] & 1) ? 8u : 9u);
    if (v->sr[1] & 0x08)
        dots *= 2; /* dot clock halved: 320- and 360-pixel modes */
    return dots < 200 ? 900 : dots;
}

static unsigned vtotal(const struct vga *v)
{
    unsigned ov = v->cr[0x07];
    unsigned t = (v->cr[0x06] | ((ov & 0x01u) << 8) | ((ov & 0x20u) << 4)) + 2u;
    return t < 100 ? 449 : t;
}

static uint64_t dot_clock_hz(const struct vga *v)
{
    /* Misc output bits 2-3: 25.175 MHz (640/320 dots) or 28.322 MHz (720/360 dots). */
    return ((v->misc >> 2) & 3) == 1 ? 28322000u : 25175000u;
}

uint64_t vga_line_ns(const struct vga *v)
{
    if (vbe_enabled(v))
        return vga_frame_period(v) / (v->vbe[VBE_DISPI_INDEX_YRES] + 45u);
    return (uint64_t)htotal_dots(v) * 1000000000u / dot_clock_hz(v);
}

uint64_t vga_frame_period(const struct vga *v)
{
    /* VBE modes have no CRTC timing of their own here: a 60 Hz monitor. */
    if (vbe_enabled(v))
        return 1000000000u / 60;
    return vga_line_ns(v) * vtotal(v);
}

uint8_t vga_input_status1(const struct vga *v, uint64_t now)
{
    uint64_t line_ns = vga_line_ns(v);
    uint64_t frame = vga_frame_period(v);
    if (line_ns == 0 || frame == 0)
        return 0x09;
    uint64_t t = now % frame;
    uint64_t line = t / line_ns;
    uint64_t in_line = t % line_ns;
    unsigned vde, hde, htot, vrs, vre;
    if (vbe_enabled(v)) {
        vde = v->vbe[VBE_DISPI_INDEX_YRES];
        vrs = vde + 3;
        vre = vrs + 3;
        hde = 4;
        htot = 5;
    } else {
        unsigned ov = v->cr[0x07];
        vde = vga_vdisp(v);
        hde = vga_hdisp(v);
        htot = v->cr[0x00] + 5u;
        vrs = v->cr[0x10] | ((ov & 0x04u) << 6) | ((ov & 0x80u) << 2);
        /* CR11 holds only the low 4 bits of the line that ends retrace. */
        unsigned len = ((v->cr[0x11] & 0x0Fu) - vrs) & 0x0Fu;
        vre = vrs + (len ? len : 16);
        if (vrs >= vtotal(v)) {
            vrs = vtotal(v) - 2;
            vre = vrs + 2;
        }
        if (hde > htot)
            hde = htot;
    }
    /* Bits 4-5 (the diagnostic pixel mux of AR12) read 0: only EGA/VGA probes look. */
    uint8_t status = 0;
    bool h_active = in_line * htot < (uint64_t)hde * line_ns;
    if (line >= vde || !h_active)
        status |= 0x01; /* display disabled: blanking, the CPU may touch memory freely */
    if (line >= vrs && line < vre)
        status |= 0x08;
    return status;
}
