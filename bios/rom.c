/* Raw ROM images: read with a size cap (the file may be a pipe or a device, so the size
 * is learnt by reading, never trusted from stat), then copied into ROM regions. */
#include "bios/rom.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "machine/machine.h"

int rom_load_file(const char *path, uint8_t **data, uint32_t *size, char *err, size_t errlen)
{
    *data = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open ROM '%s': %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "ROM '%s' is a directory", path);
        fclose(f);
        return -1;
    }
    /* One byte more than allowed, to tell "exactly the maximum" from "too big". */
    uint8_t *buf = malloc(ROM_MAX_SIZE + 1);
    if (!buf) {
        snprintf(err, errlen, "out of memory reading ROM '%s'", path);
        fclose(f);
        return -1;
    }
    size_t n = fread(buf, 1, ROM_MAX_SIZE + 1, f);
    bool failed = ferror(f) != 0;
    int saved_errno = errno;
    fclose(f);
    if (failed) {
        snprintf(err, errlen, "cannot read ROM '%s': %s", path, strerror(saved_errno));
    } else if (n == 0) {
        snprintf(err, errlen, "ROM '%s' is empty", path);
        failed = true;
    } else if (n > ROM_MAX_SIZE) {
        snprintf(err, errlen, "ROM '%s' is larger than %u KiB", path, ROM_MAX_SIZE / 1024);
        failed = true;
    }
    if (failed) {
        free(buf);
        return -1;
    }
    *data = buf;
    *size = (uint32_t)n;
    return 0;
}

int rom_map_bios(struct machine *m, const uint8_t *data, uint32_t size, char *err,
                 size_t errlen)
{
    if (size == 0 || size > ROM_MAX_SIZE) {
        snprintf(err, errlen, "ROM size %u is out of range", size);
        return -1;
    }
    uint32_t bus_mask = m->cpu.model->address_mask;
    /* Above 1 MiB the whole image sits at the very top of the bus, where the 286 and
     * later fetch their first instruction (CS base FF0000 / FFFF0000 after reset). */
    if (bus_mask > 0xFFFFFu) {
        uint32_t base = bus_mask - (size - 1);
        if (physmem_map_rom(&m->mem, base, data, size, "bios") != 0) {
            snprintf(err, errlen, "cannot map the ROM at 0x%08x (overlaps RAM or another region)",
                     base);
            return -1;
        }
    }
    /* Its last 128 KiB also end at 0xFFFFF, where real-mode code (and the 8086's reset
     * vector F000:FFF0) finds the BIOS. */
    uint32_t low_size = size < ROM_LOW_WINDOW ? size : ROM_LOW_WINDOW;
    uint32_t low_base = 0x100000u - low_size;
    const uint8_t *low = data + (size - low_size);
    /* physmem's RAM is one flat block from 0 with no hole at 640 KiB-1 MiB, so with the
     * default 32 MiB the window lies in RAM: the image is copied there instead, as a BIOS
     * shadows itself (but unlike a chipset's shadow RAM it stays writable). */
    uint32_t in_ram = 0;
    if (low_base < m->mem.ram_size) {
        in_ram = m->mem.ram_size - low_base < low_size ? m->mem.ram_size - low_base : low_size;
        phys_write_bytes(m, low_base, low, in_ram);
    }
    if (in_ram < low_size &&
        physmem_map_rom(&m->mem, low_base + in_ram, low + in_ram, low_size - in_ram,
                        "bios-low") != 0) {
        snprintf(err, errlen, "cannot map the ROM at 0x%05x (overlaps another region)",
                 low_base + in_ram);
        return -1;
    }
    return 0;
}
