/* Command-line parsing. Each option takes "--name value" or "--name=value"; numbers are
 * checked completely, so "-m 32x" is an error rather than 32. */
#include "frontend/options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef GLASS86_VERSION
#define GLASS86_VERSION "unknown"
#endif

static void print_usage(FILE *out)
{
    fprintf(out,
            "Usage: glass86 [options]\n"
            "Run an x86 PC guest. With a disk option or --firmware: a PC (i440FX, PIIX3, IDE,\n"
            "VGA, SeaBIOS or the Bochs BIOS). Otherwise a bare ROM: --bios, or the demo ROM\n"
            "roms/hello.bin, with only the debug and exit ports.\n"
            "\n"
            "  --cpu MODEL            8086, 286, 386, 486 or p6 (default p6)\n"
            "  -m MB                  RAM in MiB, optionally with an M or G suffix (default 128\n"
            "                         for a PC, 32 for a bare ROM; capped at 640 KiB on the\n"
            "                         8086, 15 MiB on the 286)\n"
            "  --bios FILE            a bare ROM image (up to 1 MiB), mapped at the top of the\n"
            "                         address space and its last 128 KiB below 1 MiB; with a\n"
            "                         PC, the system BIOS to use instead of the default\n"
            "  --hda/--hdb/--hdc/--hdd FILE   IDE hard disk images (raw)\n"
            "  --cdrom FILE           an ISO image in the CD-ROM drive (the secondary master)\n"
            "  --fda/--fdb FILE       floppy images (360K, 720K, 1.2M, 1.44M or 2.88M)\n"
            "  --boot ORDER           c (hard disk), d (CD), a (floppy), or a sequence: dca\n"
            "  --snapshot             guest writes go to a throw-away overlay; images never change\n"
            "  --serial SPEC          COM1, then COM2...: stdio, none, file:PATH, pty, tcp:PORT\n"
            "  --serial-script FILE   type into COM1 from FILE, expect(1)-style; COM1's output\n"
            "                         still goes to its --serial backend. One command a line:\n"
            "                           expect TEXT        wait until the guest has sent TEXT\n"
            "                           send TEXT          then type TEXT (\\n \\r \\t \\e \\xHH)\n"
            "                           expect-timeout N   later expects fail after N instructions\n"
            "                           stop               end the run, exit status 0\n"
            "                         \"quotes\" keep blanks; # starts a comment. A timed-out\n"
            "                         expect ends the run with exit status 2\n"
            "  --screen-dump FILE     at the end, write the VGA text screen to FILE as text\n"
            "  --save-state FILE      when the run stops with the guest still alive\n"
            "                         (--max-instructions, Ctrl-C, SIGTERM, the window closed,\n"
            "                         gdb's kill), save the whole PC to FILE\n"
            "  --load-state FILE      start from a state saved with the same PC options\n"
            "  --rtc-base DATE        start the RTC at DATE (UTC: 2024-01-31 or\n"
            "                         2024-01-31T12:00:00) instead of the host's clock\n"
            "  --firmware NAME        seabios (default) or bochs, from Debian's packages\n"
            "  --vgabios FILE         the VGA BIOS to use instead of the firmware's default\n"
            "  --display sdl|none     a window (default when there is a display) or none\n"
            "  --fullscreen           start the window full screen\n"
            "  --clock virtual|realtime   virtual time runs as fast as it can (repeatable runs,\n"
            "                         the default without a window) or paced to the host clock\n"
            "  --reboot               a triple fault resets the PC, as real hardware does\n"
            "                         (default: stop with exit status 4)\n"
            "  --screenshot-at N[,N...]  press the window's screenshot hotkey (Ctrl+Alt+S)\n"
            "                         after N instructions: glass86-screenshot-1.png, ...\n"
            "  --screenshot-dump      with it, the VGA's raw state too (.vga next to each PNG)\n"
            "  --debugcon stdio|none|FILE\n"
            "                         where bytes written to port 0xE9 go (default stdio)\n"
            "  --max-instructions N   stop after N instructions (k, M, G suffixes: x1000)\n"
            "  --stats                print MIPS and decode-cache statistics at the end\n"
            "  --check-dcache         re-check cached code bytes on every block (slow, debug)\n"
            "  --debug                start in the debugger's command line (help lists commands)\n"
            "  --debug-script FILE    run the debugger commands in FILE first (implies --debug)\n"
            "  --trace-ring N         remember the last N instructions (default 64 with --debug);\n"
            "                         printed on a triple fault; 0 turns it off\n"
            "  --gdb PORT             wait for gdb on localhost:PORT (target remote :PORT)\n"
            "  --help                 show this help\n"
            "  --version              show the version\n"
            "\n"
            "Exit status: the byte the guest wrote to port 0xF4; 1 for a usage or setup\n"
            "error; 2 when --max-instructions ran out; 3 when the guest halted for good;\n"
            "4 on a triple fault.\n");
}

/* A whole unsigned decimal number with an optional suffix from `suffixes` (each char
 * multiplies by the matching entry of `mult`). */
static bool parse_u64(const char *s, const char *suffixes, const uint64_t *mult, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0)
        return false;
    uint64_t scale = 1;
    if (*end != '\0') {
        const char *p = strchr(suffixes, *end);
        if (!p || end[1] != '\0')
            return false;
        scale = mult[p - suffixes];
    }
    if (v > UINT64_MAX / scale)
        return false;
    *out = (uint64_t)v * scale;
    return true;
}

/* "2024-01-31" or "2024-01-31T12:34:56", UTC, from 1970 to 9999, into seconds since 1970;
 * computed here rather than with timegm() so that nothing depends on the host's zone. */
static bool parse_date(const char *s, int64_t *out)
{
    unsigned y, mo, d, h = 0, mi = 0, sec = 0;
    int n = 0;
    if (sscanf(s, "%4u-%2u-%2u%n", &y, &mo, &d, &n) != 3 || n != 10)
        return false;
    if (s[n] == 'T') {
        int k = 0;
        if (sscanf(s + n + 1, "%2u:%2u:%2u%n", &h, &mi, &sec, &k) != 3 || k != 8)
            return false;
        n += 1 + k;
    }
    static const unsigned mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (s[n] != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 ||
        d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 || mi > 59 || sec > 59)
        return false;
    int64_t days = 0;
    for (unsigned yy = 1970; yy < y; yy++)
        days += 365 + ((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0);
    for (unsigned m = 1; m < mo; m++)
        days += mdays[m - 1] + (m == 2 && leap);
    days += d - 1;
    *out = ((days * 24 + h) * 60 + mi) * 60 + sec;
    return true;
}

/* Split "--name=value" / "--name value"; returns the value or NULL when missing. */
static const char *option_value(int argc, char **argv, int *i, const char *eq)
{
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

enum options_result options_parse(int argc, char **argv, struct options *o, FILE *out,
                                  char *err, size_t errlen)
{
    *o = (struct options){ .model = CPU_P6, .ram_mib = 32, .debugcon = "stdio", .display = "none" };
    static const uint64_t ram_mult[] = { 1, 1024 };
    static const uint64_t count_mult[] = { 1000, 1000000, 1000000000 };

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_usage(out);
            return OPTIONS_EXIT;
        }
        if (strcmp(arg, "--version") == 0) {
            fprintf(out, "glass86 %s\n", GLASS86_VERSION);
            return OPTIONS_EXIT;
        }
        if (strcmp(arg, "--stats") == 0) {
            o->stats = true;
            continue;
        }
        if (strcmp(arg, "--check-dcache") == 0) {
            o->check_dcache = true;
            continue;
        }
        if (strcmp(arg, "--debug") == 0) {
            o->debug = true;
            continue;
        }
        if (strcmp(arg, "--snapshot") == 0) {
            o->snapshot = true;
            continue;
        }
        if (strcmp(arg, "--fullscreen") == 0) {
            o->fullscreen = true;
            continue;
        }
        if (strcmp(arg, "--reboot") == 0) {
            o->reboot = true;
            continue;
        }
        if (strcmp(arg, "--screenshot-dump") == 0) {
            o->screenshot_dump = true;
            continue;
        }

        /* Options with a value. */
        const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
#define IS(name) (name_len == strlen(name) && strncmp(arg, name, name_len) == 0)
        if (!(IS("--cpu") || IS("-m") || IS("--bios") || IS("--display") || IS("--debugcon") ||
              IS("--max-instructions") || IS("--debug-script") || IS("--trace-ring") ||
              IS("--gdb") || IS("--hda") || IS("--hdb") || IS("--hdc") || IS("--hdd") ||
              IS("--cdrom") || IS("--fda") || IS("--fdb") || IS("--boot") || IS("--serial") ||
              IS("--firmware") || IS("--vgabios") || IS("--clock") || IS("--serial-script") ||
              IS("--screen-dump") || IS("--rtc-base") || IS("--screenshot-at") ||
              IS("--save-state") || IS("--load-state"))) {
            snprintf(err, errlen, "unknown option '%s' (try --help)", arg);
            return OPTIONS_ERROR;
        }
        const char *val = option_value(argc, argv, &i, eq);
        if (!val) {
            snprintf(err, errlen, "option '%s' needs a value", arg);
            return OPTIONS_ERROR;
        }
        uint64_t n;
        if (IS("--cpu")) {
            const struct cpu_model_info *info = cpu_model_by_name(val);
            if (!info) {
                snprintf(err, errlen, "unknown CPU model '%s' (8086, 286, 386, 486 or p6)", val);
                return OPTIONS_ERROR;
            }
            o->model = info->id;
        } else if (IS("-m")) {
            if (!parse_u64(val, "MG", ram_mult, &n) || n == 0 || n > 4096) {
                snprintf(err, errlen, "-m wants a RAM size from 1 to 4096 MiB, not '%s'", val);
                return OPTIONS_ERROR;
            }
            o->ram_mib = (uint32_t)n;
            o->ram_given = true;
        } else if (IS("--bios")) {
            o->bios = val;
        } else if (IS("--display")) {
            if (strcmp(val, "sdl") != 0 && strcmp(val, "none") != 0) {
                snprintf(err, errlen, "unknown display '%s' (sdl or none)", val);
                return OPTIONS_ERROR;
            }
            o->display = val;
            o->display_given = true;
        } else if (IS("--hda") || IS("--hdb") || IS("--hdc") || IS("--hdd") || IS("--cdrom")) {
            unsigned k = IS("--cdrom") ? 2 : (unsigned)(arg[4] - 'a');
            if (o->ide[k]) {
                snprintf(err, errlen, "the IDE drive of '%s' is already taken by %s", arg,
                         o->ide[k]);
                return OPTIONS_ERROR;
            }
            o->ide[k] = val;
            o->ide_cdrom[k] = IS("--cdrom");
            o->pc = true;
        } else if (IS("--fda") || IS("--fdb")) {
            o->floppy[arg[4] - 'a'] = val;
            o->pc = true;
        } else if (IS("--boot")) {
            if (strspn(val, "acd") != strlen(val) || *val == '\0') {
                snprintf(err, errlen, "--boot wants a sequence of a, c and d, not '%s'", val);
                return OPTIONS_ERROR;
            }
            o->boot = val;
        } else if (IS("--serial")) {
            if (o->serial_count == 4) {
                snprintf(err, errlen, "at most four --serial ports (COM1-COM4)");
                return OPTIONS_ERROR;
            }
            o->serial[o->serial_count++] = val;
        } else if (IS("--firmware")) {
            if (strcmp(val, "seabios") != 0 && strcmp(val, "bochs") != 0) {
                snprintf(err, errlen, "unknown firmware '%s' (seabios or bochs)", val);
                return OPTIONS_ERROR;
            }
            o->firmware = val;
            o->pc = true;
        } else if (IS("--vgabios")) {
            o->vgabios = val;
        } else if (IS("--serial-script")) {
            o->serial_script = val;
        } else if (IS("--screen-dump")) {
            o->screen_dump = val;
        } else if (IS("--save-state")) {
            o->save_state = val;
        } else if (IS("--load-state")) {
            o->load_state = val;
        } else if (IS("--rtc-base")) {
            if (!parse_date(val, &o->rtc_base)) {
                snprintf(err, errlen, "--rtc-base wants a UTC date YYYY-MM-DD[THH:MM:SS], not '%s'",
                         val);
                return OPTIONS_ERROR;
            }
            o->rtc_fixed = true;
        } else if (IS("--clock")) {
            if (strcmp(val, "virtual") != 0 && strcmp(val, "realtime") != 0) {
                snprintf(err, errlen, "--clock wants virtual or realtime, not '%s'", val);
                return OPTIONS_ERROR;
            }
            o->clock = val;
        } else if (IS("--screenshot-at")) {
            const char *p = val;
            o->screenshot_count = 0;
            for (;;) {
                char one[32];
                size_t len = strcspn(p, ",");
                uint64_t prev = o->screenshot_count ? o->screenshot_at[o->screenshot_count - 1] : 0;
                if (len >= sizeof one || o->screenshot_count == 16) {
                    snprintf(err, errlen, "--screenshot-at wants at most 16 counts, not '%s'", val);
                    return OPTIONS_ERROR;
                }
                memcpy(one, p, len);
                one[len] = '\0';
                if (!parse_u64(one, "kMG", count_mult, &n) || n == 0 || n <= prev) {
                    snprintf(err, errlen, "--screenshot-at wants ascending instruction counts "
                             "separated by commas, not '%s'", val);
                    return OPTIONS_ERROR;
                }
                o->screenshot_at[o->screenshot_count++] = n;
                if (p[len] == '\0')
                    break;
                p += len + 1;
            }
        } else if (IS("--debug-script")) {
            o->debug_script = val;
            o->debug = true;
        } else if (IS("--trace-ring")) {
            if (!parse_u64(val, "k", count_mult, &n) || n > 10000000) {
                snprintf(err, errlen, "--trace-ring wants a count from 0 to 10000000, not '%s'", val);
                return OPTIONS_ERROR;
            }
            o->trace_ring = (uint32_t)n;
            o->trace_ring_given = true;
        } else if (IS("--gdb")) {
            if (!parse_u64(val, "", count_mult, &n) || n == 0 || n > 65535) {
                snprintf(err, errlen, "--gdb wants a TCP port from 1 to 65535, not '%s'", val);
                return OPTIONS_ERROR;
            }
            o->gdb_port = (uint16_t)n;
        } else if (IS("--debugcon")) {
            if (*val == '\0') {
                snprintf(err, errlen, "--debugcon wants stdio, none or a file name");
                return OPTIONS_ERROR;
            }
            o->debugcon = val;
        } else { /* --max-instructions */
            if (!parse_u64(val, "kMG", count_mult, &n) || n == 0) {
                snprintf(err, errlen, "--max-instructions wants a positive count, not '%s'", val);
                return OPTIONS_ERROR;
            }
            o->max_instructions = n;
        }
#undef IS
    }
    if (o->gdb_port && o->debug) {
        snprintf(err, errlen, "--gdb and --debug each drive the guest: choose one");
        return OPTIONS_ERROR;
    }
    if (!o->trace_ring_given)
        o->trace_ring = 64;
    if (o->pc) {
        if (!o->ram_given)
            o->ram_mib = 128; /* what the Debian kernel wants to decompress itself */
        if (!o->display_given) {
            const char *d = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
            o->display = ((d && *d) || (wl && *wl)) ? "sdl" : "none";
        }
    } else if (strcmp(o->display, "sdl") == 0) {
        snprintf(err, errlen, "the window shows a PC's VGA: give a disk (--hda...) or --firmware");
        return OPTIONS_ERROR;
    } else if (o->save_state || o->load_state) {
        snprintf(err, errlen, "%s saves a whole PC: give a disk (--hda...) or --firmware",
                 o->save_state ? "--save-state" : "--load-state");
        return OPTIONS_ERROR;
    } else if (o->serial_script || o->screen_dump || o->rtc_fixed) {
        snprintf(err, errlen, "%s is for a PC: give a disk (--hda...) or --firmware",
                 o->serial_script ? "--serial-script" : o->screen_dump ? "--screen-dump" : "--rtc-base");
        return OPTIONS_ERROR;
    }
    if ((o->screenshot_count || o->screenshot_dump) && strcmp(o->display, "sdl") != 0) {
        snprintf(err, errlen, "--screenshot-at takes the window's screenshots: it needs a PC "
                 "and --display sdl");
        return OPTIONS_ERROR;
    }
    return OPTIONS_RUN;
}
