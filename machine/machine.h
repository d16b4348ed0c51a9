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
#include "devices/device.h"
#include "devices/iobus.h"
#include "machine/sched.h"
#include "mmu/physmem.h"
#include "mmu/tlb.h"
#include "mmu/watch.h"

struct machine_config {
    enum cpu_model_id model;
    uint32_t ram_bytes;
    uint32_t ips;          /* virtual instructions per second (0 = SCHED_DEFAULT_IPS) */
    bool pc_layout;        /* the PC memory map: VGA window and ROM area below 1 MiB */
    bool check_dcache;     /* re-hash cached code bytes on every block entry (debug option) */
    FILE *log;             /* where warnings such as unknown ports go; NULL = stderr */
    bool quiet;            /* drop warnings (the conformance runner's thousands of machines) */
};

/* A device instance attached to the machine: reset, saved and freed with it. */
struct device_instance {
    const struct device_ops *ops;
    void *dev;
};

/* Whoever drives the CPU's INTR pin (the 8259 pair): ISA IRQ lines go in as levels, and
 * the CPU asks whether INTR is up and runs the acknowledge cycle for a vector. */
struct interrupt_controller {
    void *opaque;
    void (*set_irq)(void *opaque, unsigned line, bool level);
    bool (*intr_pending)(void *opaque);
    uint8_t (*acknowledge)(void *opaque);
};
#define MACHINE_MAX_DEVICES 64

struct pci_bus;

struct machine {
    struct cpu cpu;
    struct physmem mem;
    struct tlb tlb;
    struct decoder_table decoder;
    struct dcache dcache;
    struct iobus io;
    struct scheduler sched;
    struct interrupt_controller intc;
    struct pci_bus *pci;   /* NULL on machines without PCI (the conformance runner's) */
    bool nmi_pending;
    /* The x87's FERR# output (cpu/fpu/fpu.h): NULL on a board that leaves it unconnected. */
    void (*ferr_changed)(void *opaque, bool asserted);
    void *ferr_opaque;
    struct machine_config config;
    struct device_instance devices[MACHINE_MAX_DEVICES];
    int device_count;
    volatile int stop_requested; /* machine_request_stop() */
    bool reset_requested;  /* machine_request_reset(): a hard reset at the next boundary */
    int exit_status;       /* set by the exit device (port 0xF4) */
    bool exit_requested;
    bool powered_off;      /* the exit was an ACPI soft-off (S5), status 0 */
    /* Debugger support (frontend/debugger.h). Both cost nothing while unused: the
     * watchpoints are looked at only on the memory slow path when armed, the interrupt
     * hook is one NULL test per interrupt delivered. */
    struct watchset watch;
    void (*interrupt_hook)(void *opaque, int vector, uint32_t error_code, bool software);
    void *interrupt_hook_opaque;
};

/* Create a machine; on failure returns NULL and writes a one-line reason to err. */
struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen);
void machine_destroy(struct machine *m);
/* Power-on reset: CPU, TLB, decode cache and devices; RAM and virtual time are kept. */
void machine_reset(struct machine *m);
/* A hard reset asked for by the guest (PCI reset control, a triple fault with reboot):
 * done by machine_run() once the current instruction has finished. */
void machine_request_reset(struct machine *m);

/* Attach a device so it is reset, saved and destroyed with the machine. 0, or -1 if full. */
int machine_add_device(struct machine *m, const struct device_ops *ops, void *dev);
/* Find an attached device by its ops name (NULL when absent). */
void *machine_find_device(struct machine *m, const char *name);

/* Interrupt lines: a device drives ISA IRQ `line` to `level`. */
void machine_set_irq(struct machine *m, unsigned line, bool level);
/* The interrupt controller's INTR output may have changed: the CPU looks between
 * instructions. */
void machine_intr_changed(struct machine *m);
void machine_set_interrupt_controller(struct machine *m, const struct interrupt_controller *ic);
void machine_raise_nmi(struct machine *m);

/* Warn once about something the guest did that glass86 does not model. */
void machine_log(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
