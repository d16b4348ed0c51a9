/* The debugger's loop must run a guest as the hardware would and as machine_run() does:
 * same instructions, same virtual time, interrupts delivered at the same boundaries (never
 * inside an STI shadow), HLT skipped to the same timer deadlines. A real-mode guest
 * (irq_guest.asm) takes timer interrupts through the 8259 and the 8254; it is run by the
 * debugger's per-instruction loop, a step at a time, with a breakpoint in the handler, in
 * the loop's fast stretches and by machine_run(), and the final states must agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pic.h"
#include "devices/pit.h"
#include "frontend/dbg_internal.h"
#include "machine/run.h"
#include "mmu/mem.h"

#include "../devices/devtest.h"

/* Addresses in irq_guest.asm (org 0x1000), checked against its bytes below. */
#define AFTER_HLT 0x1052
#define HANDLER 0x105B
#define COUNT 0x107A
#define RETURN_IP 0x107C
#define BAD 0x107E

static const char *guest_path;

static struct machine *boot(void)
{
    struct machine *m = dt_machine();
    assert_non_null(pic_create(m));
    assert_non_null(pit_create(m));
    FILE *f = fopen(guest_path, "rb");
    assert_non_null(f);
    uint8_t code[512];
    size_t n = fread(code, 1, sizeof code, f);
    fclose(f);
    assert_true(n > HANDLER - 0x1000);
    assert_int_equal(code[AFTER_HLT - 0x1000 - 1], 0xF4); /* hlt */
    assert_int_equal(code[HANDLER - 0x1000], 0x55);       /* push bp */
    phys_write_bytes(m, 0x1000, code, n);
    cpu_load_seg_real(m, SEG_CS, 0);
    m->cpu.eip = 0x1000;
    return m;
}

struct final {
    uint64_t icount, now, idle;
    uint32_t eip, eax, ecx;
    uint16_t count, return_ip, bad;
};

static struct final final_state(struct machine *m)
{
    return (struct final){ m->cpu.icount, sched_now(m), m->sched.idle_insns, m->cpu.eip,
                           m->cpu.gpr[EAX], m->cpu.gpr[ECX], (uint16_t)phys_read(m, COUNT, 2),
                           (uint16_t)phys_read(m, RETURN_IP, 2), (uint16_t)phys_read(m, BAD, 2) };
}

/* The guest's own checks: five rounds or more, no interrupt inside an STI shadow. */
static void assert_guest_ok(const struct final *f)
{
    assert_true(f->count >= 5);
    assert_int_equal(f->return_ip, AFTER_HLT);
    assert_int_equal(f->bad, 0);
}

static void assert_same(const struct final *a, const struct final *b)
{
    assert_int_equal(a->icount, b->icount);
    assert_int_equal(a->now, b->now);
    assert_int_equal(a->idle, b->idle);
    assert_int_equal(a->eip, b->eip);
    assert_int_equal(a->eax, b->eax);
    assert_int_equal(a->ecx, b->ecx);
    assert_int_equal(a->count, b->count);
    assert_int_equal(a->return_ip, b->return_ip);
    assert_int_equal(a->bad, b->bad);
}

static struct debugger *debugger(struct machine *m, unsigned ring)
{
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    struct debugger_config cfg = { .out = sink, .ring_size = ring };
    struct debugger *d = debugger_create(m, &cfg);
    assert_non_null(d);
    return d;
}

static void done(struct debugger *d)
{
    FILE *sink = d->out;
    debugger_destroy(d);
    fclose(sink);
}

/* The debugger's loop, per instruction (the ring is on): the reference. */
static struct final stepping_loop(void)
{
    struct machine *m = boot();
    struct debugger *d = debugger(m, 16);
    struct dbg_resume run = { 0 };
    assert_int_equal(dbg_run(d, &run), DS_HALTED);
    struct final f = final_state(m);
    done(d);
    machine_destroy(m);
    assert_guest_ok(&f);
    return f;
}

static void test_stepping_loop_keeps_shadow(void **state)
{
    stepping_loop();
}

/* s 1 all the way: a step at a time changes nothing. */
static void test_single_steps_match(void **state)
{
    struct final want = stepping_loop();
    struct machine *m = boot();
    struct debugger *d = debugger(m, 0);
    struct dbg_resume one = { .steps = 1 };
    enum dbg_stop why;
    unsigned steps = 0;
    while ((why = dbg_run(d, &one)) == DS_STEPPED)
        steps++;
    assert_int_equal(why, DS_HALTED);
    assert_true(steps > 1000);
    struct final got = final_state(m);
    assert_same(&want, &got);
    done(d);
    machine_destroy(m);
}

/* With no per-instruction check, `c` runs in stretches of cpu_run(), as machine_run()
 * does; both must end where the stepping loop ends. */
static void test_fast_paths_match(void **state)
{
    struct final want = stepping_loop();
    struct machine *m = boot();
    assert_int_equal(machine_run(m, 10000000), RUN_HALTED);
    struct final normal = final_state(m);
    machine_destroy(m);
    m = boot();
    struct debugger *d = debugger(m, 0);
    struct dbg_resume run = { 0 };
    assert_int_equal(dbg_run(d, &run), DS_HALTED);
    struct final fast = final_state(m);
    done(d);
    machine_destroy(m);
    assert_same(&normal, &fast);
    assert_false(normal.bad); /* no interrupt inside an STI shadow */
    assert_same(&want, &normal);
}

/* A breakpoint on the handler's first instruction stops once per interrupt, there. */
static void test_breakpoint_in_handler(void **state)
{
    struct final want = stepping_loop();
    struct machine *m = boot();
    struct debugger *d = debugger(m, 0);
    struct dbg_bp *b = dbg_bp_add(d, BP_LIN);
    assert_non_null(b);
    b->addr = HANDLER;
    dbg_bp_changed(d);
    struct dbg_resume run = { 0 };
    unsigned k = 0;
    enum dbg_stop why;
    while ((why = dbg_run(d, &run)) == DS_BREAK) {
        assert_int_equal(m->cpu.eip, HANDLER);
        assert_int_equal(phys_read(m, COUNT, 2), k++);
        /* The interrupted IP on the stack is after the HLT: the shadow held. */
        assert_int_equal(phys_read(m, m->cpu.seg[SEG_SS].base + cpu_reg16(&m->cpu, ESP), 2),
                         AFTER_HLT);
    }
    assert_int_equal(why, DS_HALTED);
    assert_int_equal(b->hits, want.count);
    struct final got = final_state(m);
    assert_same(&want, &got);
    done(d);
    machine_destroy(m);
}

/* intbp 8: the stop is at the handler too, and the report names the vector. */
static void test_interrupt_breakpoint(void **state)
{
    struct machine *m = boot();
    struct debugger *d = debugger(m, 0);
    struct dbg_bp *b = dbg_bp_add(d, BP_INT);
    assert_non_null(b);
    b->addr = 8;
    dbg_bp_changed(d);
    struct dbg_resume run = { 0 };
    assert_int_equal(dbg_run(d, &run), DS_INT);
    assert_int_equal(d->int_hit.vector, 8);
    assert_false(d->int_hit.software);
    assert_int_equal(m->cpu.eip, HANDLER);
    done(d);
    machine_destroy(m);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_dbg_loop irq_guest.bin\n");
        return 2;
    }
    guest_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stepping_loop_keeps_shadow),
        cmocka_unit_test(test_single_steps_match),
        cmocka_unit_test(test_fast_paths_match),
        cmocka_unit_test(test_breakpoint_in_handler),
        cmocka_unit_test(test_interrupt_breakpoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
