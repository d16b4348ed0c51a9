/* The 16550A against the PC16550D datasheet: register reset values and masks, the divisor
 * latch, transmitter timing (THRE, TEMT) at 9600 and 115200 baud, the FIFOs and their
 * trigger levels, the RX timeout, the IIR priority order, loopback with MSR mirroring
 * MCR, OUT2 gating the IRQ, host input through the scripted backend, save/load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/chardev.h"
#include "devices/uart16550.h"
#include "ioharness.h"

struct uart_rig {
    struct machine *m;
    struct io_irqs irqs;
    struct uart16550 *u;
    struct chardev *cd;
};

static struct uart_rig *urig_new(void)
{
    struct uart_rig *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->m = io_machine(&r->irqs);
    r->cd = chardev_script();
    assert_non_null(r->cd);
    r->u = uart16550_create_com(r->m, 1, r->cd);
    assert_non_null(r->u);
    return r;
}

static void urig_free(struct uart_rig *r)
{
    machine_destroy(r->m);
    free(r);
}

static uint8_t uin(struct uart_rig *r, unsigned reg)
{
    return io_in(r->m, (uint16_t)(UART_COM1_BASE + reg));
}

static void uout(struct uart_rig *r, unsigned reg, uint8_t v)
{
    io_out(r->m, (uint16_t)(UART_COM1_BASE + reg), v);
}

static void set_divisor(struct uart_rig *r, uint16_t div, uint8_t lcr)
{
    uout(r, UART_LCR, UART_LCR_DLAB);
    uout(r, UART_DLL, (uint8_t)div);
    uout(r, UART_DLM, (uint8_t)(div >> 8));
    uout(r, UART_LCR, lcr);
}

static uint64_t bit_ns(uint16_t div)
{
    return div * 16ull * 1000000000ull / UART_CLOCK_HZ;
}

/* 8N1: ten bits. */
static uint64_t char_ns(uint16_t div)
{
    return 20ull * div * 8ull * 1000000000ull / UART_CLOCK_HZ;
}

static size_t output(struct uart_rig *r, const uint8_t **p)
{
    size_t n;
    *p = chardev_script_output(r->cd, &n);
    return n;
}

static void test_reset_values_and_masks(void **state)
{
    struct uart_rig *r = urig_new();
    assert_int_equal(uin(r, UART_IER), 0x00);
    assert_int_equal(uin(r, UART_IIR), 0x01);
    assert_int_equal(uin(r, UART_LCR), 0x00);
    assert_int_equal(uin(r, UART_MCR), 0x00);
    assert_int_equal(uin(r, UART_LSR), 0x60);
    /* Someone is on the other end: carrier, DSR, CTS, and no deltas after reset. */
    assert_int_equal(uin(r, UART_MSR), 0xB0);
    uout(r, UART_SCR, 0x5A);
    assert_int_equal(uin(r, UART_SCR), 0x5A);
    uout(r, UART_IER, 0xF0);
    assert_int_equal(uin(r, UART_IER), 0x00);
    uout(r, UART_MCR, 0xE0);
    assert_int_equal(uin(r, UART_MCR), 0x00);
    uout(r, UART_LCR, 0x1B);
    assert_int_equal(uin(r, UART_LCR), 0x1B);
    uout(r, UART_LSR, 0xFF); /* read-only */
    assert_int_equal(uin(r, UART_LSR), 0x60);
    /* Word access is split into bytes: IER and IIR. */
    assert_int_equal(io_read(r->m, UART_COM1_BASE + 1, 2), 0x0100);
    urig_free(r);
}

static void test_divisor_latch(void **state)
{
    struct uart_rig *r = urig_new();
    uout(r, UART_IER, 0x05);
    uout(r, UART_LCR, UART_LCR_DLAB | 0x03);
    uout(r, UART_DLL, 0x34);
    uout(r, UART_DLM, 0x12);
    assert_int_equal(uin(r, UART_DLL), 0x34);
    assert_int_equal(uin(r, UART_DLM), 0x12);
    assert_int_equal(uin(r, UART_LSR), 0x60); /* no byte was sent */
    uout(r, UART_LCR, 0x03);
    assert_int_equal(uin(r, UART_IER), 0x05);
    urig_free(r);
}

static void thre_timing(uint16_t div)
{
    struct uart_rig *r = urig_new();
    set_divisor(r, div, 0x03);
    uint64_t bit = bit_ns(div), ch = char_ns(div);
    uint64_t t0 = sched_now(r->m);
    uout(r, UART_THR, 'A');
    assert_int_equal(uin(r, UART_LSR) & 0x60, 0);
    io_advance_to(r->m, t0 + bit - 20);
    assert_int_equal(uin(r, UART_LSR) & 0x60, 0);
    /* One bit time later the byte is in the shift register: THR empty, line busy. */
    io_advance_to(r->m, t0 + bit);
    assert_int_equal(uin(r, UART_LSR) & 0x60, UART_LSR_THRE);
    const uint8_t *out;
    assert_int_equal(output(r, &out), 1);
    uout(r, UART_THR, 'B');
    assert_int_equal(uin(r, UART_LSR) & 0x60, 0);
    /* The second byte waits a whole character time for the first frame to end. */
    io_advance_to(r->m, t0 + bit + ch - 20);
    assert_int_equal(uin(r, UART_LSR) & 0x60, 0);
    io_advance_to(r->m, t0 + bit + ch);
    assert_int_equal(uin(r, UART_LSR) & 0x60, UART_LSR_THRE);
    io_advance_to(r->m, t0 + bit + 2 * ch - 20);
    assert_int_equal(uin(r, UART_LSR) & 0x60, UART_LSR_THRE);
    io_advance_to(r->m, t0 + bit + 2 * ch);
    assert_int_equal(uin(r, UART_LSR) & 0x60, UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(output(r, &out), 2);
    assert_memory_equal(out, "AB", 2);
    urig_free(r);
}

static void test_thre_timing_9600(void **state)
{
    assert_int_equal(char_ns(12), 1041666); /* 1/960 s */
    thre_timing(12);
}

static void test_thre_timing_115200(void **state)
{
    assert_int_equal(char_ns(1), 86805);    /* 1/11520 s */
    thre_timing(1);
}

/* A driver polling THRE sends one byte per character time: 7E1 with two stop bits is 11
 * bits a character. */
static void test_polled_throughput(void **state)
{
    struct uart_rig *r = urig_new();
    set_divisor(r, 3, 0x1E); /* 38400 baud, 7 data bits, even parity, 2 stop bits */
    uint64_t ch = 22ull * 3 * 8 * 1000000000ull / UART_CLOCK_HZ;
    uint64_t t0 = sched_now(r->m);
    const char *msg = "0123456789";
    for (const char *p = msg; *p; p++) {
        while (!(uin(r, UART_LSR) & UART_LSR_THRE))
            io_advance(r->m, 1000);
        uout(r, UART_THR, (uint8_t)*p);
    }
    while (!(uin(r, UART_LSR) & UART_LSR_TEMT))
        io_advance(r->m, 1000);
    uint64_t took = sched_now(r->m) - t0;
    assert_true(took >= bit_ns(3) + 10 * ch);
    assert_true(took < bit_ns(3) + 10 * ch + 2000);
    const uint8_t *out;
    assert_int_equal(output(r, &out), 10);
    assert_memory_equal(out, msg, 10);
    urig_free(r);
}

static void test_fifo_transmit(void **state)
{
    struct uart_rig *r = urig_new();
    set_divisor(r, 1, 0x03);
    uout(r, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
    assert_int_equal(uin(r, UART_IIR), 0xC1);
    uint64_t t0 = sched_now(r->m);
    for (int k = 0; k < 17; k++)
        uout(r, UART_THR, (uint8_t)('a' + k)); /* the 17th finds the FIFO full */
    io_advance_to(r->m, t0 + bit_ns(1) + 15 * char_ns(1) - 20);
    assert_int_equal(uin(r, UART_LSR) & 0x60, 0);
    io_advance_to(r->m, t0 + bit_ns(1) + 15 * char_ns(1));
    assert_int_equal(uin(r, UART_LSR) & 0x60, UART_LSR_THRE);
    io_advance_to(r->m, t0 + bit_ns(1) + 16 * char_ns(1));
    assert_int_equal(uin(r, UART_LSR) & 0x60, UART_LSR_THRE | UART_LSR_TEMT);
    const uint8_t *out;
    assert_int_equal(output(r, &out), 16);
    assert_memory_equal(out, "abcdefghijklmnop", 16);
    /* FCR bit 0 clear: FIFOs off, IIR bits 6-7 clear. */
    uout(r, UART_FCR, 0x00);
    assert_int_equal(uin(r, UART_IIR), 0x01);
    urig_free(r);
}

static void test_loopback_mirrors_msr(void **state)
{
    struct uart_rig *r = urig_new();
    set_divisor(r, 1, 0x03);
    uout(r, UART_MCR, UART_MCR_LOOP);
    assert_int_equal(uin(r, UART_MSR), UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    assert_int_equal(uin(r, UART_MSR), 0x00);
    uout(r, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
    assert_int_equal(uin(r, UART_MSR), UART_MSR_DSR | UART_MSR_DDSR);
    uout(r, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_OUT1 | UART_MCR_OUT2);
    assert_int_equal(uin(r, UART_MSR), UART_MSR_CTS | UART_MSR_RI | UART_MSR_DCD | UART_MSR_DCTS |
                                           UART_MSR_DDSR | UART_MSR_DDCD);
    uout(r, UART_MCR, UART_MCR_LOOP);
    /* RI going away is TERI (its trailing edge); CTS and DCD dropping are deltas. */
    assert_int_equal(uin(r, UART_MSR), UART_MSR_TERI | UART_MSR_DCTS | UART_MSR_DDCD);
    uout(r, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
    assert_int_equal(uin(r, UART_MSR), UART_MSR_RI); /* RI rising: no delta */
    /* Bytes come back after their frame and never reach the host. */
    uint64_t t0 = sched_now(r->m);
    uout(r, UART_THR, 'x');
    uout(r, UART_THR, 'y'); /* no FIFO: overwrites x in THR */
    io_advance_to(r->m, t0 + bit_ns(1) + char_ns(1) - 20);
    assert_false(uin(r, UART_LSR) & UART_LSR_DR);
    io_advance_to(r->m, t0 + bit_ns(1) + char_ns(1));
    assert_int_equal(uin(r, UART_LSR), UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(uin(r, UART_RBR), 'y');
    assert_int_equal(uin(r, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    const uint8_t *out;
    assert_int_equal(output(r, &out), 0);
    /* Out of loopback the line shows the backend again. */
    uout(r, UART_MCR, 0);
    assert_int_equal(uin(r, UART_MSR), 0xB0 | UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD |
                                           UART_MSR_TERI);
    urig_free(r);
}

static void test_rx_trigger_levels(void **state)
{
    static const uint8_t fcr_bits[4] = { 0x00, 0x40, 0x80, 0xC0 };
    static const unsigned level[4] = { 1, 4, 8, 14 };
    for (int k = 0; k < 4; k++) {
        struct uart_rig *r = urig_new();
        set_divisor(r, 1, 0x03);
        uout(r, UART_MCR, UART_MCR_LOOP);
        uout(r, UART_FCR, (uint8_t)(UART_FCR_ENABLE | fcr_bits[k]));
        uout(r, UART_IER, UART_IER_RDI);
        uint64_t t0 = sched_now(r->m), bit = bit_ns(1), ch = char_ns(1);
        for (unsigned n = 0; n < level[k]; n++)
            uout(r, UART_THR, (uint8_t)('0' + n));
        /* Byte n (from 1) is received at t0 + bit + n * ch. */
        io_advance_to(r->m, t0 + bit + (level[k] - 1) * ch + ch / 2);
        assert_int_equal(uin(r, UART_IIR), 0xC1);
        io_advance_to(r->m, t0 + bit + level[k] * ch);
        assert_int_equal(uin(r, UART_IIR), 0xC4);
        assert_int_equal(uin(r, UART_RBR), '0');
        if (level[k] > 1)
            assert_int_equal(uin(r, UART_IIR), 0xC1); /* below the trigger again */
        for (unsigned n = 1; n < level[k]; n++)
            assert_int_equal(uin(r, UART_RBR), '0' + n);
        assert_int_equal(uin(r, UART_LSR) & UART_LSR_DR, 0);
        urig_free(r);
    }
}

static void test_rx_timeout(void **state)
{
    struct uart_rig *r = urig_new();
    set_divisor(r, 1, 0x03);
    uout(r, UART_MCR, UART_MCR_LOOP);
    uout(r, UART_FCR, UART_FCR_ENABLE | 0xC0); /* trigger 14 */
    uout(r, UART_IER, UART_IER_RDI);
    uint64_t t0 = sched_now(r->m), bit = bit_ns(1), ch = char_ns(1);
    uout(r, UART_THR, 'q');
    uout(r, UART_THR, 'r');
    /* 'r' arrives at t0 + bit + 2 ch; four character times of silence later: timeout. */
    io_advance_to(r->m, t0 + bit + 6 * ch - 20);
    assert_int_equal(uin(r, UART_IIR), 0xC1);
    io_advance_to(r->m, t0 + bit + 6 * ch);
    assert_int_equal(uin(r, UART_IIR), 0xCC);
    assert_int_equal(uin(r, UART_RBR), 'q'); /* reading clears it and restarts the timer */
    assert_int_equal(uin(r, UART_IIR), 0xC1);
    io_advance(r->m, 4 * ch);
    assert_int_equal(uin(r, UART_IIR), 0xCC);
    assert_int_equal(uin(r, UART_RBR), 'r');
    io_advance(r->m, 10 * ch);
    assert_int_equal(uin(r, UART_IIR), 0xC1); /* empty FIFO: no timeout */
    urig_free(r);
}

static void test_iir_priorities(void **state)
{
    struct uart_rig *r = urig_new();
    set_divisor(r, 1, 0x03);
    uout(r, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);  /* CTS and DCD go: deltas */
    uout(r, UART_IER, 0x0F);
    /* Two bytes without reading: the second overruns the first (no FIFO). */
    uout(r, UART_THR, 'a');
    io_advance(r->m, bit_ns(1) + char_ns(1));
    uout(r, UART_THR, 'b');
    io_advance(r->m, bit_ns(1) + char_ns(1));
    assert_int_equal(uin(r, UART_IIR), UART_IIR_RLSI);
    assert_int_equal(uin(r, UART_LSR), UART_LSR_DR | UART_LSR_OE | UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(uin(r, UART_IIR), UART_IIR_RDI);
    assert_int_equal(uin(r, UART_RBR), 'b');
    assert_int_equal(uin(r, UART_IIR), UART_IIR_THRI); /* this read clears THRE's interrupt */
    assert_int_equal(uin(r, UART_IIR), UART_IIR_MSI);
    assert_int_equal(uin(r, UART_MSR), UART_MSR_DSR | UART_MSR_DCTS | UART_MSR_DDCD);
    assert_int_equal(uin(r, UART_IIR), UART_IIR_NO_INT);
    /* Writing THR also clears the THRE interrupt, until the byte moves on. */
    uout(r, UART_IER, 0);
    uout(r, UART_IER, UART_IER_THRI); /* enabling it with THR empty raises it */
    assert_int_equal(uin(r, UART_IIR), UART_IIR_THRI);
    uout(r, UART_IER, 0);
    uout(r, UART_IER, UART_IER_THRI);
    uout(r, UART_THR, 'c');
    assert_int_equal(uin(r, UART_IIR), UART_IIR_NO_INT);
    io_advance(r->m, bit_ns(1));
    assert_int_equal(uin(r, UART_IIR), UART_IIR_THRI);
    urig_free(r);
}

static void test_out2_gates_irq(void **state)
{
    struct uart_rig *r = urig_new();
    set_divisor(r, 1, 0x03);
    uout(r, UART_IER, UART_IER_THRI);
    assert_int_equal(uin(r, UART_IIR), UART_IIR_THRI);
    uout(r, UART_IER, 0);
    uout(r, UART_IER, UART_IER_THRI);
    assert_false(r->irqs.level[4]); /* INTR is up but OUT2 keeps the line driver off */
    uout(r, UART_MCR, UART_MCR_OUT2);
    assert_true(r->irqs.level[4]);
    uin(r, UART_IIR);
    assert_false(r->irqs.level[4]);
    uout(r, UART_THR, 'z');
    io_advance(r->m, bit_ns(1));
    assert_true(r->irqs.level[4]);
    assert_int_equal(r->irqs.rises[4], 2);
    uout(r, UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP); /* loopback disconnects OUT2 */
    assert_false(r->irqs.level[4]);
    uout(r, UART_MCR, 0);
    assert_false(r->irqs.level[4]);
    assert_false(r->irqs.level[3]);
    urig_free(r);
}

static void test_script_input(void **state)
{
    struct uart_rig *r = urig_new();
    set_divisor(r, 1, 0x03);
    uint64_t t0 = sched_now(r->m);
    chardev_script_feed(r->cd, "hi!", 3);
    /* Nothing until the poll point after reset (1 ms), then one byte per character. */
    io_advance_to(r->m, t0 + 900000);
    assert_false(uin(r, UART_LSR) & UART_LSR_DR);
    io_advance_to(r->m, UART_POLL_NS + char_ns(1) - 20);
    assert_false(uin(r, UART_LSR) & UART_LSR_DR);
    io_advance_to(r->m, UART_POLL_NS + char_ns(1));
    assert_true(uin(r, UART_LSR) & UART_LSR_DR);
    assert_int_equal(uin(r, UART_RBR), 'h');
    io_advance(r->m, char_ns(1));
    assert_int_equal(uin(r, UART_RBR), 'i');
    io_advance(r->m, char_ns(1));
    assert_int_equal(uin(r, UART_RBR), '!');
    assert_false(uin(r, UART_LSR) & UART_LSR_DR);
    urig_free(r);
}

/* Host input waits in the backend while the guest does not read: no overrun. */
static void test_host_input_flow_control(void **state)
{
    struct uart_rig *r = urig_new();
    set_divisor(r, 1, 0x03);
    const char *msg = "the quick brown fox jumps";
    size_t len = strlen(msg);
    chardev_script_feed(r->cd, msg, len);
    io_advance(r->m, 50000000);
    assert_int_equal(uin(r, UART_LSR), UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT);
    char got[64] = "";
    for (size_t k = 0; k < len; k++) {
        while (!(uin(r, UART_LSR) & UART_LSR_DR))
            io_advance(r->m, 10000);
        got[k] = (char)uin(r, UART_RBR);
    }
    assert_string_equal(got, msg);
    /* With FIFOs: sixteen wait in the FIFO, the rest in the backend. */
    uout(r, UART_FCR, UART_FCR_ENABLE);
    chardev_script_feed(r->cd, msg, len);
    io_advance(r->m, 50000000);
    assert_int_equal(uin(r, UART_LSR) & (UART_LSR_DR | UART_LSR_OE), UART_LSR_DR);
    for (size_t k = 0; k < len; k++) {
        while (!(uin(r, UART_LSR) & UART_LSR_DR))
            io_advance(r->m, 10000);
        got[k] = (char)uin(r, UART_RBR);
    }
    assert_string_equal(got, msg);
    urig_free(r);
}

static void test_fcr_clears(void **state)
{
    struct uart_rig *r = urig_new();
    set_divisor(r, 1, 0x03);
    uout(r, UART_MCR, UART_MCR_LOOP);
    uout(r, UART_FCR, UART_FCR_ENABLE);
    uout(r, UART_THR, '1');
    uout(r, UART_THR, '2');
    uout(r, UART_THR, '3');
    io_advance(r->m, bit_ns(1) + 2 * char_ns(1));
    assert_true(uin(r, UART_LSR) & UART_LSR_DR);
    assert_false(uin(r, UART_LSR) & UART_LSR_TEMT);
    uout(r, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
    assert_int_equal(uin(r, UART_LSR) & (UART_LSR_DR | UART_LSR_THRE), UART_LSR_THRE);
    io_advance(r->m, 2 * char_ns(1));
    /* The shift register was not cleared: '3' still arrives. */
    assert_int_equal(uin(r, UART_RBR), '3');
    urig_free(r);
}

static void test_com_ports(void **state)
{
    struct io_irqs irqs = { 0 };
    struct machine *m = io_machine(&irqs);
    struct uart16550 *u[5] = { NULL };
    for (unsigned n = 1; n <= 4; n++) {
        u[n] = uart16550_create_com(m, n, chardev_none());
        assert_non_null(u[n]);
    }
    assert_null(uart16550_create_com(m, 5, chardev_none()));
    assert_ptr_equal(machine_find_device(m, "com3"), u[3]);
    assert_non_null(uart16550_chardev(u[2]));
    static const uint16_t base[5] = { 0, 0x3F8, 0x2F8, 0x3E8, 0x2E8 };
    static const unsigned irq[5] = { 0, 4, 3, 4, 3 };
    for (unsigned n = 1; n <= 4; n++) {
        /* "none": no carrier. */
        assert_int_equal(io_in(m, (uint16_t)(base[n] + UART_MSR)), 0x00);
        io_out(m, (uint16_t)(base[n] + UART_MCR), UART_MCR_OUT2);
        io_out(m, (uint16_t)(base[n] + UART_IER), UART_IER_THRI);
        assert_true(irqs.level[irq[n]]);
        io_out(m, (uint16_t)(base[n] + UART_IER), 0);
        assert_false(irqs.level[irq[n]]);
    }
    /* Output to "none" goes nowhere, at the usual pace. */
    io_out(m, UART_COM2_BASE, 'x');
    io_advance(m, 10000000);
    assert_int_equal(io_in(m, UART_COM2_BASE + UART_LSR), 0x60);
    machine_destroy(m);
}

static void test_save_load(void **state)
{
    struct uart_rig *r = urig_new();
    set_divisor(r, 1, 0x1B);
    uout(r, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
    uout(r, UART_FCR, UART_FCR_ENABLE);
    uout(r, UART_IER, 0x05);
    uout(r, UART_SCR, 0x77);
    uout(r, UART_THR, 'k');
    uout(r, UART_THR, 'l');
    struct state_buf saved = { 0 };
    const struct device_ops *ops = r->m->devices[0].ops;
    assert_string_equal(ops->name, "com1");
    ops->save(r->u, &saved);
    assert_false(saved.error);
    uint64_t t = sched_now(r->m);
    io_advance(r->m, 5 * char_ns(1));
    assert_int_equal(uin(r, UART_RBR), 'k');
    uout(r, UART_FCR, 0);
    uout(r, UART_SCR, 0);
    uout(r, UART_MCR, 0);
    /* Back to the saved moment (virtual time too), then the same future. */
    r->m->sched.idle_insns -= sched_ns_to_insns(&r->m->sched, sched_now(r->m) - t);
    assert_false(ops->load(r->u, &saved, 9));
    saved.pos = 0;
    assert_true(ops->load(r->u, &saved, 1));
    assert_int_equal(uin(r, UART_SCR), 0x77);
    assert_int_equal(uin(r, UART_MCR), UART_MCR_LOOP | UART_MCR_OUT2);
    assert_int_equal(uin(r, UART_LCR), 0x1B);
    assert_int_equal(uin(r, UART_IIR), 0xC1);
    io_advance(r->m, 5 * char_ns(1));
    assert_int_equal(uin(r, UART_IIR), 0xC4);
    assert_int_equal(uin(r, UART_RBR), 'k');
    assert_int_equal(uin(r, UART_RBR), 'l');
    state_free(&saved);
    urig_free(r);
}

static void test_file_backend(void **state)
{
    char path[] = "/tmp/glass86-uart-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[200] = "";
    char spec[64];
    snprintf(spec, sizeof spec, "file:%s", path);
    struct chardev *cd = chardev_open(spec, err, sizeof err);
    assert_non_null(cd);
    assert_false(chardev_has_input(cd));
    struct io_irqs irqs = { 0 };
    struct machine *m = io_machine(&irqs);
    assert_non_null(uart16550_create_com(m, 2, cd));
    const char *msg = "file backend\r\n";
    for (const char *p = msg; *p; p++) {
        while (!(io_in(m, UART_COM2_BASE + UART_LSR) & UART_LSR_THRE))
            io_advance(m, 100000);
        io_out(m, UART_COM2_BASE, (uint8_t)*p);
    }
    while (!(io_in(m, UART_COM2_BASE + UART_LSR) & UART_LSR_TEMT))
        io_advance(m, 100000);
    machine_destroy(m); /* closes the file */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char got[64] = "";
    size_t n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    unlink(path);
    assert_int_equal(n, strlen(msg));
    assert_string_equal(got, msg);
}

static uint64_t next_rand(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Bad guest input never crashes: random register traffic (the divisor included), host
 * input, time moving on, save and load in between. */
static void test_random_traffic(void **state)
{
    struct uart_rig *r = urig_new();
    uint64_t seed = 16550;
    struct state_buf saved = { 0 };
    for (int k = 0; k < 200000; k++) {
        uint64_t x = next_rand(&seed);
        unsigned reg = (x >> 8) & 7;
        switch (x % 6) {
        case 0:
        case 1:
            uout(r, reg, (uint8_t)(x >> 16));
            break;
        case 2:
        case 3:
            uin(r, reg);
            break;
        case 4:
            chardev_script_feed(r->cd, &x, (x >> 16) % 8);
            break;
        default:
            /* Small steps: a divisor of 0 makes a character last seconds. */
            io_advance(r->m, (x >> 8) % 200000);
            break;
        }
        if (k % 10007 == 0) {
            const struct device_ops *ops = r->m->devices[0].ops;
            saved.len = saved.pos = 0;
            ops->save(r->u, &saved);
            assert_true(ops->load(r->u, &saved, 1));
        }
    }
    state_free(&saved);
    urig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_values_and_masks),
        cmocka_unit_test(test_divisor_latch),
        cmocka_unit_test(test_thre_timing_9600),
        cmocka_unit_test(test_thre_timing_115200),
        cmocka_unit_test(test_polled_throughput),
        cmocka_unit_test(test_fifo_transmit),
        cmocka_unit_test(test_loopback_mirrors_msr),
        cmocka_unit_test(test_rx_trigger_levels),
        cmocka_unit_test(test_rx_timeout),
        cmocka_unit_test(test_iir_priorities),
        cmocka_unit_test(test_out2_gates_irq),
        cmocka_unit_test(test_script_input),
        cmocka_unit_test(test_host_input_flow_control),
        cmocka_unit_test(test_fcr_clears),
        cmocka_unit_test(test_com_ports),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_file_backend),
        cmocka_unit_test(test_random_traffic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
