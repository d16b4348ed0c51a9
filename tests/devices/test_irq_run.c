/* End to end: a real-mode guest programs the PIC pair and a timer, enables interrupts and
 * HLTs until its handler has counted enough interrupts. Passing needs the scheduler (timer
 * deadlines, HLT skipping to the next one), the timer's lazy OUT and its single timer, the
 * PIC's edge detection, priority and EOI, and the CPU taking INTR through cpu/exec.c. The
 * RTC run also goes through the cascade (IRQ 8 on the slave). */
#include "devtest.h"

#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/rtc.h"
#include "machine/run.h"

/* nasm source of both guests (org 0x1000), shared prologue:
 *       cli / xor ax,ax / mov ds,ax / mov ss,ax / mov sp,0x8000
 *       mov word [VEC*4], handler / mov word [VEC*4+2], 0
 *       ICW1 0x11 to 0x20 and 0xA0, ICW2 0x08 / 0x70, ICW3 0x04 / 0x02, ICW4 0x01 */

/* PIT guest: vector 8; OCW1 0xFE / 0xFF; counter 0 mode 2 with 1193 (1 ms):
 *       mov al,0x34 / out 0x43,al / mov ax,1193 / out 0x40,al / mov al,ah / out 0x40,al
 *       sti
 * idle: hlt / cmp word [count],10 / jb idle / cli / hlt
 * handler: inc word [count] / push ax / mov al,0x20 / out 0x20,al / pop ax / iret
 * count: dw 0 */
static const uint8_t pit_guest[] = {
    0xFA, 0x31, 0xC0, 0x8E, 0xD8, 0x8E, 0xD0, 0xBC, 0x00, 0x80, 0xC7, 0x06,
    0x20, 0x00, 0x52, 0x10, 0xC7, 0x06, 0x22, 0x00, 0x00, 0x00, 0xB0, 0x11,
    0xE6, 0x20, 0xE6, 0xA0, 0xB0, 0x08, 0xE6, 0x21, 0xB0, 0x70, 0xE6, 0xA1,
    0xB0, 0x04, 0xE6, 0x21, 0xB0, 0x02, 0xE6, 0xA1, 0xB0, 0x01, 0xE6, 0x21,
    0xE6, 0xA1, 0xB0, 0xFE, 0xE6, 0x21, 0xB0, 0xFF, 0xE6, 0xA1, 0xB0, 0x34,
    0xE6, 0x43, 0xB8, 0xA9, 0x04, 0xE6, 0x40, 0x88, 0xE0, 0xE6, 0x40, 0xFB,
    0xF4, 0x83, 0x3E, 0x5D, 0x10, 0x0A, 0x72, 0xF8, 0xFA, 0xF4, 0xFF, 0x06,
    0x5D, 0x10, 0x50, 0xB0, 0x20, 0xE6, 0x20, 0x58, 0xCF, 0x00, 0x00,
};
#define PIT_GUEST_COUNT 0x105D

/* RTC guest: vector 0x70; OCW1 0xFB / 0xFE; register B |= PIE (1024 Hz), register C read:
 *       mov al,0x8B / out 0x70,al / in al,0x71 / or al,0x40 / mov ah,al
 *       mov al,0x8B / out 0x70,al / mov al,ah / out 0x71,al
 *       mov al,0x8C / out 0x70,al / in al,0x71 / sti
 * idle: hlt / cmp word [count],8 / jb idle / cli / hlt
 * handler: push ax / inc word [count] / mov al,0x8C / out 0x70,al / in al,0x71
 *          mov al,0x20 / out 0xA0,al / out 0x20,al / pop ax / iret
 * count: dw 0 */
static const uint8_t rtc_guest[] = {
    0xFA, 0x31, 0xC0, 0x8E, 0xD8, 0x8E, 0xD0, 0xBC, 0x00, 0x80, 0xC7, 0x06,
    0xC0, 0x01, 0x5D, 0x10, 0xC7, 0x06, 0xC2, 0x01, 0x00, 0x00, 0xB0, 0x11,
    0xE6, 0x20, 0xE6, 0xA0, 0xB0, 0x08, 0xE6, 0x21, 0xB0, 0x70, 0xE6, 0xA1,
    0xB0, 0x04, 0xE6, 0x21, 0xB0, 0x02, 0xE6, 0xA1, 0xB0, 0x01, 0xE6, 0x21,
    0xE6, 0xA1, 0xB0, 0xFB, 0xE6, 0x21, 0xB0, 0xFE, 0xE6, 0xA1, 0xB0, 0x8B,
    0xE6, 0x70, 0xE4, 0x71, 0x0C, 0x40, 0x88, 0xC4, 0xB0, 0x8B, 0xE6, 0x70,
    0x88, 0xE0, 0xE6, 0x71, 0xB0, 0x8C, 0xE6, 0x70, 0xE4, 0x71, 0xFB, 0xF4,
    0x83, 0x3E, 0x70, 0x10, 0x08, 0x72, 0xF8, 0xFA, 0xF4, 0x50, 0xFF, 0x06,
    0x70, 0x10, 0xB0, 0x8C, 0xE6, 0x70, 0xE4, 0x71, 0xB0, 0x20, 0xE6, 0xA0,
    0xE6, 0x20, 0x58, 0xCF, 0x00, 0x00,
};
#define RTC_GUEST_COUNT 0x1070

static struct machine *boot(const uint8_t *code, size_t n)
{
    struct machine *m = dt_machine();
    assert_non_null(pic_create(m));
    assert_non_null(pit_create(m));
    assert_non_null(rtc_create(m, 0, false));
    phys_write_bytes(m, 0x1000, code, n);
    cpu_load_seg_real(m, SEG_CS, 0);
    m->cpu.eip = 0x1000;
    return m;
}

static void test_pit_interrupts_wake_hlt(void **state)
{
    struct machine *m = boot(pit_guest, sizeof pit_guest);
    assert_int_equal(machine_run(m, 1000000), RUN_HALTED);
    assert_int_equal(phys_read(m, PIT_GUEST_COUNT, 2), 10);
    /* The count was written in PIT clock 0 (a few dozen instructions in), so the tenth
     * interrupt came at the rise of pulse 1 + 10 * 1193; the handler and the final CLI,
     * HLT take a few more instructions. */
    uint64_t tenth = pit_tick_ns(1 + 10 * 1193);
    assert_in_range(sched_now(m), tenth, tenth + 1000);
    /* Almost all of that was skipped in HLT, not executed. */
    assert_true(m->sched.idle_insns > 990000);
    assert_in_range(m->cpu.icount, 50, 300);
    machine_destroy(m);
}

static void test_rtc_interrupts_through_cascade(void **state)
{
    struct machine *m = boot(rtc_guest, sizeof rtc_guest);
    assert_int_equal(machine_run(m, 1000000), RUN_HALTED);
    assert_int_equal(phys_read(m, RTC_GUEST_COUNT, 2), 8);
    /* 1024 Hz from the divider chain started at time 0: the eighth at 8 * 976.5625 us. */
    assert_in_range(sched_now(m), 7812500, 7812500 + 1000);
    assert_true(m->sched.idle_insns > 700000);
    machine_destroy(m);
}

static void test_runs_repeat(void **state)
{
    uint64_t icount[2], idle[2];
    for (int k = 0; k < 2; k++) {
        struct machine *m = boot(pit_guest, sizeof pit_guest);
        assert_int_equal(machine_run(m, 1000000), RUN_HALTED);
        icount[k] = m->cpu.icount;
        idle[k] = m->sched.idle_insns;
        machine_destroy(m);
    }
    assert_int_equal(icount[0], icount[1]);
    assert_int_equal(idle[0], idle[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pit_interrupts_wake_hlt),
        cmocka_unit_test(test_rtc_interrupts_through_cascade),
        cmocka_unit_test(test_runs_repeat),
    };
    dt_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
