/* The window test's independent side: reading a PNG screenshot (zlib only), reading the
 * VGA dump glass86 wrote at the same instruction (devices/vga_dump.h), and drawing the
 * picture that dump describes by this file's own reading of the IBM VGA reference
 * (FreeVGA: "CRT Controller Registers", "Attribute Controller", "DAC Operation") and of
 * Bochs' DISPI interface, without any of glass86's rendering code. */
#ifndef GLASS86_TESTS_SHOT_H
#define GLASS86_TESTS_SHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vga_dump {
    uint64_t now_ns, frame_ns;
    uint8_t misc, sr[8], cr[0x19], gr[9], ar[0x15], ar_index, dac_mask, dac[768];
    uint16_t dispi[10];
    uint8_t *vram;
    uint32_t vram_len;
};

struct picture {
    unsigned w, h;
    uint32_t *px; /* 0x00RRGGBB, rows of w */
};

/* 0, or -1 with a one-line reason in err. */
int shot_read_dump(const char *path, struct vga_dump *d, char *err, size_t errlen);
void shot_free_dump(struct vga_dump *d);
int shot_read_png(const char *path, struct picture *p, char *err, size_t errlen);

/* Every scanline the CRTC sends (before any doubled lines are merged); `mode` names what
 * was drawn ("text", "planar16", "256", "vbe32"...). 0, or -1 with the reason (a feature
 * this model does not draw is said so, never guessed). */
int shot_render(const struct vga_dump *d, struct picture *p, const char **mode, char *err,
                size_t errlen);

/* Compare a screenshot with the full-scanline picture: the screenshot may show each run of
 * `scale` identical scanlines once (glass86 draws doubled lines once), and only then.
 * Prints up to 10 differing pixels on stderr; returns how many differ, or -1 with the
 * reason when the sizes cannot match. */
long shot_compare(const struct picture *expected, const struct picture *shot, char *err,
                  size_t errlen);

#endif
