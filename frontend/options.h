/* The glass86 command line, in QEMU's conventions where QEMU has one (-m, --bios,
 * --display, --debugcon, --cpu), parsed into one plain struct. */
#ifndef GLASS86_OPTIONS_H
#define GLASS86_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/models.h"

struct options {
    enum cpu_model_id model;
    uint32_t ram_mib;
    bool ram_given;              /* -m was on the command line */
    const char *bios;            /* NULL: the demo ROM next to the executable */
    const char *debugcon;        /* "stdio", "none" or a file name */
    uint64_t max_instructions;   /* 0: no bound */
    bool stats;
    bool check_dcache;
    /* The debugger (frontend/debugger.h) and the GDB stub (frontend/gdbstub.h). */
    bool debug;                  /* --debug: the command line at reset */
    const char *debug_script;    /* --debug-script FILE: commands run first (implies --debug) */
    uint32_t trace_ring;         /* --trace-ring N: instructions remembered (default 64) */
    bool trace_ring_given;
    uint16_t gdb_port;           /* --gdb PORT: 0 = no stub */

    /* The PC (machine/pc.h), chosen by any disk option or --firmware; without them
     * glass86 runs a bare ROM (--bios) with only the debug and exit ports. */
    bool pc;
    const char *ide[4];          /* --hda --hdb --hdc --hdd */
    bool ide_cdrom[4];           /* --cdrom is the secondary master (hdc), as in QEMU */
    const char *floppy[2];       /* --fda --fdb */
    const char *boot;            /* --boot ORDER: c, d, a or a sequence */
    bool snapshot;               /* --snapshot: the images never change */
    const char *serial[4];       /* --serial SPEC, once per port from COM1 */
    unsigned serial_count;
    const char *firmware;        /* --firmware seabios|bochs */
    const char *vgabios;         /* --vgabios FILE */
    const char *display;         /* "none" or "sdl" */
    bool display_given;
    bool fullscreen;
    const char *clock;           /* --clock virtual|realtime (NULL: by display) */
    bool reboot;                 /* --reboot: a triple fault resets the PC, as a real one does */
    /* --screenshot-at N[,N...]: the window's Ctrl+Alt+S after N instructions (ascending);
     * --screenshot-dump: the VGA's raw state (devices/vga_dump.h) next to each PNG. */
    uint64_t screenshot_at[16];
    unsigned screenshot_count;
    bool screenshot_dump;
    const char *serial_script;   /* --serial-script FILE: COM1's input (devices/serial_script.h) */
    const char *screen_dump;     /* --screen-dump FILE: the text screen, written at the end */
    bool rtc_fixed;              /* --rtc-base DATE: the RTC starts there, not at the host's time */
    int64_t rtc_base;            /* seconds since 1970, UTC */
    /* Whole-machine saved state (machine/snapshot.h, frontend/state_cli.h). */
    const char *save_state;      /* --save-state FILE: written when the run stops */
    const char *load_state;      /* --load-state FILE: start from it instead of the reset */
};

enum options_result { OPTIONS_RUN, OPTIONS_EXIT, OPTIONS_ERROR };

/* Parse argv. OPTIONS_EXIT: --help or --version was printed to `out`, exit 0.
 * OPTIONS_ERROR: a one-line reason is in err. */
enum options_result options_parse(int argc, char **argv, struct options *o, FILE *out,
                                  char *err, size_t errlen);

#endif
