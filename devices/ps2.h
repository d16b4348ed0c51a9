/* The PS/2 link between a keyboard controller and one device on it (keyboard or mouse):
 * bytes go to the device one at a time, and bytes come back when the controller asks,
 * so a device keeps its own queue while the controller's output buffer is full or its
 * clock line is held low (IBM PS/2 Hardware Interface Technical Reference, "Keyboard and
 * auxiliary device controller"). */
#ifndef GLASS86_PS2_H
#define GLASS86_PS2_H

#include <stdbool.h>
#include <stdint.h>

/* What a device offers the controller. */
struct ps2_device_ops {
    /* A byte from the host (a command or a command's parameter). */
    void (*write)(void *dev, uint8_t byte);
    /* Whether a byte is waiting to be sent to the host. */
    bool (*has_data)(const void *dev);
    /* Take the next byte (only called after has_data() said yes). */
    uint8_t (*read)(void *dev);
};

/* One socket of the controller. The controller fills `host` and `data_ready`; a device
 * plugged in fills `ops` and `dev`, and calls ps2_port_notify() whenever it queues bytes. */
struct ps2_port {
    const struct ps2_device_ops *ops;  /* NULL while nothing is plugged in */
    void *dev;
    void (*data_ready)(void *host);
    void *host;
};

static inline void ps2_port_notify(struct ps2_port *p)
{
    if (p && p->data_ready)
        p->data_ready(p->host);
}

/* The bytes every PS/2 device answers with. */
#define PS2_ACK 0xFA
#define PS2_RESEND 0xFE
#define PS2_ERROR 0xFC
#define PS2_BAT_OK 0xAA

#endif
