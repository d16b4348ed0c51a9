/* Creating, resetting and destroying one emulated PC, and its once-only log. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "mmu/mem.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "guest memory is accessed with host loads: glass86 needs a little-endian host");

struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen)
{
    const struct cpu_model_info *model = cpu_model_get(cfg->model);
    if (!model) {
        snprintf(err, errlen, "unknown CPU model %d", (int)cfg->model);
        return NULL;
    }
    if (cfg->ram_bytes < 64 * 1024 || cfg->ram_bytes > 3u * 1024 * 1024 * 1024) {
        snprintf(err, errlen, "RAM size %u bytes is outside 64 KiB .. 3 GiB", cfg->ram_bytes);
        return NULL;
    }
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory for the machine");
        return NULL;
    }
    m->config = *cfg;
    m->cpu.model = model;
    uint32_t ram = cfg->ram_bytes;
    if (ram - 1 > model->address_mask)
        ram = model->address_mask + 1; /* the 8086 cannot address more than 1 MiB */
    if (physmem_init(&m->mem, ram, model->address_mask, cfg->pc_layout) != 0 || dcache_init(&m->dcache) != 0) {
        snprintf(err, errlen, "out of memory for %u bytes of guest RAM", ram);
        machine_destroy(m);
        return NULL;
    }
    decoder_table_build(&m->decoder, cfg->model);
    iobus_init(&m->io);
    sched_init(&m->sched, cfg->ips);
    machine_reset(m);
    return m;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    for (int k = m->device_count - 1; k >= 0; k--)
        if (m->devices[k].ops->destroy)
            m->devices[k].ops->destroy(m->devices[k].dev);
    free(m->pci);
    dcache_free(&m->dcache);
    physmem_free(&m->mem);
    free(m);
}

void machine_reset(struct machine *m)
{
    /* Virtual time is instructions retired: it must not go back, or armed timers would
     * lie far in the future. */
    uint64_t icount = m->cpu.icount;
    cpu_reset(m);
    m->cpu.icount = icount;
    m->reset_requested = false;
    tlb_flush(m);
    dcache_flush(m);
    m->mem.a20_mask = 0xFFFFFFFFu;
    m->nmi_pending = false;
    m->exit_requested = false;
    m->powered_off = false;
    m->exit_status = 0;
    for (int k = 0; k < m->device_count; k++)
        if (m->devices[k].ops->reset)
            m->devices[k].ops->reset(m->devices[k].dev);
}

int machine_add_device(struct machine *m, const struct device_ops *ops, void *dev)
{
    if (m->device_count == MACHINE_MAX_DEVICES)
        return -1;
    m->devices[m->device_count++] = (struct device_instance){ ops, dev };
    return 0;
}

void *machine_find_device(struct machine *m, const char *name)
{
    for (int k = 0; k < m->device_count; k++)
        if (strcmp(m->devices[k].ops->name, name) == 0)
            return m->devices[k].dev;
    return NULL;
}

void machine_set_interrupt_controller(struct machine *m, const struct interrupt_controller *ic)
{
    m->intc = *ic;
}

void machine_set_irq(struct machine *m, unsigned line, bool level)
{
    if (m->intc.set_irq)
        m->intc.set_irq(m->intc.opaque, line, level);
}

void machine_intr_changed(struct machine *m)
{
    cpu_signal(&m->cpu, EV_IRQ);
}

void machine_request_reset(struct machine *m)
{
    m->reset_requested = true;
    cpu_signal(&m->cpu, EV_STOP);
}

void machine_raise_nmi(struct machine *m)
{
    m->nmi_pending = true;
    cpu_signal(&m->cpu, EV_IRQ);
}

void machine_log(struct machine *m, const char *fmt, ...)
{
    if (m->config.quiet)
        return;
    FILE *out = m->config.log ? m->config.log : stderr;
    va_list ap;
    va_start(ap, fmt);
    fputs("glass86: ", out);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    va_end(ap);
}
