/* One emulated PC: the CPU, its memory, its decode cache and its devices. Everything that
 * changes while a guest runs lives in this struct, so several machines can run side by
 * side in one process (the conformance runner runs one per thread). */
#ifndef GLASS86_MACHINE_H
#define GLASS86_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "cpu/dcache.h"
#include "cpu/decode.h"
#include "devices/iobus.h"
#include "mmu/physmem.h"
#include "mmu/tlb.h"

struct machine_config {
    enum cpu_model_id model;
    uint32_t ram_bytes;
    bool check_dcache;     /* re-hash cached code bytes on every block entry (debug option) */
    FILE *log;             /* where warnings such as unknown ports go; NULL = stderr */
    bool quiet;            /* drop warnings (the conformance runner's thousands of machines) */
};

/* A device instance attached to the machine, freed with it. */
struct device_instance {
    const char *name;
    void *state;
    void (*destroy)(void *state);
};
#define MACHINE_MAX_DEVICES 32

struct machine {
    struct cpu cpu;
    struct physmem mem;
    struct tlb tlb;
    struct decoder_table decoder;
    struct dcache dcache;
    struct iobus io;
    struct machine_config config;
    struct device_instance devices[MACHINE_MAX_DEVICES];
    int device_count;
    int exit_status;       /* set by the exit device (port 0xF4) */
    bool exit_requested;
};

/* Create a machine; on failure returns NULL and writes a one-line reason to err. */
struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen);
void machine_destroy(struct machine *m);
/* Power-on reset: CPU, TLB, decode cache; RAM is kept. */
void machine_reset(struct machine *m);

/* Attach a device's state so it is destroyed with the machine. Returns 0, or -1 if full. */
int machine_add_device(struct machine *m, const char *name, void *state, void (*destroy)(void *));

/* Warn once about something the guest did that glass86 does not model. */
void machine_log(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
