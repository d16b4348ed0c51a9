/* --save-state FILE and --load-state FILE: a whole PC saved when a run stops and started
 * from again later (machine/snapshot.h holds the format; this is the command line's side:
 * when to save, what to say, and the one-line errors). */
#ifndef GLASS86_STATE_CLI_H
#define GLASS86_STATE_CLI_H

struct machine;

/* Load `path` into a PC built from the same options. 0, or -1 after one line on stderr
 * ("glass86: error: --load-state ...: reason"). */
int state_cli_load(struct machine *m, const char *path);

/* Save the PC to `path` between two instructions; one line on stderr either way, with the
 * instruction count saved (the same number a straight run shows at that point). 0, or -1. */
int state_cli_save(struct machine *m, const char *path);

#endif
