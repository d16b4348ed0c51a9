/* The command line's saved-state options (see state_cli.h). The instruction count is part
 * of the state, so the counts printed here are the guest's whole life, across loads. */
#include "frontend/state_cli.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/snapshot.h"

int state_cli_load(struct machine *m, const char *path)
{
    char err[512];
    if (machine_load_file(m, path, err, sizeof err) != 0) {
        /* Only the CPU model, RAM and device list are in the header: say what else must
         * match when that is what differs. */
        bool shape = strstr(err, "another machine") || strstr(err, "has device");
        fprintf(stderr, "glass86: error: --load-state %s: %s%s\n", path, err,
                shape ? "; start glass86 with the options the state was saved with" : "");
        return -1;
    }
    fprintf(stderr, "glass86: state loaded from %s (instruction %" PRIu64 ")\n", path,
            m->cpu.icount);
    return 0;
}

int state_cli_save(struct machine *m, const char *path)
{
    char err[512];
    if (machine_save_file(m, path, err, sizeof err) != 0) {
        fprintf(stderr, "glass86: error: --save-state: %s\n", err);
        return -1;
    }
    fprintf(stderr, "glass86: state saved to %s at instruction %" PRIu64 "\n", path,
            m->cpu.icount);
    return 0;
}
