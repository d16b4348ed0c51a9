/* shotcmp: does a screenshot show what video memory held when it was taken?
 *   shotcmp [--expect-mode MODE] [--corrupt X,Y] DUMP.vga SHOT.png
 * draws the picture DUMP describes (shot_render.c) and compares every pixel of SHOT with
 * it. --corrupt changes one pixel of the screenshot first, to show that a wrong pixel is
 * caught. Exit status: 0 all pixels match, 1 some differ, 2 the files or the mode are not
 * what they should be. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/frontend/shot.h"

int main(int argc, char **argv)
{
    const char *want_mode = NULL;
    long cx = -1, cy = -1;
    int i = 1;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--expect-mode") == 0) {
            want_mode = argv[i + 1];
        } else if (strcmp(argv[i], "--corrupt") == 0) {
            if (sscanf(argv[i + 1], "%ld,%ld", &cx, &cy) != 2 || cx < 0 || cy < 0) {
                fprintf(stderr, "shotcmp: --corrupt wants X,Y\n");
                return 2;
            }
        } else {
            break;
        }
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: shotcmp [--expect-mode MODE] [--corrupt X,Y] DUMP.vga SHOT.png\n");
        return 2;
    }
    char err[256];
    struct vga_dump d;
    struct picture expected, shot;
    const char *mode = "?";
    if (shot_read_dump(argv[i], &d, err, sizeof err) != 0) {
        fprintf(stderr, "shotcmp: %s\n", err);
        return 2;
    }
    if (shot_read_png(argv[i + 1], &shot, err, sizeof err) != 0) {
        fprintf(stderr, "shotcmp: %s\n", err);
        shot_free_dump(&d);
        return 2;
    }
    if (shot_render(&d, &expected, &mode, err, sizeof err) != 0) {
        fprintf(stderr, "shotcmp: %s: %s\n", argv[i], err);
        free(shot.px);
        shot_free_dump(&d);
        return 2;
    }
    int status = 0;
    if (want_mode && strcmp(mode, want_mode) != 0) {
        fprintf(stderr, "shotcmp: %s: the VGA is in mode '%s', expected '%s'\n", argv[i], mode,
                want_mode);
        status = 2;
    } else {
        if (cx >= 0 && (unsigned long)cx < shot.w && (unsigned long)cy < shot.h)
            shot.px[(size_t)cy * shot.w + (size_t)cx] ^= 0x000001; /* one bit of blue */
        long bad = shot_compare(&expected, &shot, err, sizeof err);
        if (bad < 0) {
            fprintf(stderr, "shotcmp: %s\n", err);
            status = 2;
        } else if (bad > 0) {
            fprintf(stderr, "shotcmp: %s: %ld of %u pixels differ from %s (%s)\n", argv[i + 1],
                    bad, shot.w * shot.h, argv[i], mode);
            status = 1;
        } else {
            printf("shotcmp: %s: %s %ux%u (%u scanlines sent), all %u pixels match %s\n",
                   argv[i + 1], mode, shot.w, shot.h, expected.h, shot.w * shot.h, argv[i]);
            if (strcmp(mode, "text") == 0 && d.frame_ns) {
                unsigned long long f = (unsigned long long)(d.now_ns / d.frame_ns);
                printf("shotcmp: frame %llu: cursor %s, blinking characters %s\n", f,
                       f % 16 < 8 ? "on" : "off", f % 32 < 16 ? "shown" : "hidden");
            }
        }
    }
    free(expected.px);
    free(shot.px);
    shot_free_dump(&d);
    return status;
}
