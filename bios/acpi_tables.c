/* The board's ACPI tables (ACPI spec 1.0b / 6.x chapter 5: 5.2 tables, 6.4 resource
 * descriptors, 20.2 AML encoding) and the fw_cfg linker/loader list that places them
 * (QEMU docs/specs/acpi and hw/acpi/bios-linker-loader.c describe the commands). Pointers
 * inside the blobs hold offsets into etc/acpi/tables; ADD_POINTER adds the address the
 * firmware gave that file, and ADD_CHECKSUM fixes each table's checksum afterwards. No
 * MADT: the board's CPU has no local APIC, and no table then means "dual 8259 PICs". */
#include "bios/acpi_tables.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte buffer; `failed` sticks once an allocation fails. */
struct buf {
    uint8_t *p;
    uint32_t len, cap;
    bool failed;
};

static void put(struct buf *b, const void *data, uint32_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        uint32_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *grown = realloc(b->p, cap);
        if (!grown) {
            b->failed = true;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void put8(struct buf *b, uint8_t v) { put(b, &v, 1); }
static void put16(struct buf *b, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    put(b, x, 2);
}
static void put32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    put(b, x, 4);
}
static void put_zeros(struct buf *b, uint32_t n)
{
    while (n--)
        put8(b, 0);
}
static void set32(struct buf *b, uint32_t off, uint32_t v)
{
    if (b->failed)
        return;
    for (unsigned k = 0; k < 4; k++)
        b->p[off + k] = (uint8_t)(v >> (8 * k));
}

/* ---- AML (ACPI spec 20.2) ---- */

#define AML_ZERO 0x00
#define AML_NAME 0x08
#define AML_BYTE 0x0A
#define AML_DWORD 0x0C
#define AML_SCOPE 0x10
#define AML_BUFFER 0x11
#define AML_PACKAGE 0x12
#define AML_EXT 0x5B
#define AML_DEVICE 0x82      /* after AML_EXT */
#define AML_ROOT '\\'

/* PkgLength counts itself: one byte up to 63, else a lead byte with the count of
 * following bytes in bits 7:6 and the low nibble of the length, then the rest. */
static void put_pkg(struct buf *out, const uint8_t *op, unsigned oplen, const struct buf *body)
{
    put(out, op, oplen);
    uint32_t n = body->len;
    if (n + 1 < 64) {
        put8(out, (uint8_t)(n + 1));
    } else {
        unsigned extra = n + 2 < (1u << 12) ? 1 : n + 3 < (1u << 20) ? 2 : 3;
        uint32_t total = n + 1 + extra;
        put8(out, (uint8_t)((extra << 6) | (total & 0x0F)));
        for (unsigned k = 0; k < extra; k++)
            put8(out, (uint8_t)(total >> (4 + 8 * k)));
    }
    put(out, body->p, body->len);
    if (body->failed)
        out->failed = true;
}

static void put_nameseg(struct buf *b, const char *seg)
{
    put(b, seg, 4);
}

/* EisaId("PNPxxxx"): three 5-bit letters, then four hex digits, as a DWordConst. */
static void put_eisaid(struct buf *b, const char *id)
{
    unsigned c1 = (unsigned)id[0] & 0x1F, c2 = (unsigned)id[1] & 0x1F, c3 = (unsigned)id[2] & 0x1F;
    uint8_t digits[4];
    for (unsigned k = 0; k < 4; k++) {
        char c = id[3 + k];
        digits[k] = (uint8_t)(c <= '9' ? c - '0' : c - 'A' + 10);
    }
    put8(b, AML_DWORD);
    put8(b, (uint8_t)((c1 << 2) | (c2 >> 3)));
    put8(b, (uint8_t)(((c2 & 7) << 5) | c3));
    put8(b, (uint8_t)((digits[0] << 4) | digits[1]));
    put8(b, (uint8_t)((digits[2] << 4) | digits[3]));
}

static void name_eisaid(struct buf *b, const char *seg, const char *id)
{
    put8(b, AML_NAME);
    put_nameseg(b, seg);
    put_eisaid(b, id);
}

static void name_int(struct buf *b, const char *seg, uint32_t v)
{
    put8(b, AML_NAME);
    put_nameseg(b, seg);
    if (v == 0) {
        put8(b, AML_ZERO);
    } else if (v < 256) {
        put8(b, AML_BYTE);
        put8(b, (uint8_t)v);
    } else {
        put8(b, AML_DWORD);
        put32(b, v);
    }
}

/* Name(SEG, Buffer(){ resource descriptors, end tag }) : a ResourceTemplate. */
static void name_resources(struct buf *b, const char *seg, struct buf *res)
{
    put8(res, 0x79); /* end tag, checksum 0: "treat as correct" (6.4.2.9) */
    put8(res, 0x00);
    struct buf body = { 0 };
    if (res->len < 256) {
        put8(&body, AML_BYTE);
        put8(&body, (uint8_t)res->len);
    } else {
        put8(&body, 0x0B); /* WordConst */
        put16(&body, (uint16_t)res->len);
    }
    put(&body, res->p, res->len);
    body.failed |= res->failed;
    put8(b, AML_NAME);
    put_nameseg(b, seg);
    const uint8_t op = AML_BUFFER;
    put_pkg(b, &op, 1, &body);
    free(body.p);
}

/* Resource descriptors (6.4). Flags: producer (bit 0 clear), fixed min and max. */
#define RES_FIXED_PRODUCER 0x0C
static void res_io(struct buf *r, uint16_t port, uint8_t len)
{
    put8(r, 0x47);       /* I/O port descriptor */
    put8(r, 0x01);       /* 16-bit decode */
    put16(r, port);
    put16(r, port);
    put8(r, 1);          /* alignment */
    put8(r, len);
}
static void res_irq(struct buf *r, unsigned irq)
{
    put8(r, 0x22);       /* IRQ descriptor without flags: edge, active high */
    put16(r, (uint16_t)(1u << irq));
}
static void res_word(struct buf *r, uint8_t type, uint8_t type_flags, uint16_t min, uint16_t max)
{
    put8(r, 0x88);       /* Word address space descriptor */
    put16(r, 13);
    put8(r, type);       /* 1 I/O, 2 bus numbers */
    put8(r, RES_FIXED_PRODUCER);
    put8(r, type_flags);
    put16(r, 0);         /* granularity */
    put16(r, min);
    put16(r, max);
    put16(r, 0);         /* translation */
    put16(r, (uint16_t)(max - min + 1));
}
static void res_dword_mem(struct buf *r, uint32_t min, uint32_t max)
{
    put8(r, 0x87);       /* DWord address space descriptor */
    put16(r, 23);
    put8(r, 0);          /* memory */
    put8(r, RES_FIXED_PRODUCER);
    put8(r, 0x03);       /* cacheable, read-write */
    put32(r, 0);
    put32(r, min);
    put32(r, max);
    put32(r, 0);
    put32(r, max - min + 1);
}

/* Device(SEG) { body } */
static void device(struct buf *b, const char *seg, struct buf *body)
{
    struct buf named = { 0 };
    put_nameseg(&named, seg);
    put(&named, body->p, body->len);
    named.failed |= body->failed;
    const uint8_t op[2] = { AML_EXT, AML_DEVICE };
    put_pkg(b, op, 2, &named);
    free(named.p);
}

/* The PS/2 keyboard and mouse under the ISA bridge: SeaBIOS only sets up its PS/2 code
 * when the DSDT it parses lists PNP0303, and the OS's PNP layer finds the 8042 there. */
static void isa_devices(struct buf *isa)
{
    struct buf kbd = { 0 }, kres = { 0 }, mou = { 0 }, mres = { 0 };
    name_eisaid(&kbd, "_HID", "PNP0303");
    res_io(&kres, 0x60, 1);
    res_io(&kres, 0x64, 1);
    res_irq(&kres, 1);
    name_resources(&kbd, "_CRS", &kres);
    device(isa, "KBD_", &kbd);
    name_eisaid(&mou, "_HID", "PNP0F13");
    res_irq(&mres, 12);
    name_resources(&mou, "_CRS", &mres);
    device(isa, "MOU_", &mou);
    free(kbd.p);
    free(kres.p);
    free(mou.p);
    free(mres.p);
}

/* \_SB.PCI0: the host bridge, its bus numbers and the windows it forwards (everything but
 * the config ports, the legacy VGA window and the PCI memory hole), and the PIIX3's ISA
 * bridge at 00:01.0. No _PRT: PCI interrupts keep the routing the BIOS programmed. */
static void pci_root(struct buf *sb, const struct acpi_board *board)
{
    struct buf pci = { 0 }, res = { 0 }, isa = { 0 };
    name_eisaid(&pci, "_HID", "PNP0A03");
    name_int(&pci, "_ADR", 0);
    name_int(&pci, "_UID", 0);
    res_word(&res, 2, 0x00, 0x0000, 0x00FF);
    res_io(&res, 0x0CF8, 8);
    res_word(&res, 1, 0x03, 0x0000, 0x0CF7);
    res_word(&res, 1, 0x03, 0x0D00, 0xFFFF);
    res_dword_mem(&res, 0x000A0000, 0x000BFFFF);
    res_dword_mem(&res, board->pci_mem_start, board->pci_mem_end);
    name_resources(&pci, "_CRS", &res);
    name_int(&isa, "_ADR", 0x00010000);
    isa_devices(&isa);
    device(&pci, "ISA_", &isa);
    device(sb, "PCI0", &pci);
    free(pci.p);
    free(res.p);
    free(isa.p);
}

static void dsdt_aml(struct buf *aml, const struct acpi_board *board)
{
    /* Name(\_S5, Package(4){ SLP_TYP for PM1a, for PM1b, reserved, reserved }) */
    struct buf pkg = { 0 };
    put8(&pkg, 4);
    put8(&pkg, AML_BYTE);
    put8(&pkg, board->slp_typ_s5);
    put8(&pkg, AML_BYTE);
    put8(&pkg, board->slp_typ_s5);
    put8(&pkg, AML_ZERO);
    put8(&pkg, AML_ZERO);
    put8(aml, AML_NAME);
    put8(aml, AML_ROOT);
    put_nameseg(aml, "_S5_");
    const uint8_t op = AML_PACKAGE;
    put_pkg(aml, &op, 1, &pkg);
    free(pkg.p);

    /* Scope(\_SB) { Device(PCI0) { ... } } */
    struct buf sb = { 0 };
    put8(&sb, AML_ROOT);
    put_nameseg(&sb, "_SB_");
    pci_root(&sb, board);
    const uint8_t scope = AML_SCOPE;
    put_pkg(aml, &scope, 1, &sb);
    free(sb.p);
}

/* ---- Tables (ACPI spec 5.2) ---- */

static void header(struct buf *b, const char *sig, uint8_t revision)
{
    put(b, sig, 4);
    put32(b, 0);              /* length, set by finish() */
    put8(b, revision);
    put8(b, 0);               /* checksum: the loader's ADD_CHECKSUM */
    put(b, "GLAS86", 6);      /* OEM ID */
    put(b, "GLASS86 ", 8);    /* OEM table ID */
    put32(b, 1);              /* OEM revision */
    put(b, "GL86", 4);        /* creator ID */
    put32(b, 1);              /* creator revision */
}

#define HEADER_LEN 36

static void align(struct buf *b, uint32_t to)
{
    while (b->len % to)
        put8(b, 0);
}

/* ---- The loader's command list ---- */

static void loader_entry(struct buf *l, const uint8_t entry[ACPI_LOADER_ENTRY_SIZE])
{
    put(l, entry, ACPI_LOADER_ENTRY_SIZE);
}

static void set_name(uint8_t *dst, const char *name)
{
    strncpy((char *)dst, name, ACPI_LOADER_FILESZ - 1);
}

static void loader_allocate(struct buf *l, const char *file, uint32_t alignment, uint8_t zone)
{
    uint8_t e[ACPI_LOADER_ENTRY_SIZE] = { 0 };
    e[0] = ACPI_LOADER_ALLOCATE;
    set_name(e + 4, file);
    for (unsigned k = 0; k < 4; k++)
        e[4 + ACPI_LOADER_FILESZ + k] = (uint8_t)(alignment >> (8 * k));
    e[4 + ACPI_LOADER_FILESZ + 4] = zone;
    loader_entry(l, e);
}

/* The `size`-byte little-endian value at dest_file+offset gets src_file's address added. */
static void loader_pointer(struct buf *l, const char *dest, const char *src, uint32_t offset,
                           uint8_t size)
{
    uint8_t e[ACPI_LOADER_ENTRY_SIZE] = { 0 };
    e[0] = ACPI_LOADER_ADD_POINTER;
    set_name(e + 4, dest);
    set_name(e + 4 + ACPI_LOADER_FILESZ, src);
    for (unsigned k = 0; k < 4; k++)
        e[4 + 2 * ACPI_LOADER_FILESZ + k] = (uint8_t)(offset >> (8 * k));
    e[4 + 2 * ACPI_LOADER_FILESZ + 4] = size;
    loader_entry(l, e);
}

/* The byte at file+offset is adjusted so that bytes [start, start+length) sum to 0. */
static void loader_checksum(struct buf *l, const char *file, uint32_t offset, uint32_t start,
                            uint32_t length)
{
    uint8_t e[ACPI_LOADER_ENTRY_SIZE] = { 0 };
    e[0] = ACPI_LOADER_ADD_CHECKSUM;
    set_name(e + 4, file);
    uint32_t v[3] = { offset, start, length };
    for (unsigned n = 0; n < 3; n++)
        for (unsigned k = 0; k < 4; k++)
            e[4 + ACPI_LOADER_FILESZ + 4 * n + k] = (uint8_t)(v[n] >> (8 * k));
    loader_entry(l, e);
}

/* Fill in a table's length and tell the loader to checksum it. */
static void finish(struct buf *t, struct buf *l, uint32_t start)
{
    set32(t, start + 4, t->len - start);
    loader_checksum(l, ACPI_FILE_TABLES, start + 9, start, t->len - start);
}

/* FADT revision 1 (ACPI 1.0b 5.2.5, 116 bytes): the PIIX4 PM blocks, SCI on a PIC IRQ,
 * no SMI command port (always in ACPI mode), no C2/C3, the CMOS century byte. */
#define FADT_FLAG_WBINVD (1u << 0)
#define FADT_FLAG_PROC_C1 (1u << 2)
#define FADT_FLAG_PWR_BUTTON (1u << 4)   /* set: no fixed-feature power button */
#define FADT_FLAG_SLP_BUTTON (1u << 5)   /* set: no fixed-feature sleep button */
#define FADT_FLAG_FIX_RTC (1u << 6)      /* set: no RTC wake status in PM1 */
static void fadt(struct buf *t, struct buf *l, const struct acpi_board *board, uint32_t facs,
                 uint32_t dsdt)
{
    uint32_t start = t->len;
    header(t, "FACP", 1);
    put32(t, facs);               /* FIRMWARE_CTRL: patched by the loader */
    put32(t, dsdt);               /* DSDT: likewise */
    put8(t, 0);                   /* INT_MODEL: dual 8259 PICs */
    put8(t, 0);                   /* reserved */
    put16(t, board->sci_irq);     /* SCI_INT */
    put32(t, 0);                  /* SMI_CMD: none, the hardware is always in ACPI mode */
    put8(t, 0);                   /* ACPI_ENABLE */
    put8(t, 0);                   /* ACPI_DISABLE */
    put8(t, 0);                   /* S4BIOS_REQ */
    put8(t, 0);                   /* reserved */
    put32(t, board->pm_base + 0x00u);   /* PM1a_EVT_BLK: PMSTS, PMEN */
    put32(t, 0);                        /* PM1b_EVT_BLK */
    put32(t, board->pm_base + 0x04u);   /* PM1a_CNT_BLK: PMCNTRL */
    put32(t, 0);                        /* PM1b_CNT_BLK */
    put32(t, 0);                        /* PM2_CNT_BLK */
    put32(t, board->pm_base + 0x08u);   /* PM_TMR_BLK */
    put32(t, 0);                        /* GPE0_BLK: no general-purpose events */
    put32(t, 0);                        /* GPE1_BLK */
    put8(t, 4);                   /* PM1_EVT_LEN */
    put8(t, 2);                   /* PM1_CNT_LEN */
    put8(t, 0);                   /* PM2_CNT_LEN */
    put8(t, 4);                   /* PM_TM_LEN */
    put8(t, 0);                   /* GPE0_BLK_LEN */
    put8(t, 0);                   /* GPE1_BLK_LEN */
    put8(t, 0);                   /* GPE1_BASE */
    put8(t, 0);                   /* reserved */
    put16(t, 101);                /* P_LVL2_LAT > 100: no C2 */
    put16(t, 1001);               /* P_LVL3_LAT > 1000: no C3 */
    put16(t, 0);                  /* FLUSH_SIZE */
    put16(t, 0);                  /* FLUSH_STRIDE */
    put8(t, 0);                   /* DUTY_OFFSET */
    put8(t, 0);                   /* DUTY_WIDTH */
    put8(t, 0);                   /* DAY_ALRM: no day-of-month alarm */
    put8(t, 0);                   /* MON_ALRM */
    put8(t, 0x32);                /* CENTURY: CMOS byte 0x32 */
    put_zeros(t, 3);              /* reserved */
    put32(t, FADT_FLAG_WBINVD | FADT_FLAG_PROC_C1 | FADT_FLAG_PWR_BUTTON |
                 FADT_FLAG_SLP_BUTTON | FADT_FLAG_FIX_RTC);
    loader_pointer(l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, start + 36, 4);
    loader_pointer(l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, start + 40, 4);
    finish(t, l, start);
}

int acpi_build(const struct acpi_board *board, struct acpi_blobs *out)
{
    memset(out, 0, sizeof *out);
    struct buf t = { 0 }, l = { 0 }, r = { 0 }, aml = { 0 };

    /* The FACS must be 64-byte aligned: it opens the blob, which is allocated so. */
    loader_allocate(&l, ACPI_FILE_TABLES, 64, ACPI_LOADER_ZONE_HIGH);
    out->facs_off = t.len;
    put(&t, "FACS", 4);
    put32(&t, 64);
    put32(&t, 0);                 /* hardware signature */
    put32(&t, 0);                 /* firmware waking vector */
    put32(&t, 0);                 /* global lock */
    put32(&t, 0);                 /* flags: no S4BIOS */
    put_zeros(&t, 40);

    out->dsdt_off = t.len;
    header(&t, "DSDT", 1);
    dsdt_aml(&aml, board);
    put(&t, aml.p, aml.len);
    t.failed |= aml.failed;
    finish(&t, &l, out->dsdt_off);
    align(&t, 4);

    out->fadt_off = t.len;
    fadt(&t, &l, board, out->facs_off, out->dsdt_off);
    align(&t, 4);

    out->rsdt_off = t.len;
    header(&t, "RSDT", 1);
    put32(&t, out->fadt_off);
    loader_pointer(&l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, out->rsdt_off + HEADER_LEN, 4);
    finish(&t, &l, out->rsdt_off);

    /* RSDP revision 0 (20 bytes), in the F segment where the OS searches for it. */
    loader_allocate(&l, ACPI_FILE_RSDP, 16, ACPI_LOADER_ZONE_FSEG);
    put(&r, "RSD PTR ", 8);
    put8(&r, 0);                  /* checksum of the 20 bytes */
    put(&r, "GLAS86", 6);
    put8(&r, 0);                  /* revision 0: ACPI 1.0, RSDT only */
    put32(&r, out->rsdt_off);
    loader_pointer(&l, ACPI_FILE_RSDP, ACPI_FILE_TABLES, 16, 4);
    loader_checksum(&l, ACPI_FILE_RSDP, 8, 0, 20);

    free(aml.p);
    if (t.failed || l.failed || r.failed) {
        free(t.p);
        free(l.p);
        free(r.p);
        memset(out, 0, sizeof *out);
        return -1;
    }
    out->tables = t.p;
    out->tables_len = t.len;
    out->loader = l.p;
    out->loader_len = l.len;
    out->rsdp = r.p;
    out->rsdp_len = r.len;
    return 0;
}

void acpi_blobs_free(struct acpi_blobs *b)
{
    free(b->rsdp);
    free(b->tables);
    free(b->loader);
    b->rsdp = b->tables = b->loader = NULL;
}
