/* The shared fixture of the chipset and disk tests (see chipset_fixture.h). */
#include "chipset_fixture.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/i440fx.h"
#include "devices/ide.h"
#include "devices/piix3.h"

static void record_irq(void *opaque, unsigned line, bool level)
{
    struct chipset_fixture *f = opaque;
    if (line >= 16)
        return;
    if (level && !f->irq[line])
        f->rises[line]++;
    f->irq[line] = level;
}

static bool no_intr(void *opaque)
{
    return false;
}

static uint8_t no_vector(void *opaque)
{
    return 0;
}

struct chipset_fixture *fix_create(uint32_t ram_bytes)
{
    struct chipset_fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    struct machine_config cfg = { .model = CPU_P6, .ram_bytes = ram_bytes, .pc_layout = true,
                                  .quiet = true };
    char err[256] = "";
    f->m = machine_create(&cfg, err, sizeof err);
    if (!f->m)
        fail_msg("machine_create: %s", err);
    struct interrupt_controller ic = { .opaque = f, .set_irq = record_irq,
                                       .intr_pending = no_intr, .acknowledge = no_vector };
    machine_set_interrupt_controller(f->m, &ic);
    f->host = i440fx_create(f->m);
    assert_non_null(f->host);
    f->ide = ide_create(f->m);
    assert_non_null(f->ide);
    f->isa = piix3_create(f->m, f->ide);
    assert_non_null(f->isa);
    snprintf(f->dir, sizeof f->dir, "/tmp/glass86-devtest-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    return f;
}

void fix_destroy(struct chipset_fixture *f)
{
    machine_destroy(f->m);
    for (int k = 0; k < f->file_count; k++) {
        unlink(f->files[k]);
        free(f->files[k]);
    }
    rmdir(f->dir);
    free(f);
}

void fix_advance(struct chipset_fixture *f, uint64_t ns)
{
    f->m->sched.idle_insns += sched_ns_to_insns(&f->m->sched, ns) + 1;
    sched_run_due(f->m);
}

void fix_settle(struct chipset_fixture *f)
{
    for (int k = 0; k < 100000 && f->m->sched.armed; k++) {
        f->m->sched.idle_insns += sched_insns_until_next(f->m);
        sched_run_due(f->m);
    }
    assert_null(f->m->sched.armed);
}

static uint32_t address(unsigned dev, unsigned fn, unsigned reg)
{
    return 0x80000000u | dev << 11 | fn << 8 | (reg & 0xFC);
}

uint32_t fix_pci_read(struct chipset_fixture *f, unsigned dev, unsigned fn, unsigned reg,
                      unsigned size)
{
    io_write(f->m, 0xCF8, address(dev, fn, reg), 4);
    return io_read(f->m, (uint16_t)(0xCFC + (reg & 3)), size);
}

void fix_pci_write(struct chipset_fixture *f, unsigned dev, unsigned fn, unsigned reg,
                   uint32_t value, unsigned size)
{
    io_write(f->m, 0xCF8, address(dev, fn, reg), 4);
    io_write(f->m, (uint16_t)(0xCFC + (reg & 3)), value, size);
}

void fix_enable_busmaster(struct chipset_fixture *f, uint16_t port)
{
    fix_pci_write(f, 1, 1, 0x20, port, 4);
    fix_pci_write(f, 1, 1, 0x04, 0x0005, 2);
}

uint8_t fix_pattern(uint64_t offset, unsigned sector_size)
{
    uint64_t s = offset / sector_size;
    return (uint8_t)((s * 31) ^ (offset % sector_size) ^ (s >> 8) ^ (sector_size >> 9));
}

static char *new_path(struct chipset_fixture *f, const char *name)
{
    assert_true(f->file_count < FIX_MAX_FILES);
    char *path = malloc(strlen(f->dir) + strlen(name) + 2);
    assert_non_null(path);
    sprintf(path, "%s/%s", f->dir, name);
    f->files[f->file_count++] = path;
    return path;
}

const char *fix_make_sparse(struct chipset_fixture *f, const char *name, uint64_t size)
{
    char *path = new_path(f, name);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)size), 0);
    close(fd);
    return path;
}

void fix_file_write(const char *path, uint64_t offset, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, data, len, (off_t)offset), (ssize_t)len);
    close(fd);
}

void fix_file_read(const char *path, uint64_t offset, void *data, size_t len)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, data, len, (off_t)offset), (ssize_t)len);
    close(fd);
}

const char *fix_make_image(struct chipset_fixture *f, const char *name, uint64_t size,
                           unsigned sector_size)
{
    char *path = new_path(f, name);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    assert_true(fd >= 0);
    uint8_t chunk[4096];
    for (uint64_t off = 0; off < size; off += sizeof chunk) {
        size_t n = size - off < sizeof chunk ? (size_t)(size - off) : sizeof chunk;
        for (size_t k = 0; k < n; k++)
            chunk[k] = fix_pattern(off + k, sector_size);
        assert_int_equal(write(fd, chunk, n), (ssize_t)n);
    }
    close(fd);
    return path;
}

uint64_t fix_hash_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    uint64_t h = 0xcbf29ce484222325ull;
    int c;
    while ((c = fgetc(fp)) != EOF)
        h = (h ^ (uint8_t)c) * 0x100000001b3ull;
    fclose(fp);
    return h;
}
