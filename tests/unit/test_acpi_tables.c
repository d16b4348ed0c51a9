/* The ACPI tables of bios/acpi_tables.c as a guest finds them: the linker/loader list is
 * run here the way SeaBIOS runs it (allocate, add pointers, fix checksums) at made-up
 * addresses, then every table is checked from the RSDP down: signatures, lengths,
 * checksums, the FADT's fields, and the AML of \_S5 and of the PCI root bridge, decoded
 * with an independent reading of the AML encoding rules (ACPI spec 20.2). */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bios/acpi_tables.h"

#define TABLES_ADDR 0x07FE0040u  /* where the "firmware" puts etc/acpi/tables */
#define RSDP_ADDR 0x000F6A10u    /* and etc/acpi/rsdp */

static const struct acpi_board board = {
    .pm_base = 0x600, .sci_irq = 9, .slp_typ_s5 = 0,
    .pci_mem_start = 0x08000000u, .pci_mem_end = 0xFEBFFFFFu,
};

struct linked {
    struct acpi_blobs blobs;
    uint8_t *tables, *rsdp;      /* copies with the loader's commands applied */
    uint32_t tables_addr, rsdp_addr;
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint8_t sum(const uint8_t *p, uint32_t n)
{
    uint8_t s = 0;
    while (n--)
        s = (uint8_t)(s + *p++);
    return s;
}

/* One file of the loader's world: its bytes and the address it was given. */
struct file {
    const char *name;
    uint8_t *data;
    uint32_t len, addr;
    bool allocated;
};

static struct file *find(struct file *files, unsigned n, const uint8_t *name)
{
    assert_int_equal(name[ACPI_LOADER_FILESZ - 1], 0); /* NUL-terminated within 56 bytes */
    for (unsigned k = 0; k < n; k++)
        if (strcmp(files[k].name, (const char *)name) == 0)
            return &files[k];
    fail_msg("the loader names a file that is not there: %s", (const char *)name);
    return NULL;
}

/* SeaBIOS's romfile_loader_execute(), as its source and QEMU's linker describe it. */
static void run_loader(struct linked *l)
{
    struct file files[2] = {
        { ACPI_FILE_TABLES, l->tables, l->blobs.tables_len, TABLES_ADDR, false },
        { ACPI_FILE_RSDP, l->rsdp, l->blobs.rsdp_len, RSDP_ADDR, false },
    };
    assert_int_equal(l->blobs.loader_len % ACPI_LOADER_ENTRY_SIZE, 0);
    unsigned pointers = 0, checksums = 0;
    for (uint32_t off = 0; off < l->blobs.loader_len; off += ACPI_LOADER_ENTRY_SIZE) {
        const uint8_t *e = l->blobs.loader + off;
        const uint8_t *u = e + 4;
        switch (le32(e)) {
        case ACPI_LOADER_ALLOCATE: {
            struct file *f = find(files, 2, u);
            uint32_t align = le32(u + ACPI_LOADER_FILESZ);
            uint8_t zone = u[ACPI_LOADER_FILESZ + 4];
            assert_true(align && (align & (align - 1)) == 0);
            assert_int_equal(f->addr % align, 0);
            /* The RSDP must be where the OS searches: the BIOS's F segment. */
            assert_int_equal(zone, f->data == l->rsdp ? ACPI_LOADER_ZONE_FSEG
                                                      : ACPI_LOADER_ZONE_HIGH);
            f->allocated = true;
            break;
        }
        case ACPI_LOADER_ADD_POINTER: {
            struct file *dst = find(files, 2, u), *src = find(files, 2, u + ACPI_LOADER_FILESZ);
            uint32_t at = le32(u + 2 * ACPI_LOADER_FILESZ);
            uint8_t size = u[2 * ACPI_LOADER_FILESZ + 4];
            assert_true(dst->allocated && src->allocated);
            assert_int_equal(size, 4);
            assert_true(at + size <= dst->len);
            uint32_t v = le32(dst->data + at);
            assert_true(v < src->len); /* an offset into the source file before patching */
            v += src->addr;
            for (unsigned k = 0; k < 4; k++)
                dst->data[at + k] = (uint8_t)(v >> (8 * k));
            pointers++;
            break;
        }
        case ACPI_LOADER_ADD_CHECKSUM: {
            struct file *f = find(files, 2, u);
            uint32_t at = le32(u + ACPI_LOADER_FILESZ), start = le32(u + ACPI_LOADER_FILESZ + 4);
            uint32_t len = le32(u + ACPI_LOADER_FILESZ + 8);
            assert_true(f->allocated);
            assert_true(at >= start && at < start + len && start + len <= f->len);
            f->data[at] = (uint8_t)(f->data[at] - sum(f->data + start, len));
            checksums++;
            break;
        }
        default:
            fail_msg("unknown loader command %u", le32(e));
        }
    }
    /* FADT->FACS, FADT->DSDT, RSDT->FADT, RSDP->RSDT; DSDT, FADT, RSDT, RSDP. */
    assert_int_equal(pointers, 4);
    assert_int_equal(checksums, 4);
}

static int setup_with(void **state, const struct acpi_board *b)
{
    struct linked *l = calloc(1, sizeof *l);
    assert_non_null(l);
    assert_int_equal(acpi_build(b, &l->blobs), 0);
    l->tables = malloc(l->blobs.tables_len);
    l->rsdp = malloc(l->blobs.rsdp_len);
    assert_non_null(l->tables);
    assert_non_null(l->rsdp);
    memcpy(l->tables, l->blobs.tables, l->blobs.tables_len);
    memcpy(l->rsdp, l->blobs.rsdp, l->blobs.rsdp_len);
    l->tables_addr = TABLES_ADDR;
    l->rsdp_addr = RSDP_ADDR;
    run_loader(l);
    *state = l;
    return 0;
}

static int setup(void **state) { return setup_with(state, &board); }

static int teardown(void **state)
{
    struct linked *l = *state;
    acpi_blobs_free(&l->blobs);
    free(l->tables);
    free(l->rsdp);
    free(l);
    return 0;
}

/* A table at a guest address: its bytes inside the linked tables blob. */
static const uint8_t *table_at(const struct linked *l, uint32_t addr, const char *sig)
{
    assert_true(addr >= l->tables_addr && addr - l->tables_addr + 8 <= l->blobs.tables_len);
    const uint8_t *t = l->tables + (addr - l->tables_addr);
    assert_memory_equal(t, sig, 4);
    return t;
}

/* A table with the standard header: its length fits and its bytes sum to zero. */
static uint32_t check_sdt(const struct linked *l, const uint8_t *t, uint32_t want_len)
{
    uint32_t len = le32(t + 4);
    assert_true(len >= 36);
    assert_true(t - l->tables + len <= l->blobs.tables_len);
    if (want_len)
        assert_int_equal(len, want_len);
    assert_int_equal(sum(t, len), 0);
    return len;
}

static const uint8_t *fadt_of(const struct linked *l)
{
    assert_memory_equal(l->rsdp, "RSD PTR ", 8);
    const uint8_t *rsdt = table_at(l, le32(l->rsdp + 16), "RSDT");
    return table_at(l, le32(rsdt + 36), "FACP");
}

static void test_rsdp_and_rsdt(void **state)
{
    struct linked *l = *state;
    assert_int_equal(l->blobs.rsdp_len, 20);
    assert_memory_equal(l->rsdp, "RSD PTR ", 8);
    assert_int_equal(sum(l->rsdp, 20), 0);
    assert_int_equal(l->rsdp[15], 0); /* revision 0: ACPI 1.0, RSDT only */
    const uint8_t *rsdt = table_at(l, le32(l->rsdp + 16), "RSDT");
    /* One entry, the FADT: no MADT, since the CPU has no APIC. */
    check_sdt(l, rsdt, 36 + 4);
    table_at(l, le32(rsdt + 36), "FACP");
}

static void test_fadt_fields(void **state)
{
    struct linked *l = *state;
    const uint8_t *f = fadt_of(l);
    check_sdt(l, f, 116);
    assert_int_equal(f[8], 1);                      /* revision 1 */
    uint32_t facs = le32(f + 36), dsdt = le32(f + 40);
    assert_int_equal(facs % 64, 0);
    const uint8_t *fc = table_at(l, facs, "FACS");
    assert_int_equal(le32(fc + 4), 64);
    table_at(l, dsdt, "DSDT");
    assert_int_equal(f[44], 0);                     /* INT_MODEL: dual PIC */
    assert_int_equal(le16(f + 46), board.sci_irq);  /* SCI_INT */
    assert_int_equal(le32(f + 48), 0);              /* SMI_CMD: always ACPI mode */
    assert_int_equal(le32(f + 56), board.pm_base);  /* PM1a_EVT_BLK */
    assert_int_equal(le32(f + 60), 0);
    assert_int_equal(le32(f + 64), board.pm_base + 4u); /* PM1a_CNT_BLK */
    assert_int_equal(le32(f + 68), 0);
    assert_int_equal(le32(f + 76), board.pm_base + 8u); /* PM_TMR_BLK */
    assert_int_equal(f[88], 4);                     /* PM1_EVT_LEN */
    assert_int_equal(f[89], 2);                     /* PM1_CNT_LEN */
    assert_int_equal(f[91], 4);                     /* PM_TM_LEN */
    assert_true(le16(f + 96) > 100);                /* no C2 */
    assert_true(le16(f + 98) > 1000);               /* no C3 */
    assert_int_equal(f[108], 0x32);                 /* CENTURY */
    uint32_t flags = le32(f + 112);
    assert_true(flags & (1u << 0));                 /* WBINVD works */
    assert_true(flags & (1u << 2));                 /* C1 (HLT) */
    assert_false(flags & (1u << 8));                /* the PM timer is 24 bits */
}

/* ---- An AML reader, enough for the objects the DSDT holds ---- */

struct aml {
    const uint8_t *p, *end;
};

/* PkgLength (20.2.4): returns the end of the package it opens. */
static const uint8_t *pkg_end(struct aml *a)
{
    const uint8_t *start = a->p;
    uint8_t lead = *a->p++;
    unsigned follow = lead >> 6;
    uint32_t len = follow ? lead & 0x0F : lead & 0x3F;
    for (unsigned k = 0; k < follow; k++)
        len |= (uint32_t)*a->p++ << (4 + 8 * k);
    assert_true(start + len <= a->end);
    return start + len;
}

static uint32_t integer(struct aml *a)
{
    uint8_t op = *a->p++;
    switch (op) {
    case 0x00: return 0;
    case 0x01: return 1;
    case 0x0A: return *a->p++;
    case 0x0B: a->p += 2; return le16(a->p - 2);
    case 0x0C: a->p += 4; return le32(a->p - 4);
    default: fail_msg("not an integer: opcode 0x%02x", op); return 0;
    }
}

/* Find Name(SEG, ...) among the objects of [p, end), descending into scopes and devices;
 * returns a reader positioned at the object's value. */
static bool find_name(const uint8_t *p, const uint8_t *end, const char *seg, struct aml *out)
{
    struct aml a = { p, end };
    while (a.p < a.end) {
        uint8_t op = *a.p++;
        if (op == 0x08) {                      /* NameOp NameString DataRefObject */
            if (*a.p == '\\')
                a.p++;
            bool hit = memcmp(a.p, seg, 4) == 0;
            a.p += 4;
            if (hit) {
                *out = (struct aml){ a.p, a.end };
                return true;
            }
            uint8_t v = *a.p;
            if (v == 0x11 || v == 0x12) {      /* Buffer, Package: skip by length */
                a.p++;
                a.p = pkg_end(&a);
            } else {
                integer(&a);
            }
        } else if (op == 0x10 || (op == 0x5B && *a.p == 0x82)) {
            if (op == 0x5B)
                a.p++;
            const uint8_t *body_end = pkg_end(&a);
            if (*a.p == '\\')
                a.p++;
            a.p += 4;                          /* one NameSeg */
            if (find_name(a.p, body_end, seg, out))
                return true;
            a.p = body_end;
        } else {
            fail_msg("unexpected AML opcode 0x%02x", op);
        }
    }
    assert_true(a.p == a.end); /* the packages tile the table exactly */
    return false;
}

static void dsdt_aml(const struct linked *l, const uint8_t **p, const uint8_t **end)
{
    const uint8_t *f = fadt_of(l);
    const uint8_t *d = table_at(l, le32(f + 40), "DSDT");
    uint32_t len = check_sdt(l, d, 0);
    assert_int_equal(d[8], 1);   /* revision 1: 32-bit integers */
    *p = d + 36;
    *end = d + len;
}

static void check_s5(const struct linked *l, uint8_t want)
{
    const uint8_t *p, *end;
    dsdt_aml(l, &p, &end);
    struct aml a;
    assert_true(find_name(p, end, "_S5_", &a));
    assert_int_equal(*a.p++, 0x12);            /* PackageOp */
    const uint8_t *pend = pkg_end(&a);
    assert_int_equal(*a.p++, 4);               /* NumElements */
    assert_int_equal(integer(&a), want);       /* SLP_TYP for PM1a_CNT */
    assert_int_equal(integer(&a), want);       /* ... and PM1b_CNT */
    integer(&a);
    integer(&a);
    assert_ptr_equal(a.p, pend);
}

static void test_s5(void **state)
{
    check_s5(*state, board.slp_typ_s5);
}

/* The SLP_TYP value is the board's, not a constant of the builder. */
static void test_s5_follows_board(void **state)
{
    struct acpi_board other = board;
    other.slp_typ_s5 = 5;
    void *s;
    setup_with(&s, &other);
    check_s5(s, 5);
    teardown(&s);
}

/* \_SB.PCI0: PNP0A03 with a _CRS whose descriptors chain to the end tag and include the
 * bus numbers, both I/O windows around 0xCF8 and the PCI memory hole. */
static void test_pci_root(void **state)
{
    struct linked *l = *state;
    const uint8_t *p, *end;
    dsdt_aml(l, &p, &end);
    struct aml hid, crs;
    assert_true(find_name(p, end, "_HID", &hid));
    assert_int_equal(integer(&hid), 0x030AD041u); /* EisaId("PNP0A03") */
    assert_true(find_name(p, end, "_CRS", &crs));
    assert_int_equal(*crs.p++, 0x11);             /* BufferOp */
    const uint8_t *bend = pkg_end(&crs);
    uint32_t size = integer(&crs);
    assert_ptr_equal(crs.p + size, bend);
    const uint8_t *r = crs.p;
    bool bus = false, io_low = false, io_high = false, hole = false, ended = false;
    while (r < bend && !ended) {
        if (r[0] & 0x80) {                        /* large descriptor */
            uint16_t len = le16(r + 1);
            if (r[0] == 0x88 && r[3] == 2)
                bus = le16(r + 8) == 0 && le16(r + 10) == 0xFF;
            if (r[0] == 0x88 && r[3] == 1 && le16(r + 8) == 0 && le16(r + 10) == 0x0CF7)
                io_low = true;
            if (r[0] == 0x88 && r[3] == 1 && le16(r + 8) == 0x0D00 && le16(r + 10) == 0xFFFF)
                io_high = true;
            if (r[0] == 0x87 && r[3] == 0 && le32(r + 10) == board.pci_mem_start &&
                le32(r + 14) == board.pci_mem_end &&
                le32(r + 22) == board.pci_mem_end - board.pci_mem_start + 1)
                hole = true;
            r += 3 + len;
        } else {                                  /* small: length in bits 2:0 */
            ended = (r[0] >> 3) == 0x0F;
            r += 1 + (r[0] & 7);
        }
    }
    assert_true(ended);
    assert_ptr_equal(r, bend);
    assert_true(bus && io_low && io_high && hole);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rsdp_and_rsdt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fadt_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_s5, setup, teardown),
        cmocka_unit_test(test_s5_follows_board),
        cmocka_unit_test_setup_teardown(test_pci_root, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
