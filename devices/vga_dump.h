/* A raw dump of the VGA's state for checking pictures outside the emulator: the registers
 * as the guest programmed them, the DAC, the Bochs DISPI registers and video memory, with
 * nothing derived or rendered, so a test can draw the expected picture by its own reading
 * of the IBM VGA reference and compare it with a screenshot (tests/frontend/shotcmp.c). */
#ifndef GLASS86_VGA_DUMP_H
#define GLASS86_VGA_DUMP_H

#include <stdint.h>

struct vga;

/* The file, all integers little-endian:
 *   8   magic "G86VGA\0\1"
 *   8   virtual time now, ns          8   the CRTC's frame period, ns
 *   1   misc output   8 SR0-7   25 CR00-18   9 GR0-8   21 AR00-14   1 AR index (3C0)
 *   1   DAC mask     768 DAC (r, g, b per entry, as written)
 *   20  DISPI registers 0-9 (16 bits each)
 *   4   length N     N  video memory from 0 (plane p byte k at 4k + p)
 * N covers the four 64 KiB planes, and the VBE picture when a VBE mode is on. */
#define VGA_DUMP_MAGIC "G86VGA\0\1"

/* 0, or -1 with errno set. */
int vga_dump_write(struct vga *v, const char *path);

#endif
