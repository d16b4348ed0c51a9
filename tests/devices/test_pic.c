/* The 8259A pair against the Intel datasheet (231468): the ICW sequence in its variants,
 * OCW1-3, fully nested priorities, rotation (on EOI, set priority, in auto-EOI), every EOI
 * kind, special mask mode, poll, spurious IR7 and IR15, the cascade, special fully nested
 * mode, edge and level (ELCR, LTIM) triggering, and a save/load round trip. */
#include "devtest.h"

#include <stdlib.h>

#include "devices/pic.h"

struct fx {
    struct machine *m;
    struct pic *pic;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->m = dt_machine();
    f->pic = pic_create(f->m);
    assert_non_null(f->pic);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    machine_destroy(f->m);
    free(f);
    return 0;
}

static bool pending(struct machine *m)
{
    return m->intc.intr_pending(m->intc.opaque);
}

static uint8_t ack(struct machine *m)
{
    return m->intc.acknowledge(m->intc.opaque);
}

static void irq(struct machine *m, unsigned line, bool level)
{
    machine_set_irq(m, line, level);
}

/* A short edge on an ISA line, as an edge-triggered device gives it. */
static void pulse(struct machine *m, unsigned line)
{
    irq(m, line, true);
    irq(m, line, false);
}

/* The PC BIOS setup: cascade, edge, 8086 mode, vectors 0x08 and 0x70, everything unmasked. */
static void init_pc(struct machine *m, uint8_t icw4_master, uint8_t icw4_slave)
{
    dt_out(m, 0x20, 0x11);
    dt_out(m, 0x21, 0x08);
    dt_out(m, 0x21, 0x04);
    dt_out(m, 0x21, icw4_master);
    dt_out(m, 0xA0, 0x11);
    dt_out(m, 0xA1, 0x70);
    dt_out(m, 0xA1, 0x02);
    dt_out(m, 0xA1, icw4_slave);
    dt_out(m, 0x21, 0x00);
    dt_out(m, 0xA1, 0x00);
}

static struct pic_chip_view view(struct fx *f, unsigned chip)
{
    struct pic_chip_view v;
    pic_view(f->pic, chip, &v);
    return v;
}

static void test_reset_state(void **state)
{
    struct fx *f = *state;
    /* Masked until programmed: a request goes nowhere. */
    assert_int_equal(dt_in(f->m, 0x21), 0xFF);
    assert_int_equal(dt_in(f->m, 0xA1), 0xFF);
    irq(f->m, 3, true);
    assert_false(pending(f->m));
    assert_int_equal(dt_in(f->m, 0x20), 0x08); /* IRR reads by default */
}

static void test_icw_sequence(void **state)
{
    struct fx *f = *state;
    dt_out(f->m, 0x21, 0x5A);
    dt_out(f->m, 0x20, 0x11);
    /* ICW1 clears the IMR and waits for ICW2-4 on the odd port. */
    assert_true(view(f, 0).initializing);
    assert_int_equal(view(f, 0).imr, 0);
    dt_out(f->m, 0x21, 0x20 | 0x05); /* ICW2: T7-T3 = 0x20, A10-A8 ignored in 8086 mode */
    dt_out(f->m, 0x21, 0x04);        /* ICW3: slave on IR2 */
    assert_true(view(f, 0).initializing);
    dt_out(f->m, 0x21, 0x01);        /* ICW4: 8086 mode */
    assert_false(view(f, 0).initializing);
    assert_int_equal(view(f, 0).vector_base, 0x20);
    dt_out(f->m, 0x21, 0xFE);        /* now OCW1 */
    assert_int_equal(dt_in(f->m, 0x21), 0xFE);
    irq(f->m, 0, true);
    assert_true(pending(f->m));
    assert_int_equal(ack(f->m), 0x20);
}

static void test_icw_single_without_icw3(void **state)
{
    struct fx *f = *state;
    dt_out(f->m, 0x20, 0x13); /* single, ICW4 needed: no ICW3 */
    dt_out(f->m, 0x21, 0x40);
    dt_out(f->m, 0x21, 0x01); /* this is ICW4 */
    assert_false(view(f, 0).initializing);
    dt_out(f->m, 0x21, 0xFB);
    assert_int_equal(dt_in(f->m, 0x21), 0xFB);
    /* Single mode: IR2 is an ordinary input with its own vector. */
    dt_out(f->m, 0x21, 0x00);
    dt_out(f->m, 0xA0, 0x13);
    dt_out(f->m, 0xA1, 0x70);
    dt_out(f->m, 0xA1, 0x01);
    dt_out(f->m, 0xA1, 0x00);
    irq(f->m, 10, true); /* slave INT rises: master IR2 */
    assert_int_equal(ack(f->m), 0x42);
}

static void test_icw_without_icw4(void **state)
{
    struct fx *f = *state;
    dt_out(f->m, 0x20, 0x12); /* single, no ICW4: ICW4 functions all zero */
    dt_out(f->m, 0x21, 0x08);
    assert_false(view(f, 0).initializing);
    dt_out(f->m, 0x21, 0xF7); /* OCW1 */
    assert_int_equal(dt_in(f->m, 0x21), 0xF7);
    assert_false(view(f, 0).auto_eoi);
}

static void test_fully_nested_priority(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    pulse(f->m, 5);
    irq(f->m, 3, true);
    assert_int_equal(ack(f->m), 0x0B); /* IR3 beats IR5 */
    assert_int_equal(view(f, 0).isr, 0x08);
    assert_int_equal(view(f, 0).irr, 0x00); /* IR5's pulse ended before INTA: withdrawn */
    irq(f->m, 5, true);
    assert_false(pending(f->m));           /* lower than IR3 in service */
    irq(f->m, 1, true);
    assert_true(pending(f->m));            /* higher: nests */
    assert_int_equal(ack(f->m), 0x09);
    assert_int_equal(view(f, 0).isr, 0x0A);
    dt_out(f->m, 0x20, 0x20);              /* non-specific EOI: the highest, IR1 */
    assert_int_equal(view(f, 0).isr, 0x08);
    assert_false(pending(f->m));
    dt_out(f->m, 0x20, 0x20);
    assert_int_equal(view(f, 0).isr, 0x00);
    assert_true(pending(f->m));
    assert_int_equal(ack(f->m), 0x0D);
}

static void test_ocw3_reads_irr_isr(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    irq(f->m, 4, true);
    irq(f->m, 6, true);
    assert_int_equal(dt_in(f->m, 0x20), 0x50);
    assert_int_equal(ack(f->m), 0x0C);
    dt_out(f->m, 0x20, 0x0B); /* read ISR */
    assert_int_equal(dt_in(f->m, 0x20), 0x10);
    assert_int_equal(dt_in(f->m, 0x20), 0x10); /* the choice sticks */
    dt_out(f->m, 0x20, 0x08); /* RR = 0: no change */
    assert_int_equal(dt_in(f->m, 0x20), 0x10);
    dt_out(f->m, 0x20, 0x0A); /* read IRR */
    assert_int_equal(dt_in(f->m, 0x20), 0x40);
    assert_int_equal(dt_in(f->m, 0x21), 0x00); /* A0 = 1 reads the IMR whatever OCW3 said */
}

static void test_mask(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    dt_out(f->m, 0x21, 0x08);
    irq(f->m, 3, true);
    assert_false(pending(f->m));
    assert_int_equal(dt_in(f->m, 0x20), 0x08); /* requested, masked */
    dt_out(f->m, 0x21, 0x00);
    assert_true(pending(f->m));
    assert_int_equal(ack(f->m), 0x0B);
}

static void test_specific_eoi(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    irq(f->m, 6, true);
    assert_int_equal(ack(f->m), 0x0E);
    irq(f->m, 4, true);
    assert_int_equal(ack(f->m), 0x0C);
    assert_int_equal(view(f, 0).isr, 0x50);
    dt_out(f->m, 0x20, 0x66); /* specific EOI, level 6: the lower one */
    assert_int_equal(view(f, 0).isr, 0x10);
    dt_out(f->m, 0x20, 0x40); /* OCW2 no-op */
    assert_int_equal(view(f, 0).isr, 0x10);
    dt_out(f->m, 0x20, 0x64);
    assert_int_equal(view(f, 0).isr, 0x00);
}

/* Raise all of `lines` and return the order in which INTA serves them, EOI after each. */
static void serve_order(struct machine *m, uint8_t lines, uint8_t *order, int n)
{
    for (int k = 0; k < 8; k++)
        if ((lines >> k) & 1 && k != 2)
            irq(m, (unsigned)k, true);
    for (int k = 0; k < n; k++) {
        uint8_t v = ack(m);
        order[k] = v & 7;
        irq(m, order[k], false);
        dt_out(m, 0x20, (uint8_t)(0x60 | order[k])); /* specific EOI: no rotation */
    }
}

static void test_rotate_on_nonspecific_eoi(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    irq(f->m, 3, true);
    assert_int_equal(ack(f->m), 0x0B);
    irq(f->m, 3, false);
    dt_out(f->m, 0x20, 0xA0); /* rotate on non-specific EOI: IR3 becomes lowest */
    assert_int_equal(view(f, 0).isr, 0);
    assert_int_equal(view(f, 0).lowest, 3);
    uint8_t order[4];
    serve_order(f->m, 0x1B, order, 4); /* IR0, 1, 3, 4 */
    assert_int_equal(order[0], 4);
    assert_int_equal(order[1], 0);
    assert_int_equal(order[2], 1);
    assert_int_equal(order[3], 3);
}

static void test_set_priority_and_rotate_specific(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    dt_out(f->m, 0x20, 0xC5); /* set priority: IR5 lowest, IR6 highest */
    assert_int_equal(view(f, 0).lowest, 5);
    uint8_t order[3];
    serve_order(f->m, 0xA1, order, 3); /* IR0, 5, 7 */
    assert_int_equal(order[0], 7);
    assert_int_equal(order[1], 0);
    assert_int_equal(order[2], 5);
    /* Rotate on specific EOI: reset ISR6 and make IR6 lowest. */
    dt_out(f->m, 0x20, 0xC7);
    irq(f->m, 6, true);
    assert_int_equal(ack(f->m), 0x0E);
    irq(f->m, 6, false);
    dt_out(f->m, 0x20, 0xE6);
    assert_int_equal(view(f, 0).isr, 0);
    assert_int_equal(view(f, 0).lowest, 6);
}

static void test_auto_eoi_and_rotate(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x03, 0x01); /* master in auto-EOI */
    assert_true(view(f, 0).auto_eoi);
    irq(f->m, 4, true);
    assert_int_equal(ack(f->m), 0x0C);
    assert_int_equal(view(f, 0).isr, 0); /* reset at the end of INTA */
    assert_int_equal(view(f, 0).lowest, 7);
    irq(f->m, 4, false);
    dt_out(f->m, 0x20, 0x80); /* rotate in auto-EOI mode: set */
    irq(f->m, 4, true);
    assert_int_equal(ack(f->m), 0x0C);
    assert_int_equal(view(f, 0).lowest, 4);
    irq(f->m, 4, false);
    dt_out(f->m, 0x20, 0x00); /* ... clear */
    irq(f->m, 6, true);
    assert_int_equal(ack(f->m), 0x0E);
    assert_int_equal(view(f, 0).lowest, 4);
}

static void test_special_mask_mode(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    irq(f->m, 3, true);
    assert_int_equal(ack(f->m), 0x0B);
    irq(f->m, 3, false);
    irq(f->m, 5, true);
    assert_false(pending(f->m)); /* lower than IR3 in service */
    dt_out(f->m, 0x21, 0x08);    /* mask IR3 ... */
    assert_false(pending(f->m));
    dt_out(f->m, 0x20, 0x68);    /* ... and set special mask mode */
    assert_true(view(f, 0).special_mask);
    assert_true(pending(f->m));
    assert_int_equal(ack(f->m), 0x0D);
    assert_int_equal(view(f, 0).isr, 0x28);
    /* A non-specific EOI skips the masked level in service. */
    dt_out(f->m, 0x20, 0x20);
    assert_int_equal(view(f, 0).isr, 0x08);
    dt_out(f->m, 0x20, 0x48);    /* reset special mask mode */
    assert_false(view(f, 0).special_mask);
    dt_out(f->m, 0x20, 0x63);
    assert_int_equal(view(f, 0).isr, 0);
}

static void test_poll(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    dt_out(f->m, 0x20, 0x0C);
    assert_int_equal(dt_in(f->m, 0x20), 0x00); /* nothing requesting */
    irq(f->m, 6, true);
    irq(f->m, 7, true);
    dt_out(f->m, 0x20, 0x0C);
    assert_int_equal(dt_in(f->m, 0x21), 0x86); /* either port; IR6 goes in service */
    assert_int_equal(view(f, 0).isr, 0x40);
    assert_int_equal(dt_in(f->m, 0x21), 0x00); /* one read only: back to the IMR */
    dt_out(f->m, 0x20, 0x0C);
    assert_int_equal(dt_in(f->m, 0x20), 0x00); /* IR7 is blocked by IR6 in service */
    dt_out(f->m, 0x20, 0x20);
    dt_out(f->m, 0x20, 0x0F); /* poll and read ISR: poll wins */
    assert_int_equal(dt_in(f->m, 0x20), 0x87);
    assert_int_equal(dt_in(f->m, 0x20), 0x80); /* then the ISR */
}

static void test_spurious_irq7(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    irq(f->m, 4, true);
    assert_true(pending(f->m));
    irq(f->m, 4, false); /* gone before INTA */
    assert_int_equal(ack(f->m), 0x0F);
    assert_int_equal(view(f, 0).isr, 0);
    /* A real IR7 is told apart by its ISR bit. */
    irq(f->m, 7, true);
    assert_int_equal(ack(f->m), 0x0F);
    assert_int_equal(view(f, 0).isr, 0x80);
}

static void test_spurious_irq15(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    irq(f->m, 11, true);
    assert_true(pending(f->m));
    pic_inta_begin(f->pic);
    irq(f->m, 11, false); /* the slave's request goes between the INTA pulses */
    assert_int_equal(pic_inta_end(f->pic), 0x77);
    /* Only the master's IR2 is in service: the handler must EOI the master alone. */
    assert_int_equal(view(f, 0).isr, 0x04);
    assert_int_equal(view(f, 1).isr, 0x00);
}

static void test_cascade(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    irq(f->m, 10, true);
    assert_int_equal(dt_in(f->m, 0x20), 0x04); /* the slave's INT on master IR2 */
    assert_int_equal(ack(f->m), 0x72);
    assert_int_equal(view(f, 0).isr, 0x04);
    assert_int_equal(view(f, 1).isr, 0x04);
    irq(f->m, 1, true);
    assert_int_equal(ack(f->m), 0x09); /* IR1 above the cascade */
    dt_out(f->m, 0x20, 0x20);
    irq(f->m, 12, true);
    assert_false(pending(f->m));       /* lower than IR10 on the slave */
    dt_out(f->m, 0xA0, 0x20);
    assert_false(pending(f->m));       /* master IR2 still in service */
    dt_out(f->m, 0x20, 0x20);
    assert_true(pending(f->m));
    assert_int_equal(ack(f->m), 0x74);
    /* The AT's IRQ 2 pin is IRQ 9. */
    dt_out(f->m, 0xA0, 0x20);
    dt_out(f->m, 0x20, 0x20);
    irq(f->m, 2, true);
    assert_int_equal(ack(f->m), 0x71);
}

static void test_special_fully_nested(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    irq(f->m, 11, true);
    assert_int_equal(ack(f->m), 0x73);
    irq(f->m, 9, true); /* higher on the slave, but the master's IR2 is in service */
    assert_false(pending(f->m));

    init_pc(f->m, 0x11, 0x01); /* master in special fully nested mode */
    assert_true(view(f, 0).special_fully_nested);
    irq(f->m, 11, false);
    irq(f->m, 9, false);
    irq(f->m, 11, true);
    assert_int_equal(ack(f->m), 0x73);
    irq(f->m, 9, true);
    assert_true(pending(f->m));
    assert_int_equal(ack(f->m), 0x71);
    irq(f->m, 3, true);
    assert_false(pending(f->m)); /* lower levels stay blocked by IR2 */
    irq(f->m, 12, true);
    assert_false(pending(f->m)); /* and so does the slave for its own lower levels */
}

static void test_elcr_level_rerequests(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    dt_out(f->m, 0x4D0, 0xFF);
    dt_out(f->m, 0x4D1, 0xFF);
    assert_int_equal(dt_in(f->m, 0x4D0), 0xF8); /* IRQ 0-2 are edge only */
    assert_int_equal(dt_in(f->m, 0x4D1), 0xDE); /* and IRQ 8 and 13 */
    assert_int_equal(io_read(f->m, 0x4D0, 2), 0xDEF8);
    io_write(f->m, 0x4D0, 0x0400, 2);             /* IRQ 10 level, the rest edge */
    assert_int_equal(view(f, 1).elcr, 0x04);
    irq(f->m, 10, true);
    assert_int_equal(ack(f->m), 0x72);
    assert_int_equal(view(f, 1).irr, 0x04);       /* the level keeps requesting */
    dt_out(f->m, 0xA0, 0x20);
    dt_out(f->m, 0x20, 0x20);
    assert_true(pending(f->m));                   /* still asserted: again */
    assert_int_equal(ack(f->m), 0x72);
    dt_out(f->m, 0xA0, 0x20);
    dt_out(f->m, 0x20, 0x20);
    irq(f->m, 10, false);
    assert_false(pending(f->m));
    /* Edge mode with the same sequence: one interrupt only. */
    irq(f->m, 11, true);
    assert_int_equal(ack(f->m), 0x73);
    dt_out(f->m, 0xA0, 0x20);
    dt_out(f->m, 0x20, 0x20);
    assert_false(pending(f->m));
}

static void test_elcr_switch_to_level(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    irq(f->m, 5, true);
    assert_int_equal(ack(f->m), 0x0D);
    dt_out(f->m, 0x20, 0x20);
    assert_false(pending(f->m)); /* edge: served once */
    dt_out(f->m, 0x4D0, 0x20);   /* now level-triggered, and the line is still high */
    assert_true(pending(f->m));
    assert_int_equal(ack(f->m), 0x0D);
}

static void test_ltim_level(void **state)
{
    struct fx *f = *state;
    dt_out(f->m, 0x20, 0x1B); /* LTIM, single, ICW4 */
    dt_out(f->m, 0x21, 0x08);
    dt_out(f->m, 0x21, 0x01);
    irq(f->m, 5, true);
    assert_int_equal(ack(f->m), 0x0D);
    dt_out(f->m, 0x20, 0x20);
    assert_true(pending(f->m));
}

static void test_icw1_needs_new_edge(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    irq(f->m, 3, true);
    init_pc(f->m, 0x01, 0x01); /* edge sense reset: IR3 is high but saw no new edge */
    assert_false(pending(f->m));
    irq(f->m, 3, false);
    irq(f->m, 3, true);
    assert_int_equal(ack(f->m), 0x0B);
}

static void test_intr_reaches_cpu_events(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    f->m->cpu.events = 0;
    irq(f->m, 0, true);
    assert_true(f->m->cpu.events & EV_IRQ);
}

static void test_save_load(void **state)
{
    struct fx *f = *state;
    init_pc(f->m, 0x01, 0x01);
    dt_out(f->m, 0x21, 0x10);
    dt_out(f->m, 0x20, 0xC3);
    irq(f->m, 6, true);
    assert_int_equal(ack(f->m), 0x0E);
    struct state_buf buf = { 0 };
    const struct device_ops *ops = NULL;
    for (int k = 0; k < f->m->device_count; k++)
        if (f->m->devices[k].dev == f->pic)
            ops = f->m->devices[k].ops;
    assert_non_null(ops);
    ops->save(f->pic, &buf);
    struct pic_chip_view before = view(f, 0);
    init_pc(f->m, 0x03, 0x03);
    assert_false(ops->load(f->pic, &buf, 2));
    buf.pos = 0;
    assert_true(ops->load(f->pic, &buf, 1));
    struct pic_chip_view after = view(f, 0);
    assert_int_equal(after.irr, before.irr);
    assert_int_equal(after.isr, before.isr);
    assert_int_equal(after.imr, before.imr);
    assert_int_equal(after.lowest, before.lowest);
    assert_int_equal(after.vector_base, before.vector_base);
    assert_int_equal(after.auto_eoi, before.auto_eoi);
    buf.pos = 0;
    buf.len = 5; /* truncated */
    assert_false(ops->load(f->pic, &buf, 1));
    state_free(&buf);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_reset_state),
        T(test_icw_sequence),
        T(test_icw_single_without_icw3),
        T(test_icw_without_icw4),
        T(test_fully_nested_priority),
        T(test_ocw3_reads_irr_isr),
        T(test_mask),
        T(test_specific_eoi),
        T(test_rotate_on_nonspecific_eoi),
        T(test_set_priority_and_rotate_specific),
        T(test_auto_eoi_and_rotate),
        T(test_special_mask_mode),
        T(test_poll),
        T(test_spurious_irq7),
        T(test_spurious_irq15),
        T(test_cascade),
        T(test_special_fully_nested),
        T(test_elcr_level_rerequests),
        T(test_elcr_switch_to_level),
        T(test_ltim_level),
        T(test_icw1_needs_new_edge),
        T(test_intr_reaches_cpu_events),
        T(test_save_load),
    };
    dt_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
