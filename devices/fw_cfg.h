/* QEMU's firmware configuration device as the PC has it (QEMU docs/specs/fw_cfg.rst): a
 * 16-bit selector at 0x510, a byte-wide data port at 0x511 and the DMA interface at
 * 0x514-0x51B, serving numbered items and a directory of named files (item 0x19) that
 * SeaBIOS reads to learn the RAM size, the memory map and the boot order. */
#ifndef GLASS86_FW_CFG_H
#define GLASS86_FW_CFG_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct fw_cfg;

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA 0x514       /* high address word; the low word at 0x518 starts it */

/* Well-known items (QEMU include/standard-headers/linux/qemu_fw_cfg.h). */
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_UUID 0x02
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NOGRAPHIC 0x04
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_MACHINE_ID 0x06
#define FW_CFG_BOOT_DEVICE 0x0C
#define FW_CFG_NUMA 0x0D
#define FW_CFG_BOOT_MENU 0x0E
#define FW_CFG_MAX_CPUS 0x0F
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_ACPI_TABLES (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE (FW_CFG_ARCH_LOCAL + 3)

/* FW_CFG_ID feature bits and the DMA control word. */
#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10

#define FW_CFG_MAX_FILE_PATH 56     /* file names, NUL included */
#define FW_CFG_MAX_FILES 64

/* Create the device with the signature "QEMU" and the ID (traditional + DMA interface)
 * in place, and register its ports. NULL when out of memory or the ports are taken. */
struct fw_cfg *fw_cfg_create(struct machine *m);

/* Add (or replace) item `key` with a copy of `data`. 0, or -1 when out of memory or the
 * key is a file slot or the directory. */
int fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len);
/* Little-endian integers, as QEMU's fw_cfg_add_i16/i32/i64 store them. */
int fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t value);
int fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t value);
int fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t value);
/* Add a named file (a copy of `data`). The directory stays sorted by name, as QEMU keeps
 * it, so the file selectors (0x20 up) follow the names. -1 on a duplicate, a name that
 * does not fit, a full directory or no memory. */
int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len);

/* An item's bytes as the guest would read them (NULL when absent), for tests. */
const uint8_t *fw_cfg_item(const struct fw_cfg *f, uint16_t key, uint32_t *len);

#endif
