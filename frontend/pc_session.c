/* Running a whole PC from the command line: the board from machine/pc.c, the SDL window or
 * none, real-time pacing for a person at the keyboard, and every way out (guest exit,
 * halt, triple fault, power off, Ctrl-C, SIGTERM) flushing the disks before glass86 ends.
 * QEMU's -no-reboot is the default here; --reboot makes a triple fault reset the PC. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "frontend/debugger.h"
#include "frontend/pc_session.h"
#include "frontend/sdl_window.h"
#include "frontend/session.h"
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
}

/* While the debugger runs the guest, the window keeps drawing and taking input. */
static bool debugger_poll(void *opaque)
{
    struct sdl_window *w = opaque;
    sdl_window_poll(w);
    sdl_window_present(w);
    return stop_signal != 0;
}

/* Ctrl+Alt+D: the debugger's command line on the terminal, between two slices. Returns
 * true when the session must end (`quit`, or the guest ended inside the debugger). */
static bool enter_debugger(struct machine *m, struct sdl_window *w, struct debugger **d,
                           struct outcome *r)
{
    if (!*d) {
        struct debugger_config dc = { .out = stdout, .in = stdin, .ring_size = 64,
                                      .poll = debugger_poll, .poll_opaque = w };
        *d = debugger_create(m, &dc);
        if (!*d)
            return false;
    }
    sdl_window_set_status(w, "in the debugger (see the terminal)");
    enum debugger_verdict v = debugger_enter(m, *d);
    if (debugger_guest_ended(*d, r))
        return true;
    return v == DEBUGGER_QUIT;
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
    struct machine *m = pc_create(&cfg, err, sizeof err);
    if (!m) {
        fprintf(stderr, "glass86: error: %s\n", err);
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
    struct debugger *dbg = NULL;
    while (!done) {
        if (stop_signal) {
            interrupted = true;
            break;
        }
        if (w) {
            enum sdl_action act = sdl_window_poll(w);
            if (act == SDL_ACT_POWEROFF) {
                interrupted = true;
                break;
            }
            if (act == SDL_ACT_RESET)
                machine_reset(m);
            if (act == SDL_ACT_DEBUGGER && enter_debugger(m, w, &dbg, &r)) {
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
        uint64_t budget = slice;
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
    }
    /* Every way out makes the guest's disk writes durable first. */
    int flushed = pc_shutdown_flush(m);
    r.seconds = session_seconds() - t0;
    r.instructions = m->cpu.icount - start;
    int status;
    if (interrupted) {
        fprintf(stderr, "glass86: %s; disk writes flushed\n",
                stop_signal == SIGTERM ? "terminated" : stop_signal ? "interrupted" : "powered off");
        status = stop_signal ? 128 + stop_signal : 0;
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
    if (o->stats)
        print_stats(m, &r);
    if (dbg)
        debugger_destroy(dbg);
    sdl_window_close(w);
    machine_destroy(m);
    return status;
}
