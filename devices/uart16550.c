/* The 16550A UART (see uart16550.h), after the National Semiconductor PC16550D datasheet.
 *
 * Time: a character takes (start + data + parity + stop bits) * 16 * divisor clocks of
 * 1.8432 MHz. The transmitter moves a byte from THR (or the FIFO) into its shift register
 * one bit time after a write to an idle transmitter, and at the end of each frame while
 * more are waiting, so THRE comes back one character time after the previous byte
 * started; TEMT when the last frame has ended. Received bytes arrive one per character
 * time: looped-back bytes at the end of their frame, host bytes taken from the chardev
 * (which only sees new host input at its 1 ms poll points) while the receiver has room,
 * so typing into the host never overruns the guest. The RX FIFO timeout fires after four
 * character times without a byte going in or out. */
#include "devices/uart16550.h"

#include <stdbool.h>
#include <stdlib.h>

#include "devices/chardev.h"
#include "devices/device.h"
#include "devices/devdump.h"
#include "devices/iobus.h"
#include "machine/machine.h"

#define FIFO_LEN 16
#define DIVISOR_POWER_ON 12   /* 9600 baud; the datasheet leaves the latches undefined */

struct fifo {
    uint8_t data[FIFO_LEN];
    uint8_t head, len;
};

struct uart16550 {
    struct machine *m;
    struct chardev *cd;
    uint16_t base;
    uint8_t irq;
    uint8_t ier, lcr, mcr, fcr, scr;
    uint8_t msr;               /* inputs in bits 4-7, deltas in bits 0-3 */
    uint16_t divisor;
    /* Line errors until LSR is read. Only OE ever happens: host bytes arrive intact and
     * a break is not sent anywhere, so PE, FE, BI and LSR bit 7 (an error in the FIFO)
     * stay clear. */
    uint8_t lsr_errors;
    uint8_t rbr;               /* the last byte read, returned again from an empty FIFO */
    struct fifo rx, tx;        /* without FIFOs: one byte each (RBR, THR) */
    bool thre_int;             /* THR-empty interrupt pending (cleared by IIR read or THR write) */
    bool timeout_int;          /* RX FIFO character timeout pending */
    bool tsr_busy;             /* a frame is on the wire */
    uint8_t tsr;
    bool tx_starting;          /* tx_timer is the one-bit delay before the first frame */
    bool irq_level;
    struct timer tx_timer, rx_timer, timeout_timer, poll_timer;
};

/* FIFO helpers. */
static void fifo_clear(struct fifo *f)
{
    f->head = f->len = 0;
}

static void fifo_push(struct fifo *f, uint8_t b)
{
    f->data[(f->head + f->len++) % FIFO_LEN] = b;
}

static uint8_t fifo_pop(struct fifo *f)
{
    uint8_t b = f->data[f->head];
    f->head = (uint8_t)((f->head + 1) % FIFO_LEN);
    f->len--;
    return b;
}

static bool fifo_on(const struct uart16550 *u)
{
    return u->fcr & UART_FCR_ENABLE;
}

static unsigned capacity(const struct uart16550 *u)
{
    return fifo_on(u) ? FIFO_LEN : 1;
}

static bool loopback(const struct uart16550 *u)
{
    return u->mcr & UART_MCR_LOOP;
}

static unsigned rx_trigger(const struct uart16550 *u)
{
    static const unsigned levels[4] = { 1, 4, 8, 14 };
    return levels[u->fcr >> 6];
}

/* Timing. */
static uint64_t divisor(const struct uart16550 *u)
{
    return u->divisor ? u->divisor : 65536; /* the counter wraps: 0 divides by 65536 */
}

static uint64_t bit_ns(const struct uart16550 *u)
{
    return divisor(u) * 16ull * 1000000000ull / UART_CLOCK_HZ;
}

static uint64_t char_ns(const struct uart16550 *u)
{
    unsigned data = 5 + (u->lcr & 3);
    unsigned parity = (u->lcr & 0x08) ? 1 : 0;
    /* In half bits: 1.5 stop bits with 5-bit words and the two-stop-bit setting. */
    unsigned stop2 = (u->lcr & 0x04) ? (data == 5 ? 3 : 4) : 2;
    unsigned half_bits = 2 * (1 + data + parity) + stop2;
    return half_bits * divisor(u) * 8ull * 1000000000ull / UART_CLOCK_HZ;
}

/* Interrupts, highest priority first (datasheet table IV). */
static uint8_t pending_id(const struct uart16550 *u)
{
    if ((u->ier & UART_IER_RLSI) && (u->lsr_errors & (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)))
        return UART_IIR_RLSI;
    if (u->ier & UART_IER_RDI) {
        if (u->rx.len && (!fifo_on(u) || u->rx.len >= rx_trigger(u)))
            return UART_IIR_RDI;
        if (u->timeout_int)
            return UART_IIR_TIMEOUT;
    }
    if ((u->ier & UART_IER_THRI) && u->thre_int)
        return UART_IIR_THRI;
    if ((u->ier & UART_IER_MSI) && (u->msr & 0x0F))
        return UART_IIR_MSI;
    return UART_IIR_NO_INT;
}

/* The chip's INTR reaches the ISA line only through the OUT2-enabled driver, and OUT2 is
 * forced inactive in loopback. A port that does not drive its line leaves it alone, so
 * COM1 and COM3 can share IRQ 4 as long as one of them is quiet. */
static void update_irq(struct uart16550 *u)
{
    bool level = pending_id(u) != UART_IIR_NO_INT && (u->mcr & UART_MCR_OUT2) && !loopback(u);
    if (level != u->irq_level) {
        u->irq_level = level;
        machine_set_irq(u->m, u->irq, level);
    }
}

static uint8_t read_lsr(const struct uart16550 *u)
{
    uint8_t v = u->lsr_errors;
    if (u->rx.len)
        v |= UART_LSR_DR;
    if (u->tx.len == 0) {
        v |= UART_LSR_THRE;
        if (!u->tsr_busy)
            v |= UART_LSR_TEMT;
    }
    return v;
}

/* Modem status inputs: the backend's line (someone there = DCD, DSR, CTS) or, in
 * loopback, the MCR outputs wired back: DTR → DSR, RTS → CTS, OUT1 → RI, OUT2 → DCD. */
static void update_msr(struct uart16550 *u)
{
    uint8_t in;
    if (loopback(u))
        in = (uint8_t)(((u->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
                       ((u->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) |
                       ((u->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
                       ((u->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0));
    else
        in = chardev_connected(u->cd) ? (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS) : 0;
    uint8_t old = u->msr & 0xF0, changed = old ^ in;
    uint8_t delta = u->msr & 0x0F;
    if (changed & UART_MSR_CTS)
        delta |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR)
        delta |= UART_MSR_DDSR;
    if ((old & UART_MSR_RI) && !(in & UART_MSR_RI))
        delta |= UART_MSR_TERI; /* trailing edge only */
    if (changed & UART_MSR_DCD)
        delta |= UART_MSR_DDCD;
    u->msr = in | delta;
    update_irq(u);
}

/* Receiver. */
static void restart_timeout(struct uart16550 *u)
{
    if (fifo_on(u) && u->rx.len)
        timer_arm(u->m, &u->timeout_timer, sched_now(u->m) + 4 * char_ns(u));
    else
        timer_cancel(u->m, &u->timeout_timer);
}

static void timeout_fire(void *opaque)
{
    struct uart16550 *u = opaque;
    if (fifo_on(u) && u->rx.len) {
        u->timeout_int = true;
        update_irq(u);
    }
}

static void receive(struct uart16550 *u, uint8_t b)
{
    if (u->rx.len >= capacity(u)) {
        /* Overrun: with FIFOs the new byte is lost; without, it overwrites RBR. */
        u->lsr_errors |= UART_LSR_OE;
        if (!fifo_on(u))
            u->rx.data[u->rx.head] = b;
    } else {
        fifo_push(&u->rx, b);
    }
    if (!u->timeout_int)
        restart_timeout(u);
    update_irq(u);
}

/* Start receiving the next host byte if there is one and room for it. */
static void start_host_rx(struct uart16550 *u)
{
    if (u->rx_timer.armed || loopback(u) || u->rx.len >= capacity(u) || !chardev_available(u->cd))
        return;
    timer_arm(u->m, &u->rx_timer, sched_now(u->m) + char_ns(u));
}

static void rx_fire(void *opaque)
{
    struct uart16550 *u = opaque;
    if (loopback(u) || u->rx.len >= capacity(u))
        return; /* resumed by start_host_rx() when it makes sense again */
    int c = chardev_getc(u->cd);
    if (c < 0)
        return;
    receive(u, (uint8_t)c);
    start_host_rx(u);
}

static void poll_fire(void *opaque)
{
    struct uart16550 *u = opaque;
    chardev_poll(u->cd);
    update_msr(u); /* a TCP client may have come or gone */
    start_host_rx(u);
    timer_arm(u->m, &u->poll_timer, u->poll_timer.deadline + UART_POLL_NS);
}

/* Transmitter. */
static void start_frame(struct uart16550 *u, uint64_t when)
{
    u->tsr = fifo_pop(&u->tx);
    u->tsr_busy = true;
    /* The host sees the byte as its frame starts: a guest that halts right after its
     * last write still gets all of its output out. */
    if (!loopback(u))
        chardev_write(u->cd, u->tsr);
    if (u->tx.len == 0)
        u->thre_int = true;
    timer_arm(u->m, &u->tx_timer, when + char_ns(u));
}

static void tx_fire(void *opaque)
{
    struct uart16550 *u = opaque;
    uint64_t when = u->tx_timer.deadline;
    if (u->tx_starting) {
        u->tx_starting = false;
        if (u->tx.len)
            start_frame(u, when);
    } else {
        u->tsr_busy = false;
        if (loopback(u))
            receive(u, u->tsr);
        if (u->tx.len)
            start_frame(u, when); /* back to back */
    }
    update_irq(u);
}

static void write_thr(struct uart16550 *u, uint8_t v)
{
    if (u->tx.len < capacity(u))
        fifo_push(&u->tx, v);
    else if (!fifo_on(u))
        u->tx.data[u->tx.head] = v; /* THR overwritten */
    /* else: written to a full FIFO, the byte is lost */
    u->thre_int = false;
    if (!u->tsr_busy && !u->tx_timer.armed) {
        u->tx_starting = true;
        timer_arm(u->m, &u->tx_timer, sched_now(u->m) + bit_ns(u));
    }
    update_irq(u);
}

static void clear_rx(struct uart16550 *u)
{
    fifo_clear(&u->rx);
    u->timeout_int = false;
    timer_cancel(u->m, &u->timeout_timer);
}

static void clear_tx(struct uart16550 *u)
{
    fifo_clear(&u->tx);
    u->thre_int = true; /* the holding register is empty now */
}

static void write_fcr(struct uart16550 *u, uint8_t v)
{
    bool was_on = fifo_on(u);
    if (!(v & UART_FCR_ENABLE)) {
        /* The other bits are only taken with FCR0 set; clearing FCR0 empties the FIFOs. */
        if (was_on) {
            clear_rx(u);
            clear_tx(u);
        }
        u->fcr = 0;
    } else {
        if (!was_on) {
            clear_rx(u);
            clear_tx(u);
        }
        if (v & UART_FCR_CLEAR_RX)
            clear_rx(u);
        if (v & UART_FCR_CLEAR_TX)
            clear_tx(u);
        u->fcr = v & (UART_FCR_TRIGGER | 0x08 | UART_FCR_ENABLE);
    }
    start_host_rx(u);
    update_irq(u);
}

static uint32_t uart_read(void *opaque, uint16_t port, unsigned size)
{
    struct uart16550 *u = opaque;
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (port - u->base) {
    case UART_RBR:
        if (dlab)
            return u->divisor & 0xFF;
        if (u->rx.len)
            u->rbr = fifo_pop(&u->rx);
        u->timeout_int = false;
        restart_timeout(u);
        start_host_rx(u);
        update_irq(u);
        return u->rbr;
    case UART_IER:
        return dlab ? u->divisor >> 8 : u->ier;
    case UART_IIR: {
        uint8_t id = pending_id(u);
        if (id == UART_IIR_THRI) {
            u->thre_int = false; /* reading IIR with THRE as the source clears it */
            update_irq(u);
        }
        return id | (fifo_on(u) ? UART_IIR_FIFO : 0);
    }
    case UART_LCR:
        return u->lcr;
    case UART_MCR:
        return u->mcr;
    case UART_LSR: {
        uint8_t v = read_lsr(u);
        u->lsr_errors = 0;
        update_irq(u);
        return v;
    }
    case UART_MSR: {
        uint8_t v = u->msr;
        u->msr &= 0xF0;
        update_irq(u);
        return v;
    }
    default:
        return u->scr;
    }
}

static void uart_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct uart16550 *u = opaque;
    uint8_t v = (uint8_t)value;
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (port - u->base) {
    case UART_THR:
        if (dlab)
            u->divisor = (uint16_t)((u->divisor & 0xFF00) | v);
        else
            write_thr(u, v);
        break;
    case UART_IER:
        if (dlab) {
            u->divisor = (uint16_t)((u->divisor & 0x00FF) | (v << 8));
        } else {
            /* Enabling the THRE interrupt while THR is empty raises it at once: drivers
             * start transmitting this way. */
            if (!(u->ier & UART_IER_THRI) && (v & UART_IER_THRI) && u->tx.len == 0)
                u->thre_int = true;
            u->ier = v & 0x0F;
            update_irq(u);
        }
        break;
    case UART_FCR:
        write_fcr(u, v);
        break;
    case UART_LCR:
        u->lcr = v; /* break (bit 6) is not sent anywhere */
        break;
    case UART_MCR: {
        bool was_loop = loopback(u);
        u->mcr = v & 0x1F;
        update_msr(u);
        if (was_loop && !loopback(u))
            start_host_rx(u);
        update_irq(u);
        break;
    }
    case UART_LSR:
    case UART_MSR:
        break; /* factory test registers: writes ignored */
    default:
        u->scr = v;
        break;
    }
}

static void uart_reset(void *dev)
{
    struct uart16550 *u = dev;
    timer_cancel(u->m, &u->tx_timer);
    timer_cancel(u->m, &u->rx_timer);
    timer_cancel(u->m, &u->timeout_timer);
    timer_cancel(u->m, &u->poll_timer);
    u->ier = u->lcr = u->mcr = u->fcr = u->scr = 0;
    u->divisor = DIVISOR_POWER_ON;
    u->lsr_errors = 0;
    u->rbr = 0;
    fifo_clear(&u->rx);
    fifo_clear(&u->tx);
    u->thre_int = false;
    u->timeout_int = false;
    u->tsr_busy = false;
    u->tx_starting = false;
    u->msr = 0;
    update_msr(u);
    u->msr &= 0xF0; /* no deltas at power-on */
    update_irq(u);
    if (chardev_has_input(u->cd))
        timer_arm(u->m, &u->poll_timer, sched_now(u->m) + UART_POLL_NS);
}

static void save_fifo(struct state_buf *out, const struct fifo *f)
{
    state_put_u8(out, f->len);
    for (unsigned i = 0; i < f->len; i++)
        state_put_u8(out, f->data[(f->head + i) % FIFO_LEN]);
}

static void load_fifo(struct state_buf *in, struct fifo *f)
{
    unsigned n = state_get_u8(in);
    fifo_clear(f);
    for (unsigned i = 0; i < n; i++) {
        uint8_t b = state_get_u8(in);
        if (f->len < FIFO_LEN)
            fifo_push(f, b);
    }
}

static void save_timer(struct state_buf *out, const struct timer *t)
{
    state_put_u8(out, t->armed);
    state_put_u64(out, t->armed ? t->deadline : 0);
}

static void load_timer(struct uart16550 *u, struct state_buf *in, struct timer *t)
{
    bool armed = state_get_u8(in) != 0;
    uint64_t deadline = state_get_u64(in);
    timer_cancel(u->m, t);
    if (armed && !in->error)
        timer_arm(u->m, t, deadline);
}

static void uart_save(void *dev, struct state_buf *out)
{
    struct uart16550 *u = dev;
    state_put_u8(out, u->ier);
    state_put_u8(out, u->lcr);
    state_put_u8(out, u->mcr);
    state_put_u8(out, u->fcr);
    state_put_u8(out, u->scr);
    state_put_u8(out, u->msr);
    state_put_u16(out, u->divisor);
    state_put_u8(out, u->lsr_errors);
    state_put_u8(out, u->rbr);
    save_fifo(out, &u->rx);
    save_fifo(out, &u->tx);
    state_put_u8(out, (uint8_t)(u->thre_int | u->timeout_int << 1 | u->tsr_busy << 2 |
                                u->tx_starting << 3 | u->irq_level << 4));
    state_put_u8(out, u->tsr);
    save_timer(out, &u->tx_timer);
    save_timer(out, &u->rx_timer);
    save_timer(out, &u->timeout_timer);
    save_timer(out, &u->poll_timer);
}

/* The chardev is host configuration: bytes it has taken in but the UART has not are not
 * part of the guest's state. */
static bool uart_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct uart16550 *u = dev;
    if (version != 1)
        return false;
    u->ier = state_get_u8(in) & 0x0F;
    u->lcr = state_get_u8(in);
    u->mcr = state_get_u8(in) & 0x1F;
    u->fcr = state_get_u8(in) & (UART_FCR_TRIGGER | 0x08 | UART_FCR_ENABLE);
    u->scr = state_get_u8(in);
    u->msr = state_get_u8(in);
    u->divisor = state_get_u16(in);
    u->lsr_errors = state_get_u8(in) & 0x1E;
    u->rbr = state_get_u8(in);
    load_fifo(in, &u->rx);
    load_fifo(in, &u->tx);
    if (!fifo_on(u)) {
        while (u->rx.len > 1)
            fifo_pop(&u->rx);
        while (u->tx.len > 1)
            fifo_pop(&u->tx);
    }
    uint8_t f = state_get_u8(in);
    u->thre_int = f & 1;
    u->timeout_int = (f >> 1) & 1;
    u->tsr_busy = (f >> 2) & 1;
    u->tx_starting = (f >> 3) & 1;
    u->irq_level = (f >> 4) & 1; /* the interrupt controller restores the line itself */
    u->tsr = state_get_u8(in);
    load_timer(u, in, &u->tx_timer);
    load_timer(u, in, &u->rx_timer);
    load_timer(u, in, &u->timeout_timer);
    load_timer(u, in, &u->poll_timer);
    if (!u->poll_timer.armed && chardev_has_input(u->cd))
        timer_arm(u->m, &u->poll_timer, sched_now(u->m) + UART_POLL_NS);
    return !in->error;
}

static void uart_destroy(void *dev)
{
    struct uart16550 *u = dev;
    timer_cancel(u->m, &u->tx_timer);
    timer_cancel(u->m, &u->rx_timer);
    timer_cancel(u->m, &u->timeout_timer);
    timer_cancel(u->m, &u->poll_timer);
    chardev_close(u->cd);
    free(u);
}

static void uart_dump(void *dev, FILE *out);

#define UART_OPS(n)                                                                            \
    { .name = n, .state_version = 1, .reset = uart_reset, .save = uart_save,                  \
      .load = uart_load, .destroy = uart_destroy, .dump = uart_dump }

static const struct device_ops uart_ops[5] = {
    UART_OPS("uart16550"), UART_OPS("com1"), UART_OPS("com2"), UART_OPS("com3"), UART_OPS("com4"),
};

static struct uart16550 *create(struct machine *m, uint16_t base, unsigned irq,
                                struct chardev *cd, const struct device_ops *ops)
{
    struct uart16550 *u = calloc(1, sizeof *u);
    if (!u) {
        chardev_close(cd);
        return NULL;
    }
    u->m = m;
    u->cd = cd;
    u->base = base;
    u->irq = (uint8_t)irq;
    timer_init(&u->tx_timer, "uart-tx", tx_fire, u);
    timer_init(&u->rx_timer, "uart-rx", rx_fire, u);
    timer_init(&u->timeout_timer, "uart-timeout", timeout_fire, u);
    timer_init(&u->poll_timer, "uart-poll", poll_fire, u);
    if (machine_add_device(m, ops, u) != 0) {
        uart_destroy(u);
        return NULL;
    }
    uart_reset(u);
    if (iobus_register(&m->io, base, 8, uart_read, uart_write, u, IO_SIZE_8, ops->name) != 0)
        return NULL; /* freed with the machine */
    return u;
}

struct uart16550 *uart16550_create(struct machine *m, uint16_t base, unsigned irq,
                                   struct chardev *cd)
{
    return create(m, base, irq, cd, &uart_ops[0]);
}

struct uart16550 *uart16550_create_com(struct machine *m, unsigned n, struct chardev *cd)
{
    static const uint16_t bases[4] = { UART_COM1_BASE, UART_COM2_BASE, UART_COM3_BASE, UART_COM4_BASE };
    static const uint8_t irqs[4] = { 4, 3, 4, 3 };
    if (n < 1 || n > 4) {
        chardev_close(cd);
        return NULL;
    }
    return create(m, bases[n - 1], irqs[n - 1], cd, &uart_ops[n]);
}

struct chardev *uart16550_chardev(const struct uart16550 *u)
{
    return u->cd;
}

/* `info device com1`: the line settings, every register decoded (IIR and LSR as a read
 * would show them, without the read's side effects), the FIFOs and the transmitter. */
static void uart_dump(void *dev, FILE *out)
{
    static const char *const ier_bits[4] = { "rdi", "thri", "rlsi", "msi" };
    static const char *const mcr_bits[5] = { "dtr", "rts", "out1", "out2", "loop" };
    static const char *const lsr_bits[8] = { "dr", "oe", "pe", "fe", "bi", "thre", "temt", "fifoerr" };
    static const char *const msr_bits[8] = { "dcts", "ddsr", "teri", "ddcd", "cts", "dsr", "ri", "dcd" };
    static const char *const parity[8] = { "N", "O", "N", "E", "N", "M", "N", "S" };
    static const char *const interrupts[16] = {
        [UART_IIR_MSI] = "modem status", [UART_IIR_NO_INT] = "none",
        [UART_IIR_THRI] = "THR empty", [UART_IIR_RDI] = "received data",
        [UART_IIR_RLSI] = "line status", [UART_IIR_TIMEOUT] = "character timeout",
    };
    const struct uart16550 *u = dev;
    uint8_t id = pending_id(u);
    uint8_t iir = (uint8_t)(id | (fifo_on(u) ? UART_IIR_FIFO : 0));
    uint8_t lsr = read_lsr(u);
    unsigned data = 5 + (u->lcr & 3);
    fprintf(out, "16550A UART at %03x, IRQ %u (%s), %s\n", u->base, u->irq,
            u->irq_level ? "driven high" : "not driven",
            chardev_connected(u->cd) ? "a host end is connected" : "no host end connected");
    fprintf(out, "line: %.1f baud (divisor %u), %u%s%s, LCR %02x%s%s\n",
            (double)UART_CLOCK_HZ / 16.0 / (double)divisor(u), u->divisor, data,
            (u->lcr & 0x08) ? parity[(u->lcr >> 3) & 7] : "N",
            (u->lcr & 0x04) ? (data == 5 ? "1.5" : "2") : "1", u->lcr,
            (u->lcr & UART_LCR_DLAB) ? ", DLAB set" : "", (u->lcr & UART_LCR_BREAK) ? ", break" : "");
    fprintf(out, "IER %02x:", u->ier);
    dump_flags(out, u->ier, ier_bits, 4);
    fprintf(out, "\nIIR %02x: pending %s\n", iir, interrupts[id & 15] ? interrupts[id & 15] : "?");
    fprintf(out, "FCR %02x: FIFOs %s, receive trigger %u bytes\n", u->fcr,
            fifo_on(u) ? "on" : "off", rx_trigger(u));
    fprintf(out, "MCR %02x:", u->mcr);
    dump_flags(out, u->mcr, mcr_bits, 5);
    fprintf(out, "\nLSR %02x:", lsr);
    dump_flags(out, lsr, lsr_bits, 8);
    fprintf(out, "\nMSR %02x:", u->msr);
    dump_flags(out, u->msr, msr_bits, 8);
    fprintf(out, "\nSCR %02x; receive FIFO %u bytes", u->scr, u->rx.len);
    for (unsigned k = 0; k < u->rx.len; k++)
        fprintf(out, " %02x", u->rx.data[(u->rx.head + k) % FIFO_LEN]);
    fprintf(out, "; transmit FIFO %u bytes; shift register %s", u->tx.len,
            u->tsr_busy ? "sending" : "idle");
    if (u->tsr_busy)
        fprintf(out, " %02x", u->tsr);
    fputc('\n', out);
}
