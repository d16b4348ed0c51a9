/* The boot tests' harness: builds a PC with pc_create() (no frontend), boots it from a
 * hard disk, floppy or CD image under an instruction budget, and checks what the guest
 * printed on the debug port and how it ended. With --repeat 2 it boots twice and insists
 * that both runs print the same bytes and retire the same number of instructions.
 *   boot_runner --firmware seabios|bochs (--hd|--fd|--cd) IMAGE --expect TEXT...
 *               [--screen-expect TEXT]...
 *               [--boot ORDER] [--budget N] [--repeat N] [--fwlog FILE] [--screen]
 *               [--trace-ports FIRST-LAST] [--bios FILE] [--vgabios FILE]
 *               [--ram MB] [--serial SPEC]
 *               [--until-screen] [--serial-expect TEXT]...
 * --until-screen is for guests that never exit (a boot prompt, a memory tester): the run
 * succeeds as soon as every --screen-expect and --serial-expect text is there, checked
 * every SLICE_INSNS virtual instructions, and fails if the budget runs out first.
 * --serial-expect connects COM1 to an in-memory line and looks for TEXT in what the guest
 * sent on it.
 * --ram sets the RAM size in MiB (default 32); --serial connects COM1 to a chardev_open()
 * spec such as file:/tmp/com1.txt (default: no serial port).
 * --trace-ports logs every access to those ports on stderr with the instruction count,
 * for finding out what a firmware expects of a device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/chardev.h"
#include "devices/vga.h"
#include "machine/machine.h"
#include "machine/pc.h"
#include "machine/run.h"

struct boot_result {
    enum run_result why;
    int exit_status;
    uint64_t instructions;
    uint64_t virtual_ns;   /* virtual time at the end, HLT skips included */
    char *output;          /* debug port bytes */
    size_t output_len;
    char screen[128 * 257];/* the text screen at the end, one line per row */
    char *serial;          /* COM1 output with --serial-expect (NUL-terminated) */
    bool seen_all;         /* --until-screen: every expected text showed up */
};

/* --until-screen looks at the screen this often (virtual instructions, HLT skips included):
 * 0.1 s of guest time at the default 100 MIPS, a negligible cost per look. */
#define SLICE_INSNS 10000000ull

/* Port tracing: each traced handler is swapped for a wrapper that logs and calls it. */
struct traced {
    struct machine *m;
    struct io_handler orig;
};

static uint32_t trace_read(void *opaque, uint16_t port, unsigned size)
{
    struct traced *t = opaque;
    uint32_t v = t->orig.read ? t->orig.read(t->orig.opaque, port, size) : 0xFFFFFFFFu;
    fprintf(stderr, "[%llu] in%c  %04x -> %0*x  (%04X:%08X)\n",
            (unsigned long long)t->m->cpu.icount, "?bw?d"[size], port, (int)size * 2, v,
            t->m->cpu.seg[SEG_CS].selector, t->m->cpu.eip);
    return v;
}

static void trace_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct traced *t = opaque;
    fprintf(stderr, "[%llu] out%c %04x <- %0*x  (%04X:%08X)\n",
            (unsigned long long)t->m->cpu.icount, "?bw?d"[size], port, (int)size * 2, value,
            t->m->cpu.seg[SEG_CS].selector, t->m->cpu.eip);
    if (t->orig.write)
        t->orig.write(t->orig.opaque, port, value, size);
}

static struct traced traced_handlers[IOBUS_MAX_HANDLERS];

static void trace_ports(struct machine *m, unsigned first, unsigned last)
{
    bool done[IOBUS_MAX_HANDLERS] = { false };
    for (unsigned p = first; p <= last && p < 0x10000; p++) {
        int o = m->io.owner[p];
        if (o == 0 || done[o - 1])
            continue;
        done[o - 1] = true;
        struct io_handler *h = &m->io.handlers[o - 1];
        traced_handlers[o - 1] = (struct traced){ .m = m, .orig = *h };
        h->read = trace_read;
        h->write = trace_write;
        h->opaque = &traced_handlers[o - 1];
    }
}

struct options {
    struct pc_config pc;
    const char *expect[8];     /* every one must appear in the debug port output */
    unsigned expect_count;
    const char *screen_expect[8]; /* and these on the text screen */
    unsigned screen_expect_count;
    const char *serial_expect[8]; /* and these in COM1's output */
    unsigned serial_expect_count;
    bool until_screen;
    uint64_t budget;
    int repeat;
    const char *fwlog;
    bool screen;
    unsigned trace_first, trace_last;
};

static const char *why_name(enum run_result why)
{
    switch (why) {
    case RUN_BUDGET: return "instruction budget used up";
    case RUN_EXIT: return "guest exit";
    case RUN_HALTED: return "halted for good";
    case RUN_SHUTDOWN: return "triple fault";
    case RUN_STOPPED: return "stopped";
    }
    return "?";
}

/* The text screen as lines of text (trailing blanks and empty lines dropped): what the
 * BIOS and the guest printed through INT 10h. Empty outside a text mode. */
static void read_screen(struct machine *m, char *out, size_t cap)
{
    struct pc_board *b = pc_board(m);
    unsigned cols, rows;
    out[0] = '\0';
    if (!b || !b->vga || !vga_text_mode(b->vga, &cols, &rows) || cols > 256 || rows > 128)
        return;
    uint16_t *cells = calloc((size_t)cols * rows, sizeof *cells);
    if (!cells)
        return;
    vga_text_snapshot(b->vga, cells);
    size_t len = 0;
    for (unsigned r = 0; r < rows; r++) {
        char line[256];
        unsigned n = vga_text_row_ascii(cells, cols, r, ' ', line);
        if (n && len + n + 2 <= cap) {
            memcpy(out + len, line, n);
            len += n;
            out[len++] = '\n';
            out[len] = '\0';
        }
    }
    free(cells);
}

/* COM1's output so far, NUL-terminated, with NUL bytes shown as spaces (strstr-able). */
static char *serial_text(const struct chardev *cd)
{
    size_t n = 0;
    const uint8_t *b = cd ? chardev_script_output(cd, &n) : NULL;
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    for (size_t k = 0; k < n; k++)
        t[k] = b[k] ? (char)b[k] : ' ';
    t[n] = '\0';
    return t;
}

static bool all_seen(const struct options *o, const char *screen, const char *serial)
{
    for (unsigned k = 0; k < o->screen_expect_count; k++)
        if (!strstr(screen, o->screen_expect[k]))
            return false;
    for (unsigned k = 0; k < o->serial_expect_count; k++)
        if (!serial || !strstr(serial, o->serial_expect[k]))
            return false;
    return true;
}

/* --until-screen: run in slices until the texts are there or the budget is spent. */
static enum run_result run_until_seen(struct machine *m, const struct options *o,
                                      struct chardev *com1, struct boot_result *r)
{
    uint64_t left = o->budget;
    for (;;) {
        uint64_t slice = left < SLICE_INSNS ? left : SLICE_INSNS;
        uint64_t before = m->cpu.icount + m->sched.idle_insns;
        enum run_result why = machine_run(m, slice);
        uint64_t used = m->cpu.icount + m->sched.idle_insns - before;
        left -= used < left ? used : left;
        read_screen(m, r->screen, sizeof r->screen);
        char *serial = o->serial_expect_count ? serial_text(com1) : NULL;
        r->seen_all = all_seen(o, r->screen, serial);
        free(serial);
        if (r->seen_all || why != RUN_BUDGET || left == 0)
            return why;
    }
}

static int boot_once(const struct options *o, struct boot_result *r)
{
    memset(r, 0, sizeof *r);
    FILE *con = open_memstream(&r->output, &r->output_len);
    FILE *fwlog = o->fwlog ? fopen(o->fwlog, "w") : NULL;
    if (!con) {
        fprintf(stderr, "boot_runner: cannot capture the debug port\n");
        return -1;
    }
    struct pc_config cfg = o->pc;
    struct chardev *com1 = NULL;
    if (o->serial_expect_count) {
        com1 = chardev_script(); /* the machine owns it from pc_create() on */
        if (!com1) {
            fprintf(stderr, "boot_runner: out of memory\n");
            fclose(con);
            return -1;
        }
        cfg.serial_dev[0] = com1;
    }
    cfg.debugcon = con;
    cfg.firmware_log = fwlog;
    char err[512];
    struct machine *m = pc_create(&cfg, err, sizeof err);
    if (!m) {
        fprintf(stderr, "glass86: error: %s\n", err);
        fclose(con);
        if (fwlog)
            fclose(fwlog);
        return -1;
    }
    if (o->trace_last)
        trace_ports(m, o->trace_first, o->trace_last);
    r->why = o->until_screen ? run_until_seen(m, o, com1, r) : machine_run(m, o->budget);
    r->exit_status = m->exit_status;
    r->instructions = m->cpu.icount;
    r->virtual_ns = sched_now(m);
    read_screen(m, r->screen, sizeof r->screen);
    r->serial = o->serial_expect_count ? serial_text(com1) : NULL;
    bool ended_well = o->until_screen ? r->seen_all : r->why == RUN_EXIT;
    if (o->screen || !ended_well)
        fprintf(stderr, "---- screen ----\n%s----------------\n", r->screen);
    if (!ended_well)
        fprintf(stderr, "boot_runner: stopped at %04X:%08X after %llu instructions\n",
                m->cpu.seg[SEG_CS].selector, m->cpu.eip, (unsigned long long)r->instructions);
    pc_shutdown_flush(m);
    machine_destroy(m);
    fclose(con); /* after the machine: the debug console flushes into it */
    if (fwlog)
        fclose(fwlog);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: boot_runner --firmware seabios|bochs (--hd|--fd|--cd) IMAGE "
                    "--expect TEXT [--screen-expect TEXT] [--boot ORDER] [--budget N] "
                    "[--repeat N] [--fwlog FILE] "
                    "[--screen] [--trace-ports FIRST-LAST] [--bios FILE] [--vgabios FILE] "
                    "[--ram MB] [--serial SPEC] [--until-screen] [--serial-expect TEXT]\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct options o = {
        .pc = { .model = CPU_P6, .ram_bytes = 32u << 20, .firmware = FIRMWARE_SEABIOS,
                .snapshot = true, .rtc_fixed = true, .rtc_base = 1704067200 /* 2024-01-01 */,
                .clock = PC_CLOCK_VIRTUAL },
        .budget = 2000000000ull,
        .repeat = 1,
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--screen") == 0) {
            o.screen = true;
            continue;
        }
        if (strcmp(a, "--until-screen") == 0) {
            o.until_screen = true;
            continue;
        }
        if (!v)
            return usage();
        i++;
        if (strcmp(a, "--firmware") == 0) {
            if (firmware_kind_parse(v, &o.pc.firmware) != 0)
                return usage();
        } else if (strcmp(a, "--hd") == 0) {
            o.pc.ide[0].path = v;
            o.pc.boot_order = o.pc.boot_order ? o.pc.boot_order : "c";
        } else if (strcmp(a, "--fd") == 0) {
            o.pc.floppy[0] = v;
            o.pc.boot_order = o.pc.boot_order ? o.pc.boot_order : "a";
        } else if (strcmp(a, "--cd") == 0) {
            o.pc.ide[2] = (struct pc_ide_drive){ .path = v, .cdrom = true };
            o.pc.boot_order = o.pc.boot_order ? o.pc.boot_order : "d";
        } else if (strcmp(a, "--bios") == 0) {
            o.pc.bios_path = v;
        } else if (strcmp(a, "--vgabios") == 0) {
            o.pc.vgabios_path = v;
        } else if (strcmp(a, "--boot") == 0) {
            o.pc.boot_order = v;
        } else if (strcmp(a, "--expect") == 0) {
            if (o.expect_count == sizeof o.expect / sizeof o.expect[0])
                return usage();
            o.expect[o.expect_count++] = v;
        } else if (strcmp(a, "--screen-expect") == 0) {
            if (o.screen_expect_count == sizeof o.screen_expect / sizeof o.screen_expect[0])
                return usage();
            o.screen_expect[o.screen_expect_count++] = v;
        } else if (strcmp(a, "--serial-expect") == 0) {
            if (o.serial_expect_count == sizeof o.serial_expect / sizeof o.serial_expect[0])
                return usage();
            o.serial_expect[o.serial_expect_count++] = v;
        } else if (strcmp(a, "--budget") == 0) {
            o.budget = strtoull(v, NULL, 0);
        } else if (strcmp(a, "--repeat") == 0) {
            o.repeat = atoi(v);
        } else if (strcmp(a, "--trace-ports") == 0) {
            if (sscanf(v, "%x-%x", &o.trace_first, &o.trace_last) != 2)
                return usage();
        } else if (strcmp(a, "--fwlog") == 0) {
            o.fwlog = v;
        } else if (strcmp(a, "--ram") == 0) {
            unsigned long mb = strtoul(v, NULL, 0);
            if (mb < 1 || mb > 3072)
                return usage();
            o.pc.ram_bytes = (uint32_t)(mb << 20);
        } else if (strcmp(a, "--serial") == 0) {
            o.pc.serial[0] = v;
        } else {
            return usage();
        }
    }
    if (o.until_screen ? !o.screen_expect_count && !o.serial_expect_count : !o.expect_count)
        return usage();
    if (o.repeat < 1 || o.budget == 0)
        return usage();

    struct boot_result first = { 0 };
    int status = 0;
    for (int n = 0; n < o.repeat && status == 0; n++) {
        struct boot_result r;
        if (boot_once(&o, &r) != 0)
            return 1;
        fwrite(r.output, 1, r.output_len, stdout);
        printf("boot_runner: run %d: %s, exit status %d, %llu instructions, %.3f s of "
               "virtual time\n", n + 1,
               o.until_screen && r.seen_all ? "the expected text showed up" : why_name(r.why),
               r.exit_status,
               (unsigned long long)r.instructions, (double)r.virtual_ns / 1e9);
        bool ended_badly = false;
        if (o.until_screen && !r.seen_all) {
            fprintf(stderr, "boot_runner: FAIL: the expected text did not show up (%s)\n",
                    why_name(r.why));
            ended_badly = true;
        } else if (!o.until_screen && (r.why != RUN_EXIT || r.exit_status != 0)) {
            fprintf(stderr, "boot_runner: FAIL: the guest did not exit with status 0 (%s)\n",
                    why_name(r.why));
            ended_badly = true;
        }
        if (ended_badly) {
            status = 1;
            for (unsigned k = 0; k < o.screen_expect_count; k++)
                if (!strstr(r.screen, o.screen_expect[k]))
                    fprintf(stderr, "boot_runner: the screen lacks \"%s\"\n", o.screen_expect[k]);
            for (unsigned k = 0; k < o.serial_expect_count; k++)
                if (!r.serial || !strstr(r.serial, o.serial_expect[k]))
                    fprintf(stderr, "boot_runner: COM1 lacks \"%s\"\n", o.serial_expect[k]);
        } else {
            for (unsigned k = 0; k < o.expect_count; k++) {
                if (!strstr(r.output, o.expect[k])) {
                    fprintf(stderr, "boot_runner: FAIL: the debug port output lacks \"%s\"\n",
                            o.expect[k]);
                    status = 1;
                }
            }
            for (unsigned k = 0; k < o.screen_expect_count; k++) {
                if (!strstr(r.screen, o.screen_expect[k])) {
                    fprintf(stderr, "boot_runner: FAIL: the screen lacks \"%s\"\n%s",
                            o.screen_expect[k], r.screen);
                    status = 1;
                }
            }
            for (unsigned k = 0; k < o.serial_expect_count; k++) {
                if (!r.serial || !strstr(r.serial, o.serial_expect[k])) {
                    fprintf(stderr, "boot_runner: FAIL: COM1 lacks \"%s\"\n", o.serial_expect[k]);
                    status = 1;
                }
            }
        }
        if (n == 0) {
            first = r;
            continue;
        }
        if (r.instructions != first.instructions || r.virtual_ns != first.virtual_ns ||
            r.output_len != first.output_len ||
            memcmp(r.output, first.output, r.output_len) != 0 ||
            strcmp(r.serial ? r.serial : "", first.serial ? first.serial : "") != 0) {
            fprintf(stderr, "boot_runner: FAIL: run %d differs from run 1 (%llu vs %llu "
                    "instructions)\n", n + 1, (unsigned long long)r.instructions,
                    (unsigned long long)first.instructions);
            status = 1;
        }
        free(r.output);
        free(r.serial);
    }
    free(first.output);
    free(first.serial);
    if (status == 0)
        printf("boot_runner: PASS\n");
    return status;
}
