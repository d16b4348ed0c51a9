/* The ISA/PCI port I/O space (64 Ki ports). Devices register handlers for a range of ports
 * with an instance pointer and the access sizes they accept; the bus splits wider accesses
 * into narrower ones. A port nobody owns reads as all ones and is logged once. */
#ifndef GLASS86_IOBUS_H
#define GLASS86_IOBUS_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

typedef uint32_t (*io_read_fn)(void *opaque, uint16_t port, unsigned size);
typedef void (*io_write_fn)(void *opaque, uint16_t port, uint32_t value, unsigned size);

#define IO_SIZE_8 1u
#define IO_SIZE_16 2u
#define IO_SIZE_32 4u

struct io_handler {
    io_read_fn read;
    io_write_fn write;
    void *opaque;
    const char *name;
    uint8_t sizes;       /* IO_SIZE_* bits the device accepts */
};

#define IOBUS_MAX_HANDLERS 255

/* Sees every port access the CPU makes, once per IN/OUT (before any splitting), after
 * the device has answered: the debugger's I/O breakpoints. */
typedef void (*io_hook_fn)(void *opaque, uint16_t port, unsigned size, uint32_t value, bool write);

struct iobus {
    struct io_handler handlers[IOBUS_MAX_HANDLERS];
    int handler_count;
    uint8_t owner[65536];          /* index + 1 into handlers, 0 = nobody */
    uint8_t warned[65536 / 8];     /* unknown ports already logged */
    /* Ports decoded on the ISA bus, where each byte moved takes an ISA I/O cycle of
     * isa_cycle_ns (0: no bus waits, as on the machines without a board). */
    uint8_t isa[65536 / 8];
    uint32_t isa_cycle_ns;
    io_hook_fn hook;               /* NULL unless a debugger watches ports */
    void *hook_opaque;
};

void iobus_init(struct iobus *bus);
int iobus_register(struct iobus *bus, uint16_t first, uint16_t count, io_read_fn rd,
                   io_write_fn wr, void *opaque, uint8_t sizes, const char *name);
/* Release a range of ports (a PCI I/O BAR moving or being disabled). */
void iobus_unmap(struct iobus *bus, uint16_t first, uint16_t count);
/* Put a range of ports on the ISA bus (see isa_cycle_ns). */
void iobus_mark_isa(struct iobus *bus, uint16_t first, uint16_t count);
/* The bus wait of a CPU access of `size` bytes at `port`, in ns. */
static inline uint32_t iobus_wait_ns(const struct iobus *bus, uint16_t port, unsigned size)
{
    return (bus->isa[port >> 3] >> (port & 7)) & 1 ? bus->isa_cycle_ns * size : 0;
}
uint32_t io_read(struct machine *m, uint16_t port, unsigned size);
void io_write(struct machine *m, uint16_t port, uint32_t value, unsigned size);

#endif
