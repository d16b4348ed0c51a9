/* The PIIX4 power-management function (devices/piix4_pm.c) driven as firmware and an OS
 * drive it: SeaBIOS's PMBA/PMREGMISC set-up, the PM timer's rate and 24-bit wrap in
 * virtual time, the overflow event raising the SCI on IRQ 9 as a level, write-1-to-clear
 * status, soft off (SLP_TYP 0 with SLP_EN) ending the run, and save/load. */
#include "chipset_fixture.h"

#include <stdlib.h>
#include <string.h>

#include "devices/iobus.h"
#include "devices/piix4_pm.h"
#include "machine/sched.h"

#define PM_BASE 0x600
#define PM_STS (PM_BASE + 0)
#define PM_EN (PM_BASE + 2)
#define PM_CNT (PM_BASE + 4)
#define PM_TMR (PM_BASE + 8)

struct rig {
    struct chipset_fixture *f;
    struct piix4_pm *pm;
};

static int setup(void **state)
{
    struct rig *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->f = fix_create(32u << 20);
    r->pm = piix4_pm_create(r->f->m);
    assert_non_null(r->pm);
    machine_reset(r->f->m);
    /* What SeaBIOS's piix4_pm_setup writes. */
    fix_pci_write(r->f, 1, 3, 0x3C, 9, 1);
    fix_pci_write(r->f, 1, 3, 0x40, PM_BASE | 1, 4);
    fix_pci_write(r->f, 1, 3, 0x80, 0x01, 1);
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    struct rig *r = *state;
    fix_destroy(r->f);
    free(r);
    return 0;
}

static uint32_t timer(struct rig *r) { return io_read(r->f->m, PM_TMR, 4); }

static void test_identity_and_placement(void **state)
{
    struct rig *r = *state;
    assert_int_equal(fix_pci_read(r->f, 1, 3, 0x00, 4), 0x71138086u);
    assert_int_equal(fix_pci_read(r->f, 1, 3, 0x08, 4) >> 8, 0x068000u); /* bridge, other */
    assert_int_equal(fix_pci_read(r->f, 1, 3, 0x40, 4), PM_BASE | 1);    /* I/O indicator */
    /* The block answers only while PMIOSE is set, and moves with PMBA. */
    assert_int_equal(io_read(r->f->m, PM_CNT, 2) & 1, 1);                /* SCI_EN */
    fix_pci_write(r->f, 1, 3, 0x80, 0x00, 1);
    assert_int_equal(io_read(r->f->m, PM_CNT, 2), 0xFFFF);
    fix_pci_write(r->f, 1, 3, 0x40, 0xB000, 4);
    fix_pci_write(r->f, 1, 3, 0x80, 0x01, 1);
    assert_int_equal(fix_pci_read(r->f, 1, 3, 0x40, 4), 0xB001);
    assert_int_equal(io_read(r->f->m, 0xB004, 2) & 1, 1);
    assert_int_equal(io_read(r->f->m, PM_CNT, 2), 0xFFFF);
}

/* 3.579545 MHz in virtual time, 24 bits wide. */
static void test_timer_rate(void **state)
{
    struct rig *r = *state;
    uint32_t t0 = timer(r);
    fix_advance(r->f, 1000000000u);
    uint32_t d = (timer(r) - t0) & 0xFFFFFF;
    assert_in_range(d, PIIX4_PM_TIMER_HZ - 1, PIIX4_PM_TIMER_HZ + 1);
    t0 = timer(r);
    fix_advance(r->f, 10000000u);
    d = (timer(r) - t0) & 0xFFFFFF;
    assert_in_range(d, 35795, 35796);
    /* Five seconds wrap the 24-bit counter once. */
    t0 = timer(r);
    fix_advance(r->f, 5000000000u);
    uint32_t t1 = timer(r);
    assert_true(t1 < (1u << 24));
    uint32_t wrapped = 5 * PIIX4_PM_TIMER_HZ - (1u << 24);
    assert_in_range((t1 - t0) & 0xFFFFFF, wrapped - 1, wrapped + 1);
    /* Byte and word reads see the same counter. */
    uint32_t lo = io_read(r->f->m, PM_TMR, 2), hi = io_read(r->f->m, PM_TMR + 2, 1);
    assert_int_equal(lo | hi << 16, timer(r));
}

/* TMROF_STS sets when bit 23 of the timer changes; with TMROF_EN the SCI goes up on IRQ 9
 * at that moment and stays up until the status is cleared. */
static void test_overflow_sci(void **state)
{
    struct rig *r = *state;
    struct chipset_fixture *f = r->f;
    io_write(f->m, PM_STS, 0xFFFF, 2);
    assert_int_equal(io_read(f->m, PM_STS, 2), 0);
    io_write(f->m, PM_EN, 0x0001, 2);
    uint32_t before = timer(r);
    bool crossed = false;
    for (int ms = 0; ms < 2500 && !crossed; ms++) {
        assert_false(f->irq[PIIX4_PM_SCI_IRQ]);
        fix_advance(f, 1000000u);
        uint32_t now = timer(r);
        crossed = ((now ^ before) & 0x800000) != 0;
        before = now;
    }
    assert_true(crossed);
    assert_true(f->irq[PIIX4_PM_SCI_IRQ]);
    assert_int_equal(io_read(f->m, PM_STS, 2) & 1, 1);
    fix_advance(f, 1000000u);
    assert_true(f->irq[PIIX4_PM_SCI_IRQ]);         /* a level, not a pulse */
    io_write(f->m, PM_STS, 0x0001, 2);             /* write 1 to clear */
    assert_false(f->irq[PIIX4_PM_SCI_IRQ]);
    assert_int_equal(io_read(f->m, PM_STS, 2) & 1, 0);
    /* With SCI_EN clear the event would be an SMI: no SCI. */
    io_write(f->m, PM_CNT, 0, 2);
    fix_advance(f, 2400000000u);
    assert_int_equal(io_read(f->m, PM_STS, 2) & 1, 1);
    assert_false(f->irq[PIIX4_PM_SCI_IRQ]);
    io_write(f->m, PM_CNT, 1, 2);
    assert_true(f->irq[PIIX4_PM_SCI_IRQ]);
}

/* SLP_TYP 0 (soft off) with SLP_EN ends the run with status 0; another type does not. */
static void test_soft_off(void **state)
{
    struct rig *r = *state;
    struct machine *m = r->f->m;
    io_write(m, PM_CNT, 0x0001 | (1u << 10) | (1u << 13), 2);
    assert_false(m->exit_requested);
    io_write(m, PM_CNT, 0x0001 | (PIIX4_SUS_TYP_SOFT_OFF << 10), 2);
    assert_false(m->exit_requested);                /* SLP_TYP alone does nothing */
    io_write(m, PM_CNT, 0x0001 | (PIIX4_SUS_TYP_SOFT_OFF << 10) | (1u << 13), 2);
    assert_true(m->exit_requested);
    assert_true(m->powered_off);
    assert_int_equal(m->exit_status, 0);
    assert_int_equal(io_read(m, PM_CNT, 2) & (1u << 13), 0); /* SLP_EN reads 0 */
}

static struct device_instance *instance(struct machine *m, const char *name)
{
    for (int k = 0; k < m->device_count; k++)
        if (strcmp(m->devices[k].ops->name, name) == 0)
            return &m->devices[k];
    fail_msg("no device %s", name);
    return NULL;
}

static void test_state_roundtrip(void **state)
{
    struct rig *r = *state;
    struct chipset_fixture *f = r->f;
    fix_pci_write(f, 1, 3, 0x40, 0xB000, 4);
    io_write(f->m, 0xB002, 0x0001, 2);
    io_write(f->m, 0xB004, 0x0000, 2);
    struct device_instance *d = instance(f->m, "piix4-pm");
    struct state_buf saved = { 0 };
    d->ops->save(d->dev, &saved);
    assert_false(saved.error);
    machine_reset(f->m);
    assert_int_equal(fix_pci_read(f, 1, 3, 0x40, 4), 1);
    assert_false(d->ops->load(d->dev, &saved, d->ops->state_version + 1));
    saved.pos = 0;
    assert_true(d->ops->load(d->dev, &saved, d->ops->state_version));
    state_free(&saved);
    assert_int_equal(fix_pci_read(f, 1, 3, 0x40, 4), 0xB001);
    assert_int_equal(io_read(f->m, 0xB002, 2), 0x0001);
    assert_int_equal(io_read(f->m, 0xB004, 2), 0x0000);
    /* The restored overflow event is armed again: it still fires. */
    io_write(f->m, 0xB004, 0x0001, 2);
    fix_advance(f, 4700000000u);
    assert_true(f->irq[PIIX4_PM_SCI_IRQ]);
    struct state_buf shortbuf = { 0 };
    state_put_u32(&shortbuf, 1);
    assert_false(d->ops->load(d->dev, &shortbuf, 1));
    state_free(&shortbuf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity_and_placement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_sci, setup, teardown),
        cmocka_unit_test_setup_teardown(test_soft_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_roundtrip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
