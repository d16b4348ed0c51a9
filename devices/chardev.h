/* Host ends of an emulated serial line: nothing, the terminal (stdio), a file (output
 * only), a pseudo-terminal, a TCP socket on localhost, or a scripted buffer for tests.
 * Host input never reaches a device on its own: the device calls chardev_poll() at
 * points in virtual time (a timer), and only then are the bytes the host has typed taken
 * in. Output is written through at once and dropped when the other end is not there. */
#ifndef GLASS86_CHARDEV_H
#define GLASS86_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chardev;

/* Host input taken in by chardev_poll() and not yet read by the device. */
#define CHARDEV_RING_LEN 4096

/* A backend from a command-line spec; NULL with a one-line reason in err on failure.
 *   none            nothing attached: output dropped, no input, no carrier
 *   stdio           the terminal; raw input when stdin is a tty, Ctrl-C still stops glass86
 *   stdio,signal=off  the same, but Ctrl-C and friends go to the guest
 *   file:PATH       output to PATH (created or truncated), no input
 *   pty             a new pseudo-terminal; its path is printed on stderr
 *   tcp:PORT        listen on 127.0.0.1:PORT for one client at a time
 *   tcp:PORT,wait   the same, and wait for the first client before returning */
struct chardev *chardev_open(const char *spec, char *err, size_t errlen);

struct chardev *chardev_none(void);
/* stdin/stdout. With keep_signals, the terminal's Ctrl-C, Ctrl-Z and Ctrl-\ still signal
 * glass86; without, they are bytes for the guest. */
struct chardev *chardev_stdio(bool keep_signals, char *err, size_t errlen);
struct chardev *chardev_file(const char *path, char *err, size_t errlen);
struct chardev *chardev_pty(char *err, size_t errlen);
/* Port 0 picks a free port: chardev_tcp_port() tells which. */
struct chardev *chardev_tcp(uint16_t port, bool wait, char *err, size_t errlen);
/* Tests: input comes from chardev_script_feed() (taken in at the next poll), output is
 * kept in memory. Never fails except for lack of memory (NULL). */
struct chardev *chardev_script(void);
void chardev_script_feed(struct chardev *cd, const void *data, size_t n);
/* Everything written so far; *len gets its length. */
const uint8_t *chardev_script_output(const struct chardev *cd, size_t *len);

/* An unattended conversation (devices/serial_script.h): the guest's input comes from the
 * script, its output goes to `inner` (a log file, the terminal, none) and to the script's
 * matcher. Takes ownership of both, also when it fails (NULL: out of memory). */
struct serial_script;
struct chardev *chardev_expect(struct chardev *inner, struct serial_script *script);
/* The script of an expect backend, or NULL for other kinds. */
struct serial_script *chardev_serial_script(const struct chardev *cd);

/* The slave side of a pty backend ("/dev/pts/3"), or NULL for other kinds. */
const char *chardev_pty_name(const struct chardev *cd);
/* The port a tcp backend listens on, or 0 for other kinds. */
uint16_t chardev_tcp_port(const struct chardev *cd);

/* For devices. */
void chardev_write(struct chardev *cd, uint8_t byte);
/* Whether the backend can ever deliver input, i.e. whether polling it is worth a timer. */
bool chardev_has_input(const struct chardev *cd);
/* A poll point: take in, without blocking, what the host has sent (and accept a TCP
 * client). */
void chardev_poll(struct chardev *cd);
/* Bytes taken in by earlier polls and not read yet. */
size_t chardev_available(const struct chardev *cd);
/* The next such byte, or -1. */
int chardev_getc(struct chardev *cd);
/* Whether someone is on the other end (a TCP client connected; always for stdio, file,
 * pty and script; never for none): the serial port shows it as carrier, DSR and CTS. */
bool chardev_connected(const struct chardev *cd);

/* Put the terminal back the way it was (stdio on a tty). Async-signal-safe, idempotent:
 * a frontend calls it from its SIGINT/SIGTERM handler or at exit. chardev_close() does it
 * too. NULL is allowed. */
void chardev_restore_terminal(struct chardev *cd);
void chardev_close(struct chardev *cd);

#endif
