/* The PCI chipset as a guest sees it: configuration mechanism #1 (PCI 2.1, 3.7.4.1),
 * the identities of the i440FX and PIIX3 functions, BAR sizing and mapping (6.2.5), the
 * PAM registers steering 0xC0000-0xFFFFF between ROM and RAM (82441FX datasheet 3.2.18),
 * DRB and SMRAM, PIRQ routing with shared ISA lines (82371SB 2.2.10), reset and saved
 * state. */
#include "chipset_fixture.h"

#include <stdlib.h>
#include <string.h>

#include "devices/pci.h"
#include "devices/piix3.h"
#include "mmu/physmem.h"

static int setup(void **state)
{
    *state = fix_create(16u << 20);
    return 0;
}

static int teardown(void **state)
{
    fix_destroy(*state);
    return 0;
}

static void test_identities(void **state)
{
    struct chipset_fixture *f = *state;
    assert_int_equal(fix_pci_read(f, 0, 0, 0x00, 4), 0x12378086);
    assert_int_equal(fix_pci_read(f, 0, 0, 0x08, 4), 0x06000002);
    assert_int_equal(fix_pci_read(f, 0, 0, 0x0E, 1), 0x00);
    assert_int_equal(fix_pci_read(f, 0, 0, 0x04, 2), 0x0006);
    assert_int_equal(fix_pci_read(f, 0, 0, 0x06, 2), 0x0280);
    assert_int_equal(fix_pci_read(f, 1, 0, 0x00, 4), 0x70008086);
    assert_int_equal(fix_pci_read(f, 1, 0, 0x0A, 2), 0x0601);
    assert_int_equal(fix_pci_read(f, 1, 0, 0x0E, 1), 0x80); /* multi-function */
    assert_int_equal(fix_pci_read(f, 1, 1, 0x00, 4), 0x70108086);
    assert_int_equal(fix_pci_read(f, 1, 1, 0x08, 4), 0x01018000);
    assert_int_equal(fix_pci_read(f, 1, 1, 0x3D, 1), 0x00); /* legacy mode: no INTx */
    /* byte and word reads anywhere in the dword */
    assert_int_equal(fix_pci_read(f, 0, 0, 0x02, 2), 0x1237);
    assert_int_equal(fix_pci_read(f, 0, 0, 0x03, 1), 0x12);
    /* nobody at 00:05.0, nor on bus 1: master abort reads all ones */
    assert_int_equal(fix_pci_read(f, 5, 0, 0x00, 4), 0xFFFFFFFFu);
    io_write(f->m, 0xCF8, 0x80010000u, 4);
    assert_int_equal(io_read(f->m, 0xCFC, 4), 0xFFFFFFFFu);
    /* CONFADDR reads back as a dword; reserved low bits stay zero */
    io_write(f->m, 0xCF8, 0x80000843u, 4);
    assert_int_equal(io_read(f->m, 0xCF8, 4), 0x80000840u);
    /* configuration disabled (bit 31 clear): the data port reads all ones */
    io_write(f->m, 0xCF8, 0x00000000u, 4);
    assert_int_equal(io_read(f->m, 0xCFC, 4), 0xFFFFFFFFu);
}

static void test_write_masks(void **state)
{
    struct chipset_fixture *f = *state;
    fix_pci_write(f, 0, 0, 0x00, 0xFFFFFFFFu, 4);                   /* IDs are read-only */
    assert_int_equal(fix_pci_read(f, 0, 0, 0x00, 4), 0x12378086);
    fix_pci_write(f, 0, 0, 0x04, 0xFFFF, 2);                        /* MAE, BME stay on */
    assert_int_equal(fix_pci_read(f, 0, 0, 0x04, 2), 0x0146);
    fix_pci_write(f, 0, 0, 0x04, 0x0000, 2);
    assert_int_equal(fix_pci_read(f, 0, 0, 0x04, 2), 0x0006);
    fix_pci_write(f, 1, 1, 0x40, 0xA307B307u, 4);                   /* IDETIM both channels */
    assert_int_equal(fix_pci_read(f, 1, 1, 0x40, 4), 0xA307B307u & 0xF3FFF3FFu);
    fix_pci_write(f, 1, 1, 0x04, 0xFFFF, 2);                        /* IOSE and BME only */
    assert_int_equal(fix_pci_read(f, 1, 1, 0x04, 2), 0x0005);
}

static void test_bar_sizing_and_mapping(void **state)
{
    struct chipset_fixture *f = *state;
    /* Sizing: all ones in, the size mask and the I/O bit out: 16 bytes of I/O. */
    assert_int_equal(fix_pci_read(f, 1, 1, 0x20, 4), 0x00000001);
    fix_pci_write(f, 1, 1, 0x20, 0xFFFFFFFFu, 4);
    uint32_t probe = fix_pci_read(f, 1, 1, 0x20, 4);
    assert_int_equal(probe, 0xFFFFFFF1);
    assert_int_equal((~(probe & 0xFFFCu) & 0xFFFFu) + 1, 16);
    /* Place it; nothing answers until the command register enables I/O. */
    fix_pci_write(f, 1, 1, 0x20, 0xC001, 4);
    assert_int_equal(fix_pci_read(f, 1, 1, 0x20, 4), 0xC001);
    assert_int_equal(io_read(f->m, 0xC004, 4), 0xFFFFFFFFu);
    fix_pci_write(f, 1, 1, 0x04, 0x0001, 2);
    io_write(f->m, 0xC004, 0x1234567Bu, 4);
    assert_int_equal(io_read(f->m, 0xC004, 4), 0x12345678u); /* dword aligned */
    assert_int_equal(io_read(f->m, 0xC002, 1), 0x00);
    /* Moving the BAR moves the registers, contents kept. */
    fix_pci_write(f, 1, 1, 0x20, 0xD000, 4);
    assert_int_equal(io_read(f->m, 0xC004, 4), 0xFFFFFFFFu);
    assert_int_equal(io_read(f->m, 0xD004, 4), 0x12345678u);
    /* Disabling I/O decode unmaps it again. */
    fix_pci_write(f, 1, 1, 0x04, 0x0000, 2);
    assert_int_equal(io_read(f->m, 0xD004, 4), 0xFFFFFFFFu);
}

/* PAM: the 0xF0000 segment reads ROM or RAM and writes RAM or nothing as PAM0's high
 * field says; the 16 KiB chunks below follow PAM1-PAM6. */
static void test_pam(void **state)
{
    struct chipset_fixture *f = *state;
    struct machine *m = f->m;
    uint8_t rom[0x10000];
    for (unsigned k = 0; k < sizeof rom; k++)
        rom[k] = (uint8_t)(0xA5 ^ k);
    assert_int_equal(physmem_load_legacy_rom(&m->mem, 0xF0000, rom, sizeof rom), 0);
    assert_int_equal(fix_pci_read(f, 0, 0, 0x59, 1), 0x00);
    /* reset: read ROM, writes go nowhere */
    assert_int_equal(phys_read8(m, 0xF0010), rom[0x10]);
    phys_write8(m, 0xF0010, 0x11);
    assert_int_equal(phys_read8(m, 0xF0010), rom[0x10]);
    /* RE|WE: RAM for both (the BIOS shadowing itself) */
    fix_pci_write(f, 0, 0, 0x59, 0x30, 1);
    for (unsigned c = 12; c < 16; c++)
        assert_int_equal(m->mem.legacy_mode[c], LEGACY_READ_RAM | LEGACY_WRITE_RAM);
    assert_int_equal(phys_read8(m, 0xF0010), 0x00);
    phys_write8(m, 0xF0010, 0x11);
    phys_write8(m, 0xFFFF0, 0x22);
    assert_int_equal(phys_read8(m, 0xF0010), 0x11);
    assert_int_equal(phys_read8(m, 0xFFFF0), 0x22);
    /* RE only: write-protected shadow */
    fix_pci_write(f, 0, 0, 0x59, 0x10, 1);
    phys_write8(m, 0xF0010, 0x33);
    assert_int_equal(phys_read8(m, 0xF0010), 0x11);
    /* WE only: reads from ROM, writes reach the RAM underneath */
    fix_pci_write(f, 0, 0, 0x59, 0x20, 1);
    assert_int_equal(phys_read8(m, 0xF0010), rom[0x10]);
    phys_write8(m, 0xF0010, 0x44);
    fix_pci_write(f, 0, 0, 0x59, 0x30, 1);
    assert_int_equal(phys_read8(m, 0xF0010), 0x44);
    /* the reserved low field of PAM0 cannot be set */
    fix_pci_write(f, 0, 0, 0x59, 0xFF, 1);
    assert_int_equal(fix_pci_read(f, 0, 0, 0x59, 1), 0x30);
    /* PAM1 low field = 0xC0000-0xC3FFF, high field = 0xC4000-0xC7FFF */
    fix_pci_write(f, 0, 0, 0x5A, 0x13, 1);
    assert_int_equal(m->mem.legacy_mode[0], LEGACY_READ_RAM | LEGACY_WRITE_RAM);
    assert_int_equal(m->mem.legacy_mode[1], LEGACY_READ_RAM);
    assert_int_equal(m->mem.legacy_mode[2], 0);
    phys_write8(m, 0xC0000, 0x55);
    assert_int_equal(phys_read8(m, 0xC0000), 0x55);
    /* PAM6 high field = 0xEC000-0xEFFFF; a dword write sets PAM3-PAM6 at once */
    fix_pci_write(f, 0, 0, 0x5C, 0x33221100u, 4);
    assert_int_equal(m->mem.legacy_mode[11], LEGACY_WRITE_RAM | LEGACY_READ_RAM); /* PAM6 */
    assert_int_equal(m->mem.legacy_mode[10], LEGACY_WRITE_RAM | LEGACY_READ_RAM);
    assert_int_equal(m->mem.legacy_mode[9], LEGACY_WRITE_RAM);                   /* PAM5 */
    assert_int_equal(m->mem.legacy_mode[7], LEGACY_READ_RAM);                    /* PAM4 */
    assert_int_equal(m->mem.legacy_mode[4], 0);                                  /* PAM3 */
    /* machine reset: PAM back to ROM */
    machine_reset(m);
    assert_int_equal(fix_pci_read(f, 0, 0, 0x59, 1), 0x00);
    assert_int_equal(m->mem.legacy_mode[15], 0);
    assert_int_equal(phys_read8(m, 0xF0010), rom[0x10]);
}

static void test_drb(void **state)
{
    struct chipset_fixture *f = *state;
    for (unsigned k = 0; k < 8; k++) /* 16 MiB: one row of 2 x 8 MiB */
        assert_int_equal(fix_pci_read(f, 0, 0, 0x60 + k, 1), 2);
    struct chipset_fixture *big = fix_create(300u << 20);
    static const uint8_t want[8] = { 16, 32, 38, 38, 38, 38, 38, 38 }; /* 128 + 128 + 44 MiB */
    for (unsigned k = 0; k < 8; k++)
        assert_int_equal(fix_pci_read(big, 0, 0, 0x60 + k, 1), want[k]);
    fix_destroy(big);
}

static void test_smram(void **state)
{
    struct chipset_fixture *f = *state;
    assert_int_equal(fix_pci_read(f, 0, 0, 0x72, 1), 0x02);
    fix_pci_write(f, 0, 0, 0x72, 0x4F, 1);                 /* D_OPEN, G_SMRAME; base fixed */
    assert_int_equal(fix_pci_read(f, 0, 0, 0x72, 1), 0x4A);
    fix_pci_write(f, 0, 0, 0x72, 0x58, 1);                 /* lock: D_OPEN drops */
    assert_int_equal(fix_pci_read(f, 0, 0, 0x72, 1), 0x1A);
    fix_pci_write(f, 0, 0, 0x72, 0x40, 1);                 /* locked: only D_CLS may change */
    assert_int_equal(fix_pci_read(f, 0, 0, 0x72, 1), 0x1A);
    fix_pci_write(f, 0, 0, 0x72, 0x20, 1);
    assert_int_equal(fix_pci_read(f, 0, 0, 0x72, 1), 0x3A);
    machine_reset(f->m);
    assert_int_equal(fix_pci_read(f, 0, 0, 0x72, 1), 0x02);
}

/* Two PCI devices whose INTA lands on PIRQD (device 3) and PIRQA (device 4). */
struct fake_pci {
    struct pci_function dev3, dev4;
};

static void add_fake_devices(struct chipset_fixture *f, struct fake_pci *p)
{
    pci_function_init(&p->dev3, "fake3", 0x1234, 0x0003, 0, 0xFF0000);
    pci_function_init(&p->dev4, "fake4", 0x1234, 0x0004, 0, 0xFF0000);
    p->dev3.config[0x3D] = 1;
    p->dev4.config[0x3D] = 1;
    assert_int_equal(pci_register(f->m->pci, &p->dev3, 3, 0), 0);
    assert_int_equal(pci_register(f->m->pci, &p->dev4, 4, 0), 0);
}

static void test_pirq_routing(void **state)
{
    struct chipset_fixture *f = *state;
    struct fake_pci p = { 0 };
    add_fake_devices(f, &p);
    struct pci_bus *bus = f->m->pci;
    for (unsigned k = 0; k < 4; k++)
        assert_int_equal(fix_pci_read(f, 1, 0, 0x60 + k, 1), 0x80);
    /* routing off: an interrupt goes nowhere */
    pci_set_irq(bus, &p.dev4, true);
    for (unsigned irq = 0; irq < 16; irq++)
        assert_false(f->irq[irq]);
    /* PIRQA -> 11 while asserted: the line rises at once */
    fix_pci_write(f, 1, 0, 0x60, 0x0B, 1);
    assert_int_equal(piix3_pirq_route(f->isa, 0), 11);
    assert_true(f->irq[11]);
    /* PIRQD -> 11 too: the line is the OR of both */
    fix_pci_write(f, 1, 0, 0x63, 0x0B, 1);
    pci_set_irq(bus, &p.dev3, true);
    assert_true(f->irq[11]);
    assert_int_equal(f->rises[11], 1);
    pci_set_irq(bus, &p.dev4, false);
    assert_true(f->irq[11]);
    pci_set_irq(bus, &p.dev3, false);
    assert_false(f->irq[11]);
    /* moving PIRQD while asserted: 11 drops, 10 rises */
    pci_set_irq(bus, &p.dev3, true);
    assert_true(f->irq[11]);
    fix_pci_write(f, 1, 0, 0x63, 0x0A, 1);
    assert_false(f->irq[11]);
    assert_true(f->irq[10]);
    /* a reserved IRQ number (8: the RTC) routes nowhere */
    fix_pci_write(f, 1, 0, 0x63, 0x08, 1);
    assert_int_equal(piix3_pirq_route(f->isa, 3), -1);
    assert_false(f->irq[10]);
    assert_false(f->irq[8]);
    /* all four written as one dword */
    fix_pci_write(f, 1, 0, 0x60, 0x0B0A0B0Au, 4);
    assert_int_equal(piix3_pirq_route(f->isa, 1), 11);
    assert_int_equal(piix3_pirq_route(f->isa, 2), 10);
    assert_true(f->irq[11]);
    /* reset disables routing and lowers the line */
    machine_reset(f->m);
    assert_int_equal(fix_pci_read(f, 1, 0, 0x63, 1), 0x80);
    assert_false(f->irq[11]);
    pci_set_irq(bus, &p.dev3, false);
    bus->fn[p.dev3.devfn] = NULL;
    bus->fn[p.dev4.devfn] = NULL;
}

static const struct device_instance *instance(struct machine *m, const char *name)
{
    for (int k = 0; k < m->device_count; k++)
        if (strcmp(m->devices[k].ops->name, name) == 0)
            return &m->devices[k];
    fail_msg("no device %s", name);
    return NULL;
}

/* Save, change, load: registers and their effects (PAM modes) come back. */
static void test_state_roundtrip(void **state)
{
    struct chipset_fixture *f = *state;
    fix_pci_write(f, 0, 0, 0x59, 0x10, 1);
    fix_pci_write(f, 0, 0, 0x5A, 0x33, 1);
    fix_pci_write(f, 1, 0, 0x61, 0x0A, 1);
    fix_pci_write(f, 1, 1, 0x40, 0x8000, 2);
    const char *names[3] = { "i440fx", "piix3", "piix3-ide" };
    struct state_buf saved[3] = { { 0 } };
    for (int k = 0; k < 3; k++) {
        const struct device_instance *d = instance(f->m, names[k]);
        d->ops->save(d->dev, &saved[k]);
        assert_false(saved[k].error);
    }
    machine_reset(f->m);
    assert_int_equal(f->m->mem.legacy_mode[12], 0);
    for (int k = 0; k < 3; k++) {
        const struct device_instance *d = instance(f->m, names[k]);
        assert_false(d->ops->load(d->dev, &saved[k], d->ops->state_version + 1));
        saved[k].pos = 0;
        assert_true(d->ops->load(d->dev, &saved[k], d->ops->state_version));
        state_free(&saved[k]);
    }
    assert_int_equal(fix_pci_read(f, 0, 0, 0x59, 1), 0x10);
    assert_int_equal(f->m->mem.legacy_mode[12], LEGACY_READ_RAM);
    assert_int_equal(f->m->mem.legacy_mode[0], LEGACY_READ_RAM | LEGACY_WRITE_RAM);
    assert_int_equal(fix_pci_read(f, 1, 0, 0x61, 1), 0x0A);
    assert_int_equal(fix_pci_read(f, 1, 1, 0x40, 2), 0x8000);
    /* a truncated record is refused */
    struct state_buf shortbuf = { 0 };
    state_put_u32(&shortbuf, 1);
    const struct device_instance *d = instance(f->m, "i440fx");
    assert_false(d->ops->load(d->dev, &shortbuf, 1));
    state_free(&shortbuf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_masks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bar_sizing_and_mapping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pam, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pirq_routing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_roundtrip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
