/* The ACPI tables of the PC board (ACPI 1.0b layouts, as the spec's chapter 5 keeps them:
 * RSDP, RSDT, FADT revision 1, FACS, and a DSDT of hand-assembled AML), built the way
 * QEMU hands them to SeaBIOS: two fw_cfg blobs and a linker/loader command list that the
 * firmware runs to place them in memory, patch their pointers and fill in checksums. */
#ifndef GLASS86_ACPI_TABLES_H
#define GLASS86_ACPI_TABLES_H

#include <stdint.h>

/* fw_cfg file names, as QEMU's hw/acpi/bios-linker-loader.c and SeaBIOS use them. */
#define ACPI_FILE_RSDP "etc/acpi/rsdp"
#define ACPI_FILE_TABLES "etc/acpi/tables"
#define ACPI_FILE_LOADER "etc/table-loader"

/* The loader's commands: 128-byte entries, little-endian (SeaBIOS src/fw/romfile_loader.h). */
#define ACPI_LOADER_ENTRY_SIZE 128
#define ACPI_LOADER_FILESZ 56
#define ACPI_LOADER_ALLOCATE 1
#define ACPI_LOADER_ADD_POINTER 2
#define ACPI_LOADER_ADD_CHECKSUM 3
#define ACPI_LOADER_ZONE_HIGH 1
#define ACPI_LOADER_ZONE_FSEG 2

struct acpi_board {
    uint16_t pm_base;        /* the PIIX4 PM I/O block (PMBA as the BIOS sets it) */
    uint8_t sci_irq;         /* ISA IRQ of the SCI */
    uint8_t slp_typ_s5;      /* PM1_CNT.SLP_TYP value for soft off */
    uint32_t pci_mem_start;  /* the PCI memory window below 4 GiB ... */
    uint32_t pci_mem_end;    /* ... its last byte */
};

struct acpi_blobs {
    uint8_t *rsdp;
    uint32_t rsdp_len;
    uint8_t *tables;
    uint32_t tables_len;
    uint8_t *loader;
    uint32_t loader_len;
    /* Where each table starts inside `tables` (for tests and the debugger). */
    uint32_t facs_off, dsdt_off, fadt_off, rsdt_off;
};

/* Build the three blobs. 0, or -1 when out of memory (nothing to free then). */
int acpi_build(const struct acpi_board *board, struct acpi_blobs *out);
void acpi_blobs_free(struct acpi_blobs *b);

#endif
