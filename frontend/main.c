/* glass86, the program: parse the command line, build a PC with the chosen CPU model,
 * map its ROM, attach the devices and run it until the guest ends. Exit codes are listed
 * in frontend/session.h and README.md. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bios/rom.h"
#include "devices/debugcon.h"
#include "devices/exitport.h"
#include "frontend/debugger.h"
#include "frontend/pc_session.h"
#include "frontend/gdbstub.h"
#include "frontend/options.h"
#include "frontend/session.h"
#include "machine/machine.h"

#ifndef GLASS86_DEFAULT_ROM
#define GLASS86_DEFAULT_ROM "roms/hello.bin"
#endif

static int fail(const char *msg)
{
    fprintf(stderr, "glass86: error: %s\n", msg);
    return EXIT_SETUP_ERROR;
}

/* The demo ROM: roms/hello.bin next to the executable (build/glass86 and
 * build/roms/hello.bin), else the path of the build tree it was compiled in. */
static const char *default_rom(char *buf, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if ((size_t)snprintf(buf, len, "%s/roms/hello.bin", exe) < len &&
                access(buf, R_OK) == 0)
                return buf;
        }
    }
    return GLASS86_DEFAULT_ROM;
}

/* RAM the model can address, leaving room for the ROM at the top of the bus. */
static uint32_t ram_limit(const struct cpu_model_info *info)
{
    if (info->address_mask <= 0xFFFFFu)
        return 640u * 1024;                 /* the PC's conventional memory */
    if (info->address_mask <= 0xFFFFFFu)
        return 15u << 20;                   /* the AT's 15-16 MiB ROM hole */
    return 3072u << 20;                     /* the top GiB is for ROM and MMIO */
}

int main(int argc, char **argv)
{
    char err[512];
    struct options opt;
    switch (options_parse(argc, argv, &opt, stdout, err, sizeof(err))) {
    case OPTIONS_EXIT:
        return 0;
    case OPTIONS_ERROR:
        return fail(err);
    case OPTIONS_RUN:
        break;
    }

    const struct cpu_model_info *info = cpu_model_get(opt.model);
    uint64_t wanted = (uint64_t)opt.ram_mib << 20;
    uint32_t ram = wanted > ram_limit(info) ? ram_limit(info) : (uint32_t)wanted;
    if (opt.ram_given && ram < wanted)
        fprintf(stderr, "glass86: note: -m %u is more than the %s can use; using %u %s of RAM\n",
                opt.ram_mib, info->name, ram % (1u << 20) ? ram >> 10 : ram >> 20,
                ram % (1u << 20) ? "KiB" : "MiB");

    if (opt.pc) {
        FILE *dc = NULL;
        if (strcmp(opt.debugcon, "stdio") == 0) {
            dc = stdout;
        } else if (strcmp(opt.debugcon, "none") != 0 && !(dc = fopen(opt.debugcon, "w"))) {
            snprintf(err, sizeof(err), "cannot open debugcon file '%s': %s", opt.debugcon,
                     strerror(errno));
            return fail(err);
        }
        int st = run_pc(&opt, dc);
        if (dc && dc != stdout)
            fclose(dc);
        return st;
    }

    char rom_path_buf[PATH_MAX + 32];
    const char *rom_path = opt.bios ? opt.bios : default_rom(rom_path_buf, sizeof(rom_path_buf));
    uint8_t *rom = NULL;
    uint32_t rom_size = 0;
    if (rom_load_file(rom_path, &rom, &rom_size, err, sizeof(err)) != 0)
        return fail(err);

    FILE *con = NULL; /* debugcon output file we opened ourselves */
    FILE *con_out = NULL;
    if (strcmp(opt.debugcon, "stdio") == 0) {
        con_out = stdout;
    } else if (strcmp(opt.debugcon, "none") != 0) {
        con = con_out = fopen(opt.debugcon, "w");
        if (!con) {
            snprintf(err, sizeof(err), "cannot open debugcon file '%s': %s", opt.debugcon,
                     strerror(errno));
            free(rom);
            return fail(err);
        }
    }

    struct machine_config cfg = {
        .model = opt.model, .ram_bytes = ram, .check_dcache = opt.check_dcache, .log = NULL,
    };
    struct machine *m = machine_create(&cfg, err, sizeof(err));
    int status = EXIT_SETUP_ERROR;
    if (!m) {
        fail(err);
        goto out;
    }
    if (exitport_attach(m) != 0 || (con_out && debugcon_attach(m, con_out) != 0)) {
        fail("cannot attach the devices");
        goto out;
    }
    if (rom_map_bios(m, rom, rom_size, err, sizeof(err)) != 0) {
        fail(err);
        goto out;
    }
    free(rom); /* physmem keeps its own copy */
    rom = NULL;
    /* Reset last, as power-on does: everything the CPU may look at is in place. */
    machine_reset(m);

    struct outcome r;
    if (opt.gdb_port) {
        r = gdbstub_session(m, opt.gdb_port, opt.max_instructions,
                            opt.trace_ring_given ? opt.trace_ring : 0); /* monitor show ring */
    } else if (opt.debug || (opt.trace_ring_given && opt.trace_ring)) {
        /* The debugger's loop; without --debug only for the ring (no prompt). */
        struct debugger_config dc = { .out = stdout, .in = opt.debug ? stdin : NULL,
                                      .ring_size = opt.trace_ring, .script = opt.debug_script,
                                      .max_insns = opt.max_instructions };
        r = debugger_session(m, &dc, opt.debug);
    } else {
        r = run_guest(m, opt.max_instructions);
    }
    if (opt.stats)
        print_stats(m, &r);
    status = r.exit_code;
out:
    if (m)
        machine_destroy(m);
    if (con)
        fclose(con);
    free(rom);
    return status;
}
