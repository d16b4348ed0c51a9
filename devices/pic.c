/* Two cascaded 8259A PICs and the ELCR pair, after the Intel 8259A datasheet (231468):
 * "Interrupt sequence", "Programming the 8259A" (ICW1-4, OCW1-3), "Fully nested mode",
 * "Special fully nested mode", "Edge and level triggered modes", "Poll command". ELCR:
 * Intel 82371FB/SB PIIX/PIIX3 datasheet, ELCR1/ELCR2 (reserved bits fixed at 0). */
#include "devices/pic.h"

#include <stdlib.h>

#include "devices/device.h"
#include "devices/devdump.h"
#include "devices/iobus.h"
#include "machine/machine.h"

struct pic_chip {
    uint8_t irr, isr, imr;
    uint8_t lines;         /* the IR input levels now */
    uint8_t elcr;          /* lines the ELCR makes level-triggered */
    uint8_t elcr_mask;     /* ELCR bits that exist (IRQ 0-2, 8 and 13 are always edge) */
    uint8_t icw1, icw2, icw3, icw4;
    uint8_t init_step;     /* the ICW expected next on A0 = 1 (2, 3 or 4); 0 = running */
    uint8_t priority_add;  /* the IR with the highest priority: lowest + 1 */
    bool is_master;
    bool read_isr;         /* OCW3 RR/RIS: port A0 = 0 reads the ISR instead of the IRR */
    bool poll;             /* OCW3 P: the next read is a poll */
    bool special_mask;
    bool rotate_aeoi;
};

struct pic {
    struct machine *m;
    struct pic_chip chip[2];
    int inta_irq;          /* the master's IR frozen by pic_inta_begin(), -1 = none */
    bool inta_cascade;     /* ... and it is the slave's cascade input */
    bool warned_8080, warned_slave_id;
};

#define ICW1_IC4 0x01u
#define ICW1_SNGL 0x02u
#define ICW1_LTIM 0x08u
#define ICW4_UPM 0x01u
#define ICW4_AEOI 0x02u
#define ICW4_SFNM 0x10u

static uint8_t level_lines(const struct pic_chip *c)
{
    return (c->icw1 & ICW1_LTIM) ? 0xFF : c->elcr;
}

/* Inputs with a slave behind them; the master only has them in cascade mode. */
static uint8_t cascade_inputs(const struct pic_chip *c)
{
    return (c->is_master && !(c->icw1 & ICW1_SNGL)) ? c->icw3 : 0;
}

/* Priority rank (0 = highest) of the best IR in `mask`, or 8 when the mask is empty.
 * Rotation moves which IR ranks first, so the walk starts at priority_add. */
static int best_rank(const struct pic_chip *c, uint8_t mask)
{
    for (int rank = 0; rank < 8; rank++)
        if (mask & (1u << ((rank + c->priority_add) & 7)))
            return rank;
    return 8;
}

static int ir_of_rank(const struct pic_chip *c, int rank)
{
    return (rank + c->priority_add) & 7;
}

/* The IR the chip would present on INT now, or -1: an unmasked request of higher priority
 * than everything in service. In special mask mode a masked level in service blocks
 * nothing; in special fully nested mode a cascade input may interrupt its own level, so
 * a slave's higher request gets through while an earlier one of it is in service. */
static int chip_request(const struct pic_chip *c)
{
    int req = best_rank(c, c->irr & ~c->imr);
    if (req == 8)
        return -1;
    uint8_t blocking = c->isr;
    if (c->special_mask)
        blocking &= ~c->imr;
    int busy = best_rank(c, blocking);
    int ir = ir_of_rank(c, req);
    if (req < busy)
        return ir;
    if (req == busy && (c->icw4 & ICW4_SFNM) && (cascade_inputs(c) & (1u << ir)))
        return ir;
    return -1;
}

/* An IR input changes level. Edge mode latches a rising edge; level mode follows the
 * line. In both modes the request must still be there at INTA (datasheet, "Edge and level
 * triggered modes"), so a line going low withdraws it: that is how a spurious IR7 arises. */
static void chip_set_input(struct pic_chip *c, unsigned ir, bool level)
{
    uint8_t bit = (uint8_t)(1u << ir);
    if (level) {
        if ((level_lines(c) & bit) || !(c->lines & bit))
            c->irr |= bit;
        c->lines |= bit;
    } else {
        c->lines &= (uint8_t)~bit;
        c->irr &= (uint8_t)~bit;
    }
}

/* The first INTA pulse (or a poll read): the IR goes in service. A level-triggered IRR bit
 * keeps following its line, so an asserted level requests again after the EOI. */
static void chip_ack(struct pic_chip *c, int ir)
{
    uint8_t bit = (uint8_t)(1u << ir);
    c->isr |= bit;
    if (!(level_lines(c) & bit))
        c->irr &= (uint8_t)~bit;
}

/* The end of the acknowledge in auto-EOI mode: the ISR bit set at the first pulse is
 * reset at the last one, rotating first when "rotate in automatic EOI" is on. */
static void chip_auto_eoi(struct pic_chip *c, int ir)
{
    if (!(c->icw4 & ICW4_AEOI))
        return;
    c->isr &= (uint8_t)~(1u << ir);
    if (c->rotate_aeoi)
        c->priority_add = (uint8_t)((ir + 1) & 7);
}

static uint8_t chip_vector(const struct pic_chip *c, int ir)
{
    return (uint8_t)((c->icw2 & 0xF8) | (unsigned)ir);
}

/* Propagate the slave's INT to the master's IR2 and tell the CPU when INTR is up. The
 * CPU looks between instructions and asks intr_pending(), so a falling INTR needs no
 * message. */
static void pic_update(struct pic *p)
{
    chip_set_input(&p->chip[0], 2, chip_request(&p->chip[1]) >= 0);
    if (chip_request(&p->chip[0]) >= 0)
        machine_intr_changed(p->m);
}

void pic_inta_begin(struct pic *p)
{
    struct pic_chip *master = &p->chip[0];
    p->inta_irq = chip_request(master);
    p->inta_cascade = false;
    if (p->inta_irq < 0)
        return;
    chip_ack(master, p->inta_irq);
    p->inta_cascade = (cascade_inputs(master) & (1u << p->inta_irq)) != 0;
}

uint8_t pic_inta_end(struct pic *p)
{
    struct pic_chip *master = &p->chip[0], *slave = &p->chip[1];
    int ir = p->inta_irq, slave_ir = -1;
    uint8_t vector;
    p->inta_irq = -1;
    if (ir < 0) {
        vector = chip_vector(master, 7); /* no request at INTA: default IR7, nothing in service */
    } else if (!p->inta_cascade) {
        vector = chip_vector(master, ir);
    } else if ((slave->icw3 & 7) != (unsigned)ir) {
        /* No slave answers this cascade address: the data bus floats. */
        if (!p->warned_slave_id) {
            p->warned_slave_id = true;
            machine_log(p->m, "pic: slave ID %u does not match its master input %d", slave->icw3 & 7, ir);
        }
        vector = 0xFF;
    } else {
        slave_ir = chip_request(slave);
        if (slave_ir < 0) {
            vector = chip_vector(slave, 7); /* the slave's default IR7 */
        } else {
            chip_ack(slave, slave_ir);
            vector = chip_vector(slave, slave_ir);
        }
    }
    /* Update between the in-service and the auto-EOI steps: a slave in auto-EOI mode drops
     * INT while its IR is briefly in service, so the master sees a fresh edge on IR2 if
     * the slave has more to say. */
    pic_update(p);
    if (ir >= 0) {
        chip_auto_eoi(master, ir);
        if (slave_ir >= 0)
            chip_auto_eoi(slave, slave_ir);
        pic_update(p);
    }
    return vector;
}

static uint8_t pic_acknowledge(void *opaque)
{
    pic_inta_begin(opaque);
    return pic_inta_end(opaque);
}

static bool pic_intr_pending(void *opaque)
{
    struct pic *p = opaque;
    return chip_request(&p->chip[0]) >= 0;
}

static void pic_set_irq(void *opaque, unsigned line, bool level)
{
    struct pic *p = opaque;
    if (line == 2)
        line = 9; /* the AT wires the bus's IRQ 2 pin to IRQ 9 on the slave */
    if (line > 15)
        return;
    chip_set_input(&p->chip[line >> 3], line & 7, level);
    pic_update(p);
}

/* ICW1 (datasheet, "Initialization command words"): edge sense reset, so a line that is
 * already high must go low and high again; IMR cleared; IR7 lowest priority; slave
 * address 7; special mask off; status read set to IRR; ICW4 functions cleared unless
 * ICW4 follows. The datasheet leaves the ISR alone, but a chip initialized again with a
 * stale in-service bit would block its lower levels forever, so the ISR is cleared as
 * the PC BIOSes that reinitialize expect. */
static void write_icw1(struct pic *p, struct pic_chip *c, uint8_t v)
{
    c->icw1 = v;
    c->icw3 = 7;
    c->icw4 = 0;
    c->imr = 0;
    c->isr = 0;
    c->irr = c->lines & level_lines(c);
    c->priority_add = 0;
    c->special_mask = false;
    c->read_isr = false;
    c->poll = false;
    c->rotate_aeoi = false;
    c->init_step = 2;
    if (!(v & ICW1_IC4) && !p->warned_8080) {
        p->warned_8080 = true;
        machine_log(p->m, "pic: ICW1 without ICW4 selects 8080 mode; vectors are given as in 8086 mode");
    }
}

static void write_data(struct pic *p, struct pic_chip *c, uint8_t v)
{
    bool single = (c->icw1 & ICW1_SNGL) != 0, ic4 = (c->icw1 & ICW1_IC4) != 0;
    switch (c->init_step) {
    case 2:
        c->icw2 = v;
        c->init_step = single ? (ic4 ? 4 : 0) : 3;
        break;
    case 3:
        c->icw3 = v;
        c->init_step = ic4 ? 4 : 0;
        break;
    case 4:
        c->icw4 = v;
        c->init_step = 0;
        if (!(v & ICW4_UPM) && !p->warned_8080) {
            p->warned_8080 = true;
            machine_log(p->m, "pic: ICW4 selects 8080 mode; vectors are given as in 8086 mode");
        }
        break;
    default:
        c->imr = v; /* OCW1 */
        break;
    }
}

/* OCW2: R, SL and EOI in bits 7-5, the level in bits 2-0. */
static void write_ocw2(struct pic_chip *c, uint8_t v)
{
    unsigned level = v & 7;
    switch (v >> 5) {
    case 0: /* rotate in automatic EOI mode: clear */
        c->rotate_aeoi = false;
        break;
    case 4: /* rotate in automatic EOI mode: set */
        c->rotate_aeoi = true;
        break;
    case 1: /* non-specific EOI */
    case 5: { /* rotate on non-specific EOI */
        /* In special mask mode a masked level in service is not the one a non-specific
         * EOI resets (datasheet, "End of interrupt"). */
        uint8_t candidates = c->special_mask ? (uint8_t)(c->isr & ~c->imr) : c->isr;
        int rank = best_rank(c, candidates);
        if (rank == 8)
            break;
        int ir = ir_of_rank(c, rank);
        c->isr &= (uint8_t)~(1u << ir);
        if ((v >> 5) == 5)
            c->priority_add = (uint8_t)((ir + 1) & 7);
        break;
    }
    case 3: /* specific EOI */
        c->isr &= (uint8_t)~(1u << level);
        break;
    case 7: /* rotate on specific EOI */
        c->isr &= (uint8_t)~(1u << level);
        c->priority_add = (uint8_t)((level + 1) & 7);
        break;
    case 6: /* set priority: `level` becomes the lowest */
        c->priority_add = (uint8_t)((level + 1) & 7);
        break;
    default: /* 2: no operation */
        break;
    }
}

/* OCW3: ESMM/SMM in bits 6-5, P in bit 2, RR/RIS in bits 1-0. */
static void write_ocw3(struct pic_chip *c, uint8_t v)
{
    if (v & 0x04)
        c->poll = true;
    if (v & 0x02)
        c->read_isr = (v & 0x01) != 0;
    if (v & 0x40)
        c->special_mask = (v & 0x20) != 0;
}

/* A poll read is an acknowledge without INTA: the best request goes in service and the
 * poll word says which, bit 7 set when there was one. */
static uint8_t chip_poll(struct pic *p, struct pic_chip *c)
{
    c->poll = false;
    int ir = chip_request(c);
    if (ir < 0)
        return 0;
    chip_ack(c, ir);
    chip_auto_eoi(c, ir);
    pic_update(p);
    return (uint8_t)(0x80 | ir);
}

static uint32_t pic_read(void *opaque, uint16_t port, unsigned size)
{
    struct pic *p = opaque;
    struct pic_chip *c = &p->chip[port >= PIC_SLAVE_PORT];
    if (c->poll)
        return chip_poll(p, c);
    if ((port & 1) == 0)
        return c->read_isr ? c->isr : c->irr;
    return c->imr;
}

static void pic_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct pic *p = opaque;
    struct pic_chip *c = &p->chip[port >= PIC_SLAVE_PORT];
    uint8_t v = (uint8_t)value;
    if (port & 1)
        write_data(p, c, v);
    else if (v & 0x10)
        write_icw1(p, c, v);
    else if (v & 0x08)
        write_ocw3(c, v);
    else
        write_ocw2(c, v);
    pic_update(p);
}

static uint32_t elcr_read(void *opaque, uint16_t port, unsigned size)
{
    struct pic *p = opaque;
    return p->chip[port & 1].elcr;
}

static void elcr_write(void *opaque, uint16_t port, uint32_t value, unsigned size)
{
    struct pic *p = opaque;
    struct pic_chip *c = &p->chip[port & 1];
    c->elcr = (uint8_t)value & c->elcr_mask;
    /* A line made level-triggered requests for as long as it is high. */
    uint8_t level = level_lines(c);
    c->irr = (uint8_t)((c->irr & ~level) | (c->lines & level));
    pic_update(p);
}

/* The 8259A has no reset input: until ICW1 its state is undefined. glass86 starts both
 * chips masked and idle so nothing reaches the CPU before the BIOS has set the vectors.
 * The input lines belong to the devices driving them and keep their levels. */
static void pic_reset(void *dev)
{
    struct pic *p = dev;
    for (int k = 0; k < 2; k++) {
        struct pic_chip *c = &p->chip[k];
        uint8_t lines = c->lines, mask = c->elcr_mask;
        *c = (struct pic_chip){ .imr = 0xFF, .lines = lines, .elcr_mask = mask, .icw3 = 7,
                                .is_master = k == 0, .icw4 = ICW4_UPM };
    }
    p->inta_irq = -1;
    p->inta_cascade = false;
    pic_update(p);
}

static void pic_save(void *dev, struct state_buf *out)
{
    struct pic *p = dev;
    for (int k = 0; k < 2; k++) {
        const struct pic_chip *c = &p->chip[k];
        const uint8_t bytes[] = { c->irr, c->isr, c->imr, c->lines, c->elcr, c->icw1, c->icw2,
                                  c->icw3, c->icw4, c->init_step, c->priority_add, c->read_isr,
                                  c->poll, c->special_mask, c->rotate_aeoi };
        state_put(out, bytes, sizeof bytes);
    }
    state_put_u8(out, (uint8_t)(int8_t)p->inta_irq);
    state_put_u8(out, p->inta_cascade);
}

static bool pic_load(void *dev, struct state_buf *in, uint32_t version)
{
    struct pic *p = dev;
    if (version != 1)
        return false;
    for (int k = 0; k < 2; k++) {
        struct pic_chip *c = &p->chip[k];
        uint8_t b[15];
        state_get(in, b, sizeof b);
        c->irr = b[0];
        c->isr = b[1];
        c->imr = b[2];
        c->lines = b[3];
        c->elcr = b[4] & c->elcr_mask;
        c->icw1 = b[5];
        c->icw2 = b[6];
        c->icw3 = b[7];
        c->icw4 = b[8];
        c->init_step = b[9] == 2 || b[9] == 3 || b[9] == 4 ? b[9] : 0;
        c->priority_add = b[10] & 7;
        c->read_isr = b[11] != 0;
        c->poll = b[12] != 0;
        c->special_mask = b[13] != 0;
        c->rotate_aeoi = b[14] != 0;
    }
    int8_t ir = (int8_t)state_get_u8(in);
    p->inta_irq = ir >= 0 && ir < 8 ? ir : -1;
    p->inta_cascade = state_get_u8(in) != 0;
    if (in->error)
        return false;
    pic_update(p);
    return true;
}

static void pic_destroy(void *dev)
{
    free(dev);
}

static void pic_dump(void *dev, FILE *out);

static const struct device_ops pic_ops = {
    .name = "pic",
    .state_version = 1,
    .reset = pic_reset,
    .save = pic_save,
    .load = pic_load,
    .destroy = pic_destroy,
    .dump = pic_dump,
};

void pic_view(const struct pic *p, unsigned chip, struct pic_chip_view *out)
{
    const struct pic_chip *c = &p->chip[chip & 1];
    *out = (struct pic_chip_view){
        .irr = c->irr, .isr = c->isr, .imr = c->imr, .vector_base = c->icw2 & 0xF8,
        .elcr = c->elcr, .lowest = (uint8_t)((c->priority_add + 7) & 7),
        .special_mask = c->special_mask, .auto_eoi = (c->icw4 & ICW4_AEOI) != 0,
        .special_fully_nested = (c->icw4 & ICW4_SFNM) != 0, .initializing = c->init_step != 0,
    };
}

struct pic *pic_create(struct machine *m)
{
    struct pic *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->m = m;
    p->chip[0].elcr_mask = 0xF8; /* IRQ 0, 1 and 2 are always edge-triggered */
    p->chip[1].elcr_mask = 0xDE; /* and IRQ 8 and 13 */
    if (machine_add_device(m, &pic_ops, p) != 0) {
        free(p);
        return NULL;
    }
    pic_reset(p);
    /* Byte registers: a word access is split by the bus into both ports of a chip. */
    if (iobus_register(&m->io, PIC_MASTER_PORT, 2, pic_read, pic_write, p, IO_SIZE_8, "pic") != 0 ||
        iobus_register(&m->io, PIC_SLAVE_PORT, 2, pic_read, pic_write, p, IO_SIZE_8, "pic") != 0 ||
        iobus_register(&m->io, PIC_ELCR_PORT, 2, elcr_read, elcr_write, p, IO_SIZE_8, "elcr") != 0)
        return NULL;
    machine_set_interrupt_controller(m, &(struct interrupt_controller){
        .opaque = p, .set_irq = pic_set_irq, .intr_pending = pic_intr_pending,
        .acknowledge = pic_acknowledge });
    return p;
}

/* `info device pic`: both chips' registers and their programming, decoded. */
static void pic_dump(void *dev, FILE *out)
{
    const struct pic *p = dev;
    for (unsigned k = 0; k < 2; k++) {
        const struct pic_chip *c = &p->chip[k];
        unsigned irq0 = k * 8;
        fprintf(out, "%s 8259A (ports %02x-%02x), vectors %02x-%02x", k ? "slave" : "master",
                k ? PIC_SLAVE_PORT : PIC_MASTER_PORT, (k ? PIC_SLAVE_PORT : PIC_MASTER_PORT) + 1,
                c->icw2 & 0xF8, (c->icw2 & 0xF8) | 7);
        if (c->init_step)
            fprintf(out, ", initializing: ICW%u expected next", c->init_step);
        fprintf(out, "\n  ICW1 %02x ICW2 %02x ICW3 %02x ICW4 %02x: %s, %s, ", c->icw1, c->icw2,
                c->icw3, c->icw4, (c->icw1 & ICW1_LTIM) ? "level triggered" : "edge triggered",
                (c->icw4 & ICW4_UPM) ? "8086 mode" : "8080 mode");
        if (c->icw1 & ICW1_SNGL)
            fprintf(out, "single");
        else if (c->is_master)
            fprintf(out, "cascade, slaves on IR mask %02x", c->icw3);
        else
            fprintf(out, "cascade, slave ID %u", c->icw3 & 7);
        fprintf(out, ", %s, %s\n", (c->icw4 & ICW4_AEOI) ? "auto EOI" : "normal EOI",
                (c->icw4 & ICW4_SFNM) ? "special fully nested" : "fully nested");
        fprintf(out, "  IRR %02x", c->irr);
        dump_bit_list(out, "irq", c->irr, 8, irq0);
        fprintf(out, "  ISR %02x", c->isr);
        dump_bit_list(out, "irq", c->isr, 8, irq0);
        fprintf(out, "  IMR %02x", c->imr);
        dump_bit_list(out, "irq", c->imr, 8, irq0);
        fprintf(out, "\n  input lines %02x  ELCR %02x", c->lines, c->elcr);
        dump_bit_list(out, "level", level_lines(c) & 0xFF, 8, irq0);
        int req = chip_request(c);
        fprintf(out, "\n  IR%u has the highest priority, port %02x reads the %s, special mask %s, "
                     "rotate in auto EOI %s, INT %s",
                (unsigned)ir_of_rank(c, 0), k ? PIC_SLAVE_PORT : PIC_MASTER_PORT,
                c->poll ? "poll byte" : c->read_isr ? "ISR" : "IRR", c->special_mask ? "on" : "off",
                c->rotate_aeoi ? "on" : "off", req >= 0 ? "high" : "low");
        if (req >= 0)
            fprintf(out, " (irq %u, vector %02x)", irq0 + (unsigned)req, chip_vector(c, req));
        fputc('\n', out);
    }
    if (p->inta_irq >= 0)
        fprintf(out, "interrupt acknowledge in progress: master IR%d%s\n", p->inta_irq,
                p->inta_cascade ? " (the slave's)" : "");
}
