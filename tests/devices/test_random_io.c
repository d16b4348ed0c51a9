/* Bad guest input never crashes: seeded random reads and writes to every port of the PIC
 * pair, the ELCR, the PIT, port 0x61, the RTC, POST and port 0x92, with virtual time moving
 * in random steps, interrupts acknowledged as a CPU would, and snapshots saved and loaded
 * on the way. Run under the sanitizer build this also checks for undefined behaviour. The
 * checks: timers never re-arm in the past (which would spin the scheduler), and every
 * pending interrupt can be acknowledged. */
#include "devtest.h"

#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/port61.h"
#include "devices/port92.h"
#include "devices/post.h"
#include "devices/rtc.h"

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static const uint16_t ports[] = { 0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1, 0x40, 0x41, 0x42, 0x43,
                                  0x61, 0x70, 0x71, 0x80, 0x92 };

/* Fire due timers one by one, failing if one keeps firing without time moving. */
static void run_timers(struct machine *m)
{
    for (int k = 0; k < 1000; k++) {
        if (dt_next_deadline(m) > sched_now(m))
            return;
        sched_run_due(m);
    }
    fail_msg("a timer re-armed itself in the past 1000 times at %llu ns",
             (unsigned long long)sched_now(m));
}

static void save_load_all(struct machine *m)
{
    for (int k = 0; k < m->device_count; k++) {
        const struct device_ops *ops = m->devices[k].ops;
        struct state_buf buf = { 0 };
        ops->save(m->devices[k].dev, &buf);
        assert_false(buf.error);
        assert_true(ops->load(m->devices[k].dev, &buf, ops->state_version));
        assert_int_equal(buf.pos, buf.len);
        state_free(&buf);
    }
}

static void test_random_io(void **state)
{
    uint64_t seed = 0x5EED1234u;
    unsigned acks = 0;
    for (int round = 0; round < 8; round++) {
        struct machine *m = dt_machine();
        struct pic *pic = pic_create(m);
        struct pit *pit = pit_create(m);
        assert_non_null(pic);
        assert_non_null(pit);
        assert_non_null(port61_create(m, pit));
        assert_non_null(rtc_create(m, 946684800 + (time_t)(rnd(&seed) % 3000000000u), false));
        assert_non_null(post_create(m, false));
        assert_non_null(port92_create(m));
        for (int step = 0; step < 40000; step++) {
            uint64_t r = rnd(&seed);
            uint16_t port = ports[r % (sizeof ports / sizeof ports[0])];
            uint8_t value = (uint8_t)(r >> 8);
            switch ((r >> 16) % 8) {
            case 0:
            case 1:
            case 2:
                dt_out(m, port, value);
                break;
            case 3:
            case 4:
                dt_in(m, port);
                break;
            case 5: /* time moves: a few ns up to a few ms, timers fired on the way */
                m->sched.idle_insns += (r >> 24) % (1u << ((r >> 20) % 20));
                run_timers(m);
                break;
            case 6:
                if (m->intc.intr_pending(m->intc.opaque)) {
                    m->intc.acknowledge(m->intc.opaque);
                    acks++;
                }
                break;
            default:
                if ((r >> 24) % 64 == 0)
                    save_load_all(m);
                else if ((r >> 24) % 256 == 1)
                    machine_reset(m);
                else
                    io_write(m, port, (uint32_t)(r >> 32), 2);
                break;
            }
        }
        machine_destroy(m);
    }
    assert_true(acks > 1000); /* the random programming did produce interrupts */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_io),
    };
    dt_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
