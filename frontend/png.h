/* A PNG screenshot writer for the frontends and the tests: 8-bit RGB, no interlace,
 * filter type 0 on every row, one zlib stream (PNG specification, ISO/IEC 15948, sections
 * 5 "Datastream structure", 11.2 "Critical chunks"). zlib does the compression and CRCs. */
#ifndef GLASS86_FRONTEND_PNG_H
#define GLASS86_FRONTEND_PNG_H

#include <stdint.h>

/* Write `w`x`h` XRGB8888 pixels (0x00RRGGBB, rows of `w`) to `path`; the top byte is
 * ignored. Returns 0, or -1 with errno set (EINVAL for an empty or oversized picture). */
int png_write(const char *path, const uint32_t *xrgb, unsigned w, unsigned h);

#endif
