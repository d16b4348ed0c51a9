/* A test rig for the keyboard controller: a machine with the 8042 and, if asked, a PS/2
 * keyboard and mouse plugged in, plus helpers that talk to it the way a driver does
 * (wait for OBF, read 0x60; wait until the controller is idle). Inline helpers only. */
#ifndef GLASS86_KBCRIG_H
#define GLASS86_KBCRIG_H

#include <stdlib.h>

#include "devices/i8042.h"
#include "devices/ps2kbd.h"
#include "devices/ps2mouse.h"
#include "ioharness.h"

struct kbc_rig {
    struct machine *m;
    struct io_irqs irqs;
    struct i8042 *kbc;
    struct ps2kbd *kbd;
    struct ps2mouse *mouse;
};

static inline struct kbc_rig *rig_new(bool keyboard, bool mouse)
{
    struct kbc_rig *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->m = io_machine(&r->irqs);
    r->kbc = i8042_create(r->m);
    assert_non_null(r->kbc);
    if (keyboard) {
        r->kbd = ps2kbd_create(r->m, i8042_port(r->kbc, I8042_KBD));
        assert_non_null(r->kbd);
    }
    if (mouse) {
        r->mouse = ps2mouse_create(r->m, i8042_port(r->kbc, I8042_AUX));
        assert_non_null(r->mouse);
    }
    return r;
}

static inline void rig_free(struct kbc_rig *r)
{
    machine_destroy(r->m);
    free(r);
}

static inline uint8_t rig_status(struct kbc_rig *r)
{
    return io_in(r->m, I8042_CMD_PORT);
}

static inline void rig_cmd(struct kbc_rig *r, uint8_t cmd)
{
    io_out(r->m, I8042_CMD_PORT, cmd);
}

static inline void rig_data(struct kbc_rig *r, uint8_t v)
{
    io_out(r->m, I8042_DATA_PORT, v);
}

/* Wait (in virtual time, up to 50 ms) for the output buffer to fill; false if it does
 * not. *aux gets whether the byte is from the aux device. */
static inline bool rig_try_read(struct kbc_rig *r, uint8_t *v, bool *aux)
{
    for (int k = 0; k < 5000; k++) {
        uint8_t s = rig_status(r);
        if (s & I8042_STR_OBF) {
            if (aux)
                *aux = (s & I8042_STR_AUXOBF) != 0;
            *v = io_in(r->m, I8042_DATA_PORT);
            return true;
        }
        io_advance(r->m, 10000);
    }
    return false;
}

static inline uint8_t rig_read(struct kbc_rig *r)
{
    uint8_t v = 0;
    if (!rig_try_read(r, &v, NULL))
        fail_msg("no byte from the keyboard controller");
    return v;
}

/* Read exactly `n` bytes and compare; then nothing else may come. */
static inline void rig_expect(struct kbc_rig *r, const uint8_t *want, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        uint8_t v = 0;
        if (!rig_try_read(r, &v, NULL))
            fail_msg("byte %zu of %zu missing (expected 0x%02x)", k, n, want[k]);
        if (v != want[k])
            fail_msg("byte %zu: got 0x%02x, expected 0x%02x", k, v, want[k]);
    }
    uint8_t extra;
    if (rig_try_read(r, &extra, NULL))
        fail_msg("unexpected extra byte 0x%02x", extra);
}

#define BYTES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

/* Read everything that comes within 50 ms of quiet into buf; returns the count. */
static inline size_t rig_drain(struct kbc_rig *r, uint8_t *buf, size_t max)
{
    size_t n = 0;
    uint8_t v;
    while (n < max && rig_try_read(r, &v, NULL))
        buf[n++] = v;
    return n;
}

#endif
