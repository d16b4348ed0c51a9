/* Running a whole PC from the command line: the board from machine/pc.c, the SDL window or
 * none, real-time pacing for a person at the keyboard, and every way out (guest exit,
 * halt, triple fault, power off, Ctrl-C, SIGTERM) flushing the disks before glass86 ends.
 * QEMU's -no-reboot is the default here; --reboot makes a triple fault reset the PC. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/chardev.h"
#include "devices/serial_script.h"
#include "devices/vga.h"
#include "devices/vga_dump.h"

#include "frontend/debugger.h"
#include "frontend/gdbstub.h"
#include "frontend/pc_session.h"
#include "frontend/sdl_window.h"
#include "frontend/session.h"
#include "frontend/state_cli.h"
#include "machine/machine.h"
#include "machine/pc.h"
#include "machine/run.h"

/* The one mutable global: what a signal handler may set (async-signal-safe). */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void build_config(const struct options *o, struct pc_config *cfg, FILE *debugcon)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->model = o->model;
    cfg->ram_bytes = o->ram_mib << 20;
    cfg->firmware = (o->firmware && strcmp(o->firmware, "bochs") == 0) ? FIRMWARE_BOCHS
                                                                       : FIRMWARE_SEABIOS;
    cfg->bios_path = o->bios;
    cfg->vgabios_path = o->vgabios;
    for (unsigned k = 0; k < PC_IDE_DRIVES; k++) {
        cfg->ide[k].path = o->ide[k];
        cfg->ide[k].cdrom = o->ide_cdrom[k];
    }
    cfg->floppy[0] = o->floppy[0];
    cfg->floppy[1] = o->floppy[1];
    cfg->boot_order = o->boot;
    cfg->snapshot = o->snapshot;
    for (unsigned k = 0; k < o->serial_count && k < PC_SERIAL_PORTS; k++)
        cfg->serial[k] = o->serial[k];
    cfg->debugcon = debugcon;
    bool window = strcmp(o->display, "sdl") == 0;
    bool realtime = o->clock ? strcmp(o->clock, "realtime") == 0 : window;
    cfg->clock = realtime ? PC_CLOCK_REALTIME : PC_CLOCK_VIRTUAL;
    cfg->check_dcache = o->check_dcache;
    cfg->rtc_fixed = o->rtc_fixed;
    cfg->rtc_base = (time_t)o->rtc_base;
}

/* --serial-script: COM1 becomes an expect backend around the --serial backend (the log).
 * Returns the script (owned by the machine's UART from pc_create() on), or NULL with the
 * reason in err. */
static struct serial_script *attach_script(const struct options *o, struct pc_config *cfg,
                                           char *err, size_t errlen)
{
    struct serial_script *s = serial_script_load(o->serial_script, err, errlen);
    if (!s)
        return NULL;
    struct chardev *inner = chardev_open(o->serial_count ? o->serial[0] : "none", err, errlen);
    if (!inner) {
        serial_script_free(s);
        return NULL;
    }
    cfg->serial_dev[0] = chardev_expect(inner, s);
    if (!cfg->serial_dev[0]) {
        snprintf(err, errlen, "out of memory for the serial script");
        return NULL;
    }
    return s;
}

/* --screen-dump: the text screen as lines of text, trailing blanks dropped; a cell that is
 * not printable ASCII shows as '?', an empty one (NUL) as a blank. */
static void write_screen_dump(struct machine *m, FILE *f)
{
    struct pc_board *b = pc_board(m);
    unsigned cols, rows;
    if (!b || !b->vga || !vga_text_mode(b->vga, &cols, &rows)) {
        fprintf(stderr, "glass86: --screen-dump: the VGA is not in a text mode; nothing written\n");
        return;
    }
    uint16_t *cells = calloc((size_t)cols * rows, sizeof *cells);
    char *line = malloc(cols);
    if (cells && line) {
        vga_text_snapshot(b->vga, cells);
        for (unsigned r = 0; r < rows; r++) {
            unsigned n = vga_text_row_ascii(cells, cols, r, '?', line);
            fprintf(f, "%.*s\n", (int)n, line);
        }
    }
    free(line);
    free(cells);
}

/* While the debugger runs the guest, the window keeps drawing and taking input. */
static bool debugger_poll(void *opaque)
{
    struct sdl_window *w = opaque;
    sdl_window_poll(w);
    sdl_window_present(w);
    return stop_signal != 0;
}

/* --gdb: the same while gdb runs the guest, with or without a window; and a signal ends
 * the session even while the stub waits for gdb. */
static bool gdb_poll(void *opaque)
{
    return opaque ? debugger_poll(opaque) : stop_signal != 0;
}

static bool gdb_cancelled(void *opaque)
{
    (void)opaque;
    return stop_signal != 0;
}

/* --gdb PORT: wait for gdb at the reset vector (or the loaded state) and serve it, as for
 * a bare ROM. Returns true when the run loop must not start: gdb killed the guest or
 * went away (*killed), the guest ended under gdb (*r), a signal ended the session
 * (*interrupted), or the stub could not start (*failed). */
static bool serve_gdb(const struct options *o, struct machine *m, struct sdl_window *w,
                      struct outcome *r, bool *killed, bool *interrupted, bool *failed)
{
    uint64_t now = m->cpu.icount;
    struct gdbstub_config gc = { .port = o->gdb_port,
                                 .max_insns = o->max_instructions ? now + o->max_instructions : 0,
                                 .ring_size = o->trace_ring_given ? o->trace_ring : 0,
                                 .poll = gdb_poll, .cancelled = gdb_cancelled, .opaque = w };
    if (w)
        sdl_window_set_status(w, "waiting for gdb (see the terminal)");
    switch (gdbstub_serve(m, &gc, r)) {
    case GDBSTUB_DETACHED:
        fprintf(stderr, "glass86: gdb detached; the guest runs on\n");
        return false;
    case GDBSTUB_KILLED:
        *killed = true;
        return true;
    case GDBSTUB_CANCELLED:
        *interrupted = true;
        return true;
    case GDBSTUB_GUEST_ENDED:
        return true;
    case GDBSTUB_FAILED:
        break;
    }
    *failed = true;
    return true;
}

/* --debug at reset, or Ctrl+Alt+D: the debugger's command line on the terminal, between
 * two slices. Returns true when the session must end (`quit`, or the guest ended inside
 * the debugger). */
static bool enter_debugger(const struct options *o, struct machine *m, struct sdl_window *w,
                           struct debugger **d, struct outcome *r)
{
    if (!*d) {
        struct debugger_config dc = { .out = stdout, .in = stdin, .ring_size = o->trace_ring,
                                      .script = o->debug_script,
                                      .max_insns = o->max_instructions,
                                      .poll = w ? debugger_poll : NULL, .poll_opaque = w };
        *d = debugger_create(m, &dc);
        if (!*d)
            return false;
    }
    if (w)
        sdl_window_set_status(w, "in the debugger (see the terminal)");
    enum debugger_verdict v = debugger_enter(m, *d);
    if (debugger_guest_ended(*d, r))
        return true;
    return v == DEBUGGER_QUIT;
}

/* --screenshot-at: the hotkey's own code writes the PNG; with --screenshot-dump the VGA's
 * raw state at the same instruction goes next to it, for tests/frontend/shotcmp. */
static enum sdl_action scripted_screenshot(const struct options *o, struct machine *m,
                                           struct sdl_window *w, bool *failed)
{
    char png[64], dump[80];
    enum sdl_action act = sdl_window_scripted_screenshot(w, png, sizeof png);
    size_t n = strlen(png);
    if (n < 4) {
        fprintf(stderr, "glass86: error: no screenshot at instruction %" PRIu64 "\n",
                m->cpu.icount);
        *failed = true;
    } else if (o->screenshot_dump) {
        snprintf(dump, sizeof dump, "%.*s.vga", (int)(n - 4), png);
        if (vga_dump_write(pc_board(m)->vga, dump) != 0) {
            fprintf(stderr, "glass86: error: cannot write %s: %s\n", dump, strerror(errno));
            *failed = true;
        } else {
            fprintf(stderr, "glass86: VGA state at instruction %" PRIu64 " saved to %s\n",
                    m->cpu.icount, dump);
        }
    }
    return act;
}

/* What the title bar says: the guest's state and speed. */
static void update_title(struct sdl_window *w, struct machine *m, double *t_last, uint64_t *n_last)
{
    double now = session_seconds();
    if (now - *t_last < 1.0)
        return;
    uint64_t n = m->cpu.icount;
    double mips = (double)(n - *n_last) / (now - *t_last) / 1e6;
    char status[128];
    const char *mode = (m->cpu.eflags & FLAG_VM) ? "V86" : (m->cpu.cr[0] & 1) ? "protected mode"
                                                                               : "real mode";
    snprintf(status, sizeof status, "%s%s, %.1f MIPS", m->cpu.halted ? "idle, " : "", mode, mips);
    sdl_window_set_status(w, status);
    *t_last = now;
    *n_last = n;
}

int run_pc(const struct options *o, FILE *debugcon)
{
    char err[512];
    struct pc_config cfg;
    build_config(o, &cfg, debugcon);
    FILE *screen_dump = NULL;
    if (o->screen_dump && !(screen_dump = fopen(o->screen_dump, "w"))) {
        fprintf(stderr, "glass86: error: cannot write the screen dump '%s': %s\n", o->screen_dump,
                strerror(errno));
        return EXIT_SETUP_ERROR;
    }
    struct serial_script *script = NULL;
    if (o->serial_script && !(script = attach_script(o, &cfg, err, sizeof err))) {
        fprintf(stderr, "glass86: error: %s\n", err);
        if (screen_dump)
            fclose(screen_dump);
        return EXIT_SETUP_ERROR;
    }
    struct machine *m = pc_create(&cfg, err, sizeof err);
    if (!m) {
        fprintf(stderr, "glass86: error: %s\n", err);
        if (screen_dump)
            fclose(screen_dump);
        return EXIT_SETUP_ERROR;
    }
    if (o->load_state && state_cli_load(m, o->load_state) != 0) {
        machine_destroy(m);
        if (screen_dump)
            fclose(screen_dump);
        return EXIT_SETUP_ERROR;
    }
    struct sdl_window *w = NULL;
    if (strcmp(o->display, "sdl") == 0) {
        struct pc_board *b = pc_board(m);
        w = sdl_window_open(b->vga, b->kbd, b->mouse, o->fullscreen, err, sizeof err);
        if (!w) {
            fprintf(stderr, "glass86: error: %s\n", err);
            pc_shutdown_flush(m);
            machine_destroy(m);
            if (screen_dump)
                fclose(screen_dump);
            return EXIT_SETUP_ERROR;
        }
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    /* About 10 ms of virtual time per slice: the window and signals are looked at often. */
    const uint64_t slice = 1000000;
    struct outcome r = { .ending = END_INSN_LIMIT };
    double t0 = session_seconds(), t_title = t0, t_frame = 0;
    uint64_t start = m->cpu.icount, n_title = start;
    bool done = false, interrupted = false, ended_in_debugger = false;
    enum serial_script_state script_end = SCRIPT_WAITING;
    struct debugger *dbg = NULL;
    bool debug_at_reset = o->debug, shot_failed = false;
    unsigned shot = 0;
    bool gdb_killed = false, gdb_failed = false;
    if (o->gdb_port)
        done = serve_gdb(o, m, w, &r, &gdb_killed, &interrupted, &gdb_failed);
    while (!done) {
        if (stop_signal) {
            interrupted = true;
            break;
        }
        if (debug_at_reset) {
            debug_at_reset = false;
            if (enter_debugger(o, m, w, &dbg, &r)) {
                ended_in_debugger = debugger_guest_ended(dbg, &r);
                interrupted = !ended_in_debugger;
                break;
            }
        }
        if (w) {
            enum sdl_action act = sdl_window_poll(w);
            if (act == SDL_ACT_POWEROFF) {
                interrupted = true;
                break;
            }
            if (act == SDL_ACT_RESET)
                machine_reset(m);
            if (act == SDL_ACT_DEBUGGER && enter_debugger(o, m, w, &dbg, &r)) {
                ended_in_debugger = debugger_guest_ended(dbg, &r);
                interrupted = !ended_in_debugger;
                break;
            }
            double now = session_seconds();
            if (now - t_frame >= 1.0 / 60) {
                sdl_window_present(w);
                update_title(w, m, &t_title, &n_title);
                t_frame = now;
            }
            if (sdl_window_paused(w)) {
                struct timespec ts = { 0, 20000000 };
                nanosleep(&ts, NULL);
                continue;
            }
        }
        if (w && shot < o->screenshot_count && m->cpu.icount - start >= o->screenshot_at[shot]) {
            shot++;
            if (scripted_screenshot(o, m, w, &shot_failed) == SDL_ACT_POWEROFF) {
                interrupted = true;
                break;
            }
        }
        uint64_t budget = slice;
        if (w && shot < o->screenshot_count &&
            o->screenshot_at[shot] - (m->cpu.icount - start) < budget)
            budget = o->screenshot_at[shot] - (m->cpu.icount - start);
        if (o->max_instructions) {
            uint64_t used = m->cpu.icount - start;
            if (used >= o->max_instructions) {
                r.ending = END_INSN_LIMIT;
                break;
            }
            if (o->max_instructions - used < budget)
                budget = o->max_instructions - used;
        }
        switch (machine_run(m, budget)) {
        case RUN_EXIT:
            r.ending = END_GUEST_EXIT;
            done = true;
            break;
        case RUN_HALTED:
            r.ending = END_HALTED;
            done = true;
            break;
        case RUN_SHUTDOWN:
            if (o->reboot) {
                fprintf(stderr, "glass86: triple fault: resetting the PC (--reboot)\n");
                machine_reset(m);
                break;
            }
            r.ending = END_TRIPLE_FAULT;
            done = true;
            break;
        default:
            break;
        }
        if (script && !done) {
            enum serial_script_state st = serial_script_check(script, m->cpu.icount);
            if (st == SCRIPT_STOPPED || st == SCRIPT_TIMED_OUT) {
                script_end = st;
                break;
            }
        }
    }
    /* --save-state: only a guest that can go on (r.ending stays END_INSN_LIMIT unless the
     * guest ended: exit port, final halt, triple fault). */
    bool state_failed = false;
    if (o->save_state && !gdb_failed) {
        if (r.ending == END_INSN_LIMIT)
            state_failed = state_cli_save(m, o->save_state) != 0;
        else
            fprintf(stderr, "glass86: note: the guest has ended; no state saved to %s\n",
                    o->save_state);
    }
    /* Every way out makes the guest's disk writes durable first. */
    int flushed = pc_shutdown_flush(m);
    r.seconds = session_seconds() - t0;
    r.instructions = m->cpu.icount - start;
    int status;
    if (gdb_failed) {
        status = EXIT_SETUP_ERROR;
    } else if (gdb_killed) {
        fprintf(stderr, "glass86: gdb ended the session; disk writes flushed\n");
        status = 0;
    } else if (interrupted) {
        fprintf(stderr, "glass86: %s; disk writes flushed\n",
                stop_signal == SIGTERM ? "terminated" : stop_signal ? "interrupted" : "powered off");
        status = stop_signal ? 128 + stop_signal : 0;
    } else if (script_end == SCRIPT_STOPPED) {
        fprintf(stderr, "glass86: serial script stopped the run after %" PRIu64 " instructions\n",
                r.instructions);
        status = 0;
    } else if (script_end == SCRIPT_TIMED_OUT) {
        char where[SERIAL_SCRIPT_MAX_TEXT * 4 + 64];
        serial_script_where(script, where, sizeof where);
        fprintf(stderr, "glass86: serial script %s: not seen within %" PRIu64
                        " instructions (stopped after %" PRIu64 ")\n",
                where, serial_script_timeout(script), r.instructions);
        status = EXIT_INSN_LIMIT;
    } else if (ended_in_debugger) {
        status = r.exit_code; /* the debugger has reported the ending */
    } else {
        report_ending(m, &r);
        status = r.exit_code;
    }
    if (flushed != 0) {
        fprintf(stderr, "glass86: error: a disk image could not be flushed\n");
        status = EXIT_SETUP_ERROR;
    }
    if (state_failed)
        status = EXIT_SETUP_ERROR;
    if (script && script_end == SCRIPT_WAITING &&
        serial_script_check(script, m->cpu.icount) == SCRIPT_WAITING) {
        char where[SERIAL_SCRIPT_MAX_TEXT * 4 + 64];
        serial_script_where(script, where, sizeof where);
        fprintf(stderr, "glass86: the serial script was still waiting at %s\n", where);
    }
    if (screen_dump) {
        write_screen_dump(m, screen_dump);
        if (fclose(screen_dump) != 0) {
            fprintf(stderr, "glass86: error: cannot write the screen dump '%s'\n", o->screen_dump);
            status = EXIT_SETUP_ERROR;
        }
    }
    if (w && shot < o->screenshot_count) {
        fprintf(stderr, "glass86: error: the run ended before the screenshot at instruction %"
                PRIu64 "\n", o->screenshot_at[shot]);
        shot_failed = true;
    }
    if (shot_failed)
        status = EXIT_SETUP_ERROR;
    if (o->stats)
        print_stats(m, &r);
    if (dbg)
        debugger_destroy(dbg);
    sdl_window_close(w);
    machine_destroy(m);
    return status;
}
