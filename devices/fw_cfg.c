/* The fw_cfg device (QEMU docs/specs/fw_cfg.rst: "Selector (Control) Register", "Data
 * Register", "Directory Listing", "Direct Memory Access (DMA)"). Items are immutable
 * blobs set up by the board before the guest runs; guest writes to items are ignored,
 * as QEMU does for items not marked writable. */
#include "devices/fw_cfg.h"

#include <stdlib.h>
#include <string.h>

#include "devices/device.h"
#include "devices/iobus.h"
#include "machine/machine.h"

struct fw_item {
    uint16_t key;
    uint8_t *data;
    uint32_t len;
};

struct fw_file {
    char name[FW_CFG_MAX_FILE_PATH];
    uint8_t *data;
    uint32_t len;
};

struct fw_cfg {
    struct machine *m;
    struct fw_item *items;          /* numbered items, unsorted */
    unsigned item_count;
    struct fw_file files[FW_CFG_MAX_FILES]; /* sorted by name: selector 0x20 + index */
    unsigned file_count;
    uint8_t *dir;                   /* item 0x19, rebuilt when a file is added */
    uint32_t dir_len;
    uint16_t selector;
    uint32_t offset;                /* the next byte the data port gives */
    uint8_t dma_addr[8];            /* the DMA address register, big-endian */
};

/* "QEMU CFG" read from the DMA address register identifies the DMA interface. */
static const uint8_t dma_signature[8] = { 'Q', 'E', 'M', 'U', ' ', 'C', 'F', 'G' };

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const uint8_t *fw_cfg_item(const struct fw_cfg *f, uint16_t key, uint32_t *len)
{
    /* The write-channel bit picks the same item; only the arch-local bit is part of it. */
    key &= (uint16_t)~FW_CFG_WRITE_CHANNEL;
    *len = 0;
    if (key == FW_CFG_FILE_DIR) {
        *len = f->dir_len;
        return f->dir;
    }
    if (key >= FW_CFG_FILE_FIRST && key < FW_CFG_FILE_FIRST + f->file_count) {
        const struct fw_file *file = &f->files[key - FW_CFG_FILE_FIRST];
        *len = file->len;
        return file->data;
    }
    for (unsigned k = 0; k < f->item_count; k++) {
        if (f->items[k].key == key) {
            *len = f->items[k].len;
            return f->items[k].data;
        }
    }
    return NULL;
}

/* ---- Building the items ---- */

int fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len)
{
    key &= (uint16_t)~FW_CFG_WRITE_CHANNEL;
    if (key == FW_CFG_FILE_DIR || (key >= FW_CFG_FILE_FIRST && key < FW_CFG_ARCH_LOCAL))
        return -1;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    if (len)
        memcpy(copy, data, len);
    for (unsigned k = 0; k < f->item_count; k++) {
        if (f->items[k].key == key) {
            free(f->items[k].data);
            f->items[k].data = copy;
            f->items[k].len = len;
            return 0;
        }
    }
    struct fw_item *grown = realloc(f->items, (f->item_count + 1) * sizeof *grown);
    if (!grown) {
        free(copy);
        return -1;
    }
    f->items = grown;
    f->items[f->item_count++] = (struct fw_item){ .key = key, .data = copy, .len = len };
    return 0;
}

int fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t value)
{
    uint8_t b[2] = { (uint8_t)value, (uint8_t)(value >> 8) };
    return fw_cfg_add_bytes(f, key, b, sizeof b);
}

int fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t value)
{
    uint8_t b[4];
    for (unsigned k = 0; k < 4; k++)
        b[k] = (uint8_t)(value >> (8 * k));
    return fw_cfg_add_bytes(f, key, b, sizeof b);
}

int fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t value)
{
    uint8_t b[8];
    for (unsigned k = 0; k < 8; k++)
        b[k] = (uint8_t)(value >> (8 * k));
    return fw_cfg_add_bytes(f, key, b, sizeof b);
}

/* The directory: a big-endian count, then per file {be32 size, be16 select, be16 0,
 * char name[56]}. */
static int rebuild_dir(struct fw_cfg *f)
{
    uint32_t len = 4 + f->file_count * (8 + FW_CFG_MAX_FILE_PATH);
    uint8_t *dir = calloc(1, len);
    if (!dir)
        return -1;
    put_be32(dir, f->file_count);
    for (unsigned k = 0; k < f->file_count; k++) {
        uint8_t *e = dir + 4 + k * (8 + FW_CFG_MAX_FILE_PATH);
        put_be32(e, f->files[k].len);
        uint16_t sel = (uint16_t)(FW_CFG_FILE_FIRST + k);
        e[4] = (uint8_t)(sel >> 8);
        e[5] = (uint8_t)sel;
        memcpy(e + 8, f->files[k].name, FW_CFG_MAX_FILE_PATH);
    }
    free(f->dir);
    f->dir = dir;
    f->dir_len = len;
    return 0;
}

int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len)
{
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen >= FW_CFG_MAX_FILE_PATH || f->file_count == FW_CFG_MAX_FILES)
        return -1;
    unsigned at = 0;
    while (at < f->file_count && strcmp(f->files[at].name, name) < 0)
        at++;
    if (at < f->file_count && strcmp(f->files[at].name, name) == 0)
        return -1;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    if (len)
        memcpy(copy, data, len);
    memmove(&f->files[at + 1], &f->files[at], (f->file_count - at) * sizeof f->files[0]);
    f->file_count++;
    struct fw_file *file = &f->files[at];
    memset(file->name, 0, sizeof file->name);
    memcpy(file->name, name, nlen);
    file->data = copy;
    file->len = len;
    if (rebuild_dir(f) != 0) {
        free(copy);
        f->file_count--;
        memmove(&f->files[at], &f->files[at + 1], (f->file_count - at) * sizeof f->files[0]);
        return -1;
    }
    return 0;
}

/* ---- The guest's side ---- */

static void select_item(struct fw_cfg *f, uint16_t key)
{
    f->selector = key;
    f->offset = 0;
}

static uint8_t read_data(struct fw_cfg *f)
{
    uint32_t len;
    const uint8_t *data = fw_cfg_item(f, f->selector, &len);
    /* Past the end (or an item that does not exist) the port reads zeros. */
    if (!data || f->offset >= len)
        return 0;
    return data[f->offset++];
}

/* Run the FWCfgDmaAccess structure {be32 control, be32 length, be64 address} at `addr`
 * and write the control word back: 0 when done, the error bit on failure. Writing items
 * is not supported, so a write request fails. */
static void dma_run(struct fw_cfg *f, uint64_t addr)
{
    uint8_t access[16];
    if (addr > 0xFFFFFFF0u)
        return; /* beyond the 32-bit physical address space */
    uint32_t a = (uint32_t)addr;
    phys_read_bytes(f->m, a, access, sizeof access);
    uint32_t control = get_be32(access);
    uint32_t length = get_be32(access + 4);
    uint64_t target = (uint64_t)get_be32(access + 8) << 32 | get_be32(access + 12);
    if (control & FW_CFG_DMA_CTL_SELECT)
        select_item(f, (uint16_t)(control >> 16));
    bool read = control & FW_CFG_DMA_CTL_READ;
    bool write = !read && (control & FW_CFG_DMA_CTL_WRITE);
    bool skip = !read && !write && (control & FW_CFG_DMA_CTL_SKIP);
    uint32_t result = 0;
    if (write) {
        result = FW_CFG_DMA_CTL_ERROR;
    } else if (read || skip) {
        uint32_t len;
        const uint8_t *data = fw_cfg_item(f, f->selector, &len);
        while (length > 0) {
            if (read && target + length > 0x100000000ull) {
                result = FW_CFG_DMA_CTL_ERROR;
                break;
            }
            uint32_t n;
            if (!data || f->offset >= len) {
                /* Past the item's end: reads fill with zeros, skips do nothing. */
                n = length;
                if (read) {
                    static const uint8_t zeros[256];
                    for (uint32_t k = 0; k < n; k += sizeof zeros) {
                        uint32_t chunk = n - k < sizeof zeros ? n - k : sizeof zeros;
                        phys_write_bytes(f->m, (uint32_t)(target + k), zeros, chunk);
                    }
                }
            } else {
                n = len - f->offset < length ? len - f->offset : length;
                if (read)
                    phys_write_bytes(f->m, (uint32_t)target, data + f->offset, n);
                f->offset += n;
            }
            target += n;
            length -= n;
        }
    }
    uint8_t done[4];
    put_be32(done, result);
    phys_write_bytes(f->m, a, done, sizeof done);
}

static uint32_t fw_cfg_read(void *opaque, uint16_t port, unsigned size)
{
    struct fw_cfg *f = opaque;
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++) {
        uint16_t p = (uint16_t)(port + k);
        uint8_t b = 0;
        if (p == FW_CFG_PORT_DATA)
            b = read_data(f);
        else if (p >= FW_CFG_PORT_DMA && p < FW_CFG_PORT_DMA + 8)
            b = dma_signature[p - FW_CFG_PORT_DMA];
        v |= (uint32_t)b << (8 * k);
    }
    return v;
}

static void fw_cfg_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct fw_cfg *f = opaque;
    if (port == FW_CFG_PORT_SEL) {
        /* The selector is a 16-bit little-endian register; a byte write sets its low half
         * and clears the rest. */
        select_item(f, (uint16_t)(size >= 2 ? value : (value & 0xFF)));
        return;
    }
    if (port < FW_CFG_PORT_DMA || port >= FW_CFG_PORT_DMA + 8)
        return; /* the data port ignores writes */
    bool kick = false;
    for (unsigned k = 0; k < size && port + k < FW_CFG_PORT_DMA + 8; k++) {
        unsigned at = port + k - FW_CFG_PORT_DMA;
        f->dma_addr[at] = (uint8_t)(value >> (8 * k));
        kick |= at == 7;
    }
    /* Writing the last byte of the low address word starts the transfer (QEMU does it on
     * the 32-bit write to 0x518); the high word is consumed and cleared. */
    if (kick) {
        uint64_t addr = (uint64_t)get_be32(f->dma_addr) << 32 | get_be32(f->dma_addr + 4);
        memset(f->dma_addr, 0, sizeof f->dma_addr);
        dma_run(f, addr);
    }
}

/* ---- Device ---- */

static void fw_cfg_reset(void *dev)
{
    struct fw_cfg *f = dev;
    select_item(f, 0);
    memset(f->dma_addr, 0, sizeof f->dma_addr);
}

/* State version 1: the selector, the data offset and the DMA address register. The items
 * are the board's configuration, rebuilt identically by pc_create(). */
static void fw_cfg_save(void *dev, struct state_buf *out)
{
    struct fw_cfg *f = dev;
    state_put_u16(out, f->selector);
    state_put_u32(out, f->offset);
    state_put(out, f->dma_addr, sizeof f->dma_addr);
}

static bool fw_cfg_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct fw_cfg *f = dev;
    if (version != 1)
        return false;
    f->selector = state_get_u16(in);
    f->offset = state_get_u32(in);
    state_get(in, f->dma_addr, sizeof f->dma_addr);
    return !in->error;
}

static void fw_cfg_destroy(void *dev)
{
    struct fw_cfg *f = dev;
    for (unsigned k = 0; k < f->item_count; k++)
        free(f->items[k].data);
    for (unsigned k = 0; k < f->file_count; k++)
        free(f->files[k].data);
    free(f->items);
    free(f->dir);
    free(f);
}

static const struct device_ops fw_cfg_ops = {
    .name = "fw_cfg",
    .state_version = 1,
    .reset = fw_cfg_reset,
    .save = fw_cfg_save,
    .load = fw_cfg_load,
    .destroy = fw_cfg_destroy,
};

struct fw_cfg *fw_cfg_create(struct machine *m)
{
    struct fw_cfg *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->m = m;
    if (machine_add_device(m, &fw_cfg_ops, f) != 0) {
        free(f);
        return NULL;
    }
    if (rebuild_dir(f) != 0 || fw_cfg_add_bytes(f, FW_CFG_SIGNATURE, "QEMU", 4) != 0 ||
        fw_cfg_add_i32(f, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA) != 0)
        return NULL;
    if (iobus_register(&m->io, FW_CFG_PORT_SEL, 2, fw_cfg_read, fw_cfg_write, f,
                       IO_SIZE_8 | IO_SIZE_16, "fw_cfg") != 0 ||
        iobus_register(&m->io, FW_CFG_PORT_DMA, 8, fw_cfg_read, fw_cfg_write, f,
                       IO_SIZE_8 | IO_SIZE_16 | IO_SIZE_32, "fw_cfg-dma") != 0)
        return NULL;
    return f;
}
