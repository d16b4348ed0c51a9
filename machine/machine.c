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
    if (physmem_init(&m->mem, ram, model->address_mask) != 0 || dcache_init(&m->dcache) != 0) {
        snprintf(err, errlen, "out of memory for %u bytes of guest RAM", ram);
        machine_destroy(m);
        return NULL;
    }
    decoder_table_build(&m->decoder, cfg->model);
    iobus_init(&m->io);
    machine_reset(m);
    return m;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    for (int k = m->device_count - 1; k >= 0; k--)
        if (m->devices[k].destroy)
            m->devices[k].destroy(m->devices[k].state);
    dcache_free(&m->dcache);
    physmem_free(&m->mem);
    free(m);
}

void machine_reset(struct machine *m)
{
    cpu_reset(m);
    tlb_flush(m);
    dcache_flush(m);
    m->exit_requested = false;
    m->exit_status = 0;
}

int machine_add_device(struct machine *m, const char *name, void *state, void (*destroy)(void *))
{
    if (m->device_count == MACHINE_MAX_DEVICES)
        return -1;
    m->devices[m->device_count++] = (struct device_instance){ name, state, destroy };
    return 0;
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
