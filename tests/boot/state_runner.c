/* The whole-board save/load test: a PC runs N instructions, its state goes to a file and
 * into a freshly built PC; both run M more instructions, and their saved states, the
 * debug-port and COM1 output after the save, how they ended and the instruction counts
 * must agree byte for byte. Then the file is truncated, corrupted, given a bad magic and
 * loaded into a machine of another shape: each must fail with its own clear error.
 *   state_runner --firmware seabios|bochs [--hd|--fd|--cd IMAGE] [--bios FILE]
 *                --save-at N[,N...] --then M [--expect TEXT] [--fuzz N]
 * --expect: text the debug port must show by the end of the run (what the guest proves).
 * --fuzz: load N copies with one bit flipped and the CRC made right again: each may be
 * refused or loaded, none may crash (run under ASan to mean something). */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "devices/chardev.h"
#include "machine/machine.h"
#include "machine/pc.h"
#include "machine/run.h"
#include "machine/snapshot.h"

struct rig {
    struct machine *m;
    FILE *con;
    char *out;
    size_t out_len;
    struct chardev *com1;
};

static int failures;

#define FAIL(...)                                                                          \
    do {                                                                                   \
        fprintf(stderr, "state_runner: FAIL: " __VA_ARGS__);                               \
        fputc('\n', stderr);                                                               \
        failures++;                                                                        \
    } while (0)

static bool rig_create(struct rig *r, const struct pc_config *base)
{
    memset(r, 0, sizeof *r);
    struct pc_config cfg = *base;
    r->con = open_memstream(&r->out, &r->out_len);
    r->com1 = chardev_script();
    if (!r->con || !r->com1) {
        fprintf(stderr, "state_runner: out of memory\n");
        return false;
    }
    cfg.debugcon = r->con;
    cfg.serial_dev[0] = r->com1;
    cfg.quiet = true;
    char err[512];
    r->m = pc_create(&cfg, err, sizeof err);
    if (!r->m) {
        fprintf(stderr, "state_runner: %s\n", err);
        return false;
    }
    return true;
}

static void rig_destroy(struct rig *r)
{
    if (r->m)
        machine_destroy(r->m);
    if (r->con)
        fclose(r->con);
    free(r->out);
}

static size_t con_len(struct rig *r)
{
    fflush(r->con);
    return r->out_len;
}

static const uint8_t *com1_out(const struct rig *r, size_t *n)
{
    return chardev_script_output(r->com1, n);
}

/* Name the first device whose record differs, so a failure says where to look. */
static void name_differing_device(struct machine *a, struct machine *b, const char *when)
{
    for (int k = 0; k < a->device_count && k < b->device_count; k++) {
        const struct device_ops *ops = a->devices[k].ops;
        if (!ops->save)
            continue;
        struct state_buf sa = { 0 }, sb = { 0 };
        ops->save(a->devices[k].dev, &sa);
        b->devices[k].ops->save(b->devices[k].dev, &sb);
        if (sa.len != sb.len || memcmp(sa.data, sb.data, sa.len) != 0) {
            size_t at = 0;
            while (at < sa.len && at < sb.len && sa.data[at] == sb.data[at])
                at++;
            FAIL("%s: device %d '%s' differs at byte %zu of its record (%zu vs %zu bytes)",
                 when, k, ops->name, at, sa.len, sb.len);
        }
        state_free(&sa);
        state_free(&sb);
    }
}

static void compare_states(struct machine *a, struct machine *b, const char *when)
{
    char err[256];
    struct state_buf sa = { 0 }, sb = { 0 };
    if (machine_save(a, &sa, err, sizeof err) != 0 || machine_save(b, &sb, err, sizeof err) != 0) {
        FAIL("%s: %s", when, err);
    } else if (sa.len != sb.len || memcmp(sa.data, sb.data, sa.len) != 0) {
        size_t at = 0;
        while (at < sa.len && at < sb.len && sa.data[at] == sb.data[at])
            at++;
        FAIL("%s: whole saved states differ at byte %zu (%zu vs %zu bytes; CPU at "
             "%04X:%08X vs %04X:%08X)", when, at, sa.len, sb.len,
             a->cpu.seg[SEG_CS].selector, a->cpu.eip, b->cpu.seg[SEG_CS].selector, b->cpu.eip);
        name_differing_device(a, b, when);
    }
    state_free(&sa);
    state_free(&sb);
}

/* Load `data` into a fresh machine and expect failure with `want` in the message. */
static void expect_refused(const struct pc_config *cfg, const uint8_t *data, size_t len,
                           const char *want, const char *what)
{
    struct rig r;
    if (!rig_create(&r, cfg)) {
        failures++;
        rig_destroy(&r);
        return;
    }
    char err[512] = "";
    if (machine_load(r.m, data, len, err, sizeof err) == 0)
        FAIL("%s: loaded without complaint", what);
    else if (!strstr(err, want))
        FAIL("%s: error '%s' does not say '%s'", what, err, want);
    else
        printf("state_runner: %s refused: %s\n", what, err);
    rig_destroy(&r);
}

static void bad_files(const struct pc_config *cfg, const char *path, int fuzz)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        FAIL("cannot reopen %s", path);
        return;
    }
    struct state_buf b = { 0 };
    uint8_t chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        state_put(&b, chunk, n);
    fclose(f);
    expect_refused(cfg, b.data, b.len / 2, "truncated", "a file cut in half");
    expect_refused(cfg, b.data, 20, "truncated", "a file cut inside the header");
    b.data[b.len / 2] ^= 0x40;
    expect_refused(cfg, b.data, b.len, "CRC-32", "a file with one bit flipped");
    b.data[b.len / 2] ^= 0x40;
    b.data[0] = 'X';
    expect_refused(cfg, b.data, b.len, "bad magic", "a file with a bad magic");
    b.data[0] = 'G';
    struct pc_config other = *cfg;
    other.ram_bytes = cfg->ram_bytes * 2;
    expect_refused(&other, b.data, b.len, "another machine", "a state of another machine");
    /* Damage that the CRC does not see (it is recomputed): bytes changed anywhere in the
     * records may be refused or loaded, but never crash the loader. */
    struct rig r0 = { 0 };
    if (fuzz > 0 && rig_create(&r0, cfg)) {
        uint32_t seed = 12345;
        unsigned refused = 0;
        for (int k = 0; k < fuzz; k++) {
            uint8_t *copy = malloc(b.len);
            memcpy(copy, b.data, b.len);
            seed = seed * 1103515245u + 12345u;
            size_t at = 36 + (seed >> 8) % (b.len - 36);
            seed = seed * 1103515245u + 12345u;
            copy[at] ^= (uint8_t)(1u << ((seed >> 16) & 7));
            uint32_t crc = (uint32_t)crc32(crc32(0, Z_NULL, 0), copy + 36, (uInt)(b.len - 36));
            for (int i = 0; i < 4; i++)
                copy[32 + i] = (uint8_t)(crc >> (8 * i));
            char err[512];
            if (machine_load(r0.m, copy, b.len, err, sizeof err) != 0)
                refused++;
            free(copy);
        }
        printf("state_runner: %d files damaged past the CRC: %u refused, none crashed\n",
               fuzz, refused);
        rig_destroy(&r0);
    }
    state_free(&b);
    /* And through the file API: a file that is not there. */
    struct rig r;
    if (rig_create(&r, cfg)) {
        char err[512];
        if (machine_load_file(r.m, "/nonexistent/glass86.state", err, sizeof err) == 0 ||
            !strstr(err, "cannot open"))
            FAIL("a missing file: '%s'", err);
    }
    rig_destroy(&r);
}

static void round_trip(const struct pc_config *cfg, uint64_t n, uint64_t m, const char *expect,
                       const char *path)
{
    struct rig a, b;
    bool ok = rig_create(&a, cfg) && rig_create(&b, cfg);
    if (!ok) {
        failures++;
        return;
    }
    /* N counts retired instructions (a budget counts HLT skips too), so that a save
     * point names the same place in the guest's code whatever it waits for. */
    enum run_result why = RUN_BUDGET;
    while (why == RUN_BUDGET && a.m->cpu.icount < n)
        why = machine_run(a.m, n - a.m->cpu.icount);
    if (why != RUN_BUDGET) {
        FAIL("save at %llu: the guest ended before it (run result %d)", (unsigned long long)n,
             (int)why);
        goto out;
    }
    char err[512];
    if (machine_save_file(a.m, path, err, sizeof err) != 0 ||
        machine_load_file(b.m, path, err, sizeof err) != 0) {
        FAIL("save at %llu: %s", (unsigned long long)n, err);
        goto out;
    }
    char when[96];
    snprintf(when, sizeof when, "right after loading at %llu", (unsigned long long)n);
    compare_states(a.m, b.m, when);
    size_t con_at = con_len(&a), com_at;
    com1_out(&a, &com_at);
    enum run_result wa = machine_run(a.m, m), wb = machine_run(b.m, m);
    snprintf(when, sizeof when, "saved at %llu, %llu more", (unsigned long long)n,
             (unsigned long long)m);
    if (wa != wb || a.m->exit_status != b.m->exit_status)
        FAIL("%s: runs ended differently (%d/%d, status %d/%d)", when, (int)wa, (int)wb,
             a.m->exit_status, b.m->exit_status);
    if (a.m->cpu.icount != b.m->cpu.icount || a.m->sched.idle_insns != b.m->sched.idle_insns)
        FAIL("%s: %llu+%llu vs %llu+%llu instructions+idle", when,
             (unsigned long long)a.m->cpu.icount, (unsigned long long)a.m->sched.idle_insns,
             (unsigned long long)b.m->cpu.icount, (unsigned long long)b.m->sched.idle_insns);
    compare_states(a.m, b.m, when);
    size_t la = con_len(&a), lb = con_len(&b);
    if (la - con_at != lb || (lb && memcmp(a.out + con_at, b.out, lb) != 0))
        FAIL("%s: the debug port output differs (%zu vs %zu bytes)", when, la - con_at, lb);
    size_t ca, cb;
    const uint8_t *oa = com1_out(&a, &ca), *ob = com1_out(&b, &cb);
    if (ca - com_at != cb || (cb && memcmp(oa + com_at, ob, cb) != 0))
        FAIL("%s: COM1 output differs (%zu vs %zu bytes)", when, ca - com_at, cb);
    if (expect && !memmem(a.out, la, expect, strlen(expect)))
        FAIL("%s: the debug port never showed '%s'", when, expect);
    printf("state_runner: saved at %llu, ran %llu more: %llu instructions, %zu bytes of "
           "output after the save, %s\n", (unsigned long long)n, (unsigned long long)m,
           (unsigned long long)a.m->cpu.icount, lb, failures ? "FAILED" : "identical");
out:
    rig_destroy(&a);
    rig_destroy(&b);
}

static int usage(void)
{
    fprintf(stderr, "usage: state_runner --firmware seabios|bochs [--hd|--fd|--cd IMAGE] "
                    "[--bios FILE] --save-at N[,N...] --then M [--expect TEXT] [--fuzz N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct pc_config cfg = { .model = CPU_P6, .ram_bytes = 32u << 20,
                             .firmware = FIRMWARE_SEABIOS, .snapshot = true,
                             .rtc_fixed = true, .rtc_base = 1704067200,
                             .clock = PC_CLOCK_VIRTUAL };
    const char *save_at = NULL, *expect = NULL;
    uint64_t then = 0;
    int fuzz = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (strcmp(a, "--firmware") == 0) {
            if (firmware_kind_parse(v, &cfg.firmware) != 0)
                return usage();
        } else if (strcmp(a, "--hd") == 0) {
            cfg.ide[0].path = v;
            cfg.boot_order = "c";
        } else if (strcmp(a, "--fd") == 0) {
            cfg.floppy[0] = v;
            cfg.boot_order = "a";
        } else if (strcmp(a, "--cd") == 0) {
            cfg.ide[2] = (struct pc_ide_drive){ .path = v, .cdrom = true };
            cfg.boot_order = "d";
        } else if (strcmp(a, "--bios") == 0) {
            cfg.bios_path = v;
        } else if (strcmp(a, "--save-at") == 0) {
            save_at = v;
        } else if (strcmp(a, "--then") == 0) {
            then = strtoull(v, NULL, 0);
        } else if (strcmp(a, "--expect") == 0) {
            expect = v;
        } else if (strcmp(a, "--fuzz") == 0) {
            fuzz = atoi(v);
        } else {
            return usage();
        }
    }
    if (argc % 2 == 0 || !save_at || !then)
        return usage();
    char path[64];
    snprintf(path, sizeof path, "/tmp/glass86-state-%d.bin", (int)getpid());
    for (const char *p = save_at; *p;) {
        char *end;
        uint64_t n = strtoull(p, &end, 0);
        if (end == p || !n)
            return usage();
        round_trip(&cfg, n, then, expect, path);
        p = *end == ',' ? end + 1 : end;
    }
    bad_files(&cfg, path, fuzz);
    unlink(path);
    if (failures) {
        fprintf(stderr, "state_runner: %d check(s) failed\n", failures);
        return 1;
    }
    printf("state_runner: PASS\n");
    return 0;
}
