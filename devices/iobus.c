/* The ISA port I/O space: 64 Ki 8-bit ports with devices owning ranges of them. A wide
 * access that a device does not accept, or that spans two owners, is split into halves
 * down to bytes on consecutive ports, low byte first (the way an ISA bus controller splits
 * a 16-bit cycle for an 8-bit card). Unowned ports float high: reads give all ones. */
#include "devices/iobus.h"

#include <string.h>

#include "machine/machine.h"

void iobus_init(struct iobus *bus)
{
    memset(bus, 0, sizeof(*bus));
}

int iobus_register(struct iobus *bus, uint16_t first, uint16_t count, io_read_fn rd,
                   io_write_fn wr, void *opaque, uint8_t sizes, const char *name)
{
    if (count == 0 || (uint32_t)first + count > 0x10000u)
        return -1;
    if (sizes == 0 || (sizes & ~(IO_SIZE_8 | IO_SIZE_16 | IO_SIZE_32)) != 0)
        return -1;
    for (uint32_t p = first; p < (uint32_t)first + count; p++)
        if (bus->owner[p] != 0)
            return -1;
    /* A handler registered again (a PCI BAR moving) reuses its slot. */
    int slot = -1;
    for (int k = 0; k < bus->handler_count; k++) {
        const struct io_handler *h = &bus->handlers[k];
        if (h->read == rd && h->write == wr && h->opaque == opaque && h->sizes == sizes)
            slot = k;
    }
    if (slot < 0) {
        if (bus->handler_count >= IOBUS_MAX_HANDLERS)
            return -1;
        slot = bus->handler_count++;
        bus->handlers[slot] = (struct io_handler){ .read = rd, .write = wr, .opaque = opaque,
                                                   .name = name, .sizes = sizes };
    }
    /* owner[] holds index + 1 so that a zeroed bus means "nobody owns anything". */
    memset(&bus->owner[first], slot + 1, count);
    return 0;
}

void iobus_unmap(struct iobus *bus, uint16_t first, uint16_t count)
{
    if ((uint32_t)first + count > 0x10000u)
        return;
    memset(&bus->owner[first], 0, count);
}

void iobus_mark_isa(struct iobus *bus, uint16_t first, uint16_t count)
{
    for (uint32_t p = first; p < (uint32_t)first + count && p < 0x10000u; p++)
        bus->isa[p >> 3] |= (uint8_t)(1u << (p & 7));
}

static uint32_t size_mask(unsigned size)
{
    return size >= 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

/* The owner index shared by all `size` ports of the access, or -1 if they differ.
 * Port numbers wrap at 0xFFFF as the 16-bit port address does. */
static int common_owner(const struct iobus *bus, uint16_t port, unsigned size)
{
    uint8_t o = bus->owner[port];
    for (unsigned k = 1; k < size; k++)
        if (bus->owner[(uint16_t)(port + k)] != o)
            return -1;
    return o;
}

static void warn_unknown(struct machine *m, uint16_t port, const char *what)
{
    uint8_t bit = (uint8_t)(1u << (port & 7));
    if (m->io.warned[port >> 3] & bit)
        return;
    m->io.warned[port >> 3] |= bit;
    machine_log(m, "io: unknown port 0x%04x %s", port, what);
}

/* Whether the access goes to one handler as it is: the device accepts this width, or it
 * cannot be split any further (a byte access to a device that only declares wider ones
 * is passed through and the device sees `size`). */
static bool goes_whole(const struct io_handler *h, unsigned size)
{
    return (h->sizes & size) != 0 || size == 1;
}

static uint32_t bus_read(struct machine *m, uint16_t port, unsigned size)
{
    struct iobus *bus = &m->io;
    int o = common_owner(bus, port, size);
    if (o == 0) {
        warn_unknown(m, port, "read");
        return size_mask(size);
    }
    if (o > 0) {
        const struct io_handler *h = &bus->handlers[o - 1];
        if (goes_whole(h, size))
            return h->read ? h->read(h->opaque, port, size) & size_mask(size) : size_mask(size);
    }
    unsigned half = size / 2;
    uint32_t lo = bus_read(m, port, half);
    uint32_t hi = bus_read(m, (uint16_t)(port + half), half);
    return lo | (hi << (half * 8));
}

static void bus_write(struct machine *m, uint16_t port, uint32_t value, unsigned size)
{
    struct iobus *bus = &m->io;
    int o = common_owner(bus, port, size);
    if (o == 0) {
        warn_unknown(m, port, "write");
        return;
    }
    value &= size_mask(size);
    if (o > 0) {
        const struct io_handler *h = &bus->handlers[o - 1];
        if (goes_whole(h, size)) {
            if (h->write)
                h->write(h->opaque, port, value, size);
            return;
        }
    }
    unsigned half = size / 2;
    bus_write(m, port, value & size_mask(half), half);
    bus_write(m, (uint16_t)(port + half), value >> (half * 8), half);
}

/* The CPU's accesses: the split ones recurse in bus_read/bus_write, so the debugger's
 * hook sees each IN/OUT once. An unset hook costs one well-predicted branch. */
uint32_t io_read(struct machine *m, uint16_t port, unsigned size)
{
    if (size != 1 && size != 2 && size != 4)
        size = 1; /* never produced by the decoder; keep the bus safe anyway */
    uint32_t v = bus_read(m, port, size);
    if (m->io.hook)
        m->io.hook(m->io.hook_opaque, port, size, v, false);
    return v;
}

void io_write(struct machine *m, uint16_t port, uint32_t value, unsigned size)
{
    if (size != 1 && size != 2 && size != 4)
        size = 1;
    bus_write(m, port, value & size_mask(size), size);
    if (m->io.hook)
        m->io.hook(m->io.hook_opaque, port, size, value & size_mask(size), true);
}
