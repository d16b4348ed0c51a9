/* A scripted conversation on a serial line, for unattended runs in the manner of expect(1):
 * wait for text in the guest's output, then type, so that every run of a deterministic
 * guest gets the same bytes at the same points of its execution. The script is a text
 * file, one command a line:
 *
 *   # a comment; blank lines are ignored
 *   expect-timeout 2G       later expects fail after this many instructions (k, M, G)
 *   expect glass86:/root#   wait until this text has appeared in the output
 *   send uname -a\n         queue these bytes for the guest's receiver
 *   stop                    end the run (glass86 exits with status 0)
 *
 * A text runs to the end of its line; "double quotes" around it keep leading and trailing
 * blanks. Escapes: \n \r \t \e (ESC) \\ \" \xHH. An expect matches output produced after
 * the previous expect matched. */
#ifndef GLASS86_SERIAL_SCRIPT_H
#define GLASS86_SERIAL_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

struct serial_script;

#define SERIAL_SCRIPT_MAX_TEXT 256 /* the longest text an expect may wait for */

/* Parse a script; `name` prefixes error messages ("run.script:3: ..."). NULL with a
 * one-line reason in err on a bad script. */
struct serial_script *serial_script_parse(const char *text, size_t len, const char *name,
                                          char *err, size_t errlen);
struct serial_script *serial_script_load(const char *path, char *err, size_t errlen);
void serial_script_free(struct serial_script *s);

/* A byte the guest sent: it may complete the expect being waited for, which runs the
 * commands after it up to the next expect. */
void serial_script_output(struct serial_script *s, uint8_t byte);
/* Move up to `room` queued bytes for the guest into buf; returns how many. */
size_t serial_script_input(struct serial_script *s, uint8_t *buf, size_t room);

enum serial_script_state {
    SCRIPT_WAITING,      /* at an expect */
    SCRIPT_FINISHED,     /* past the last command; the guest runs on */
    SCRIPT_STOPPED,      /* reached `stop` */
    SCRIPT_TIMED_OUT,    /* an expect waited longer than its expect-timeout */
};

/* Look at the script between two stretches of guest execution, `icount` being the
 * instructions retired: an expect's time starts at the first check that sees it. */
enum serial_script_state serial_script_check(struct serial_script *s, uint64_t icount);
/* "line 7: expect 'glass86:/root# '" for the command the script is at, or "the end". */
void serial_script_where(const struct serial_script *s, char *buf, size_t len);
/* The expect-timeout of the expect being waited for (0: none). */
uint64_t serial_script_timeout(const struct serial_script *s);

#endif
