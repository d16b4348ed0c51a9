/* The per-opcode table of a SingleStepTests suite, metadata.json: status and undefined-flag
 * mask per opcode and per ModRM.reg of group opcodes (shared/conformance/8086/README.md,
 * "Undefined flags"). */
#ifndef GLASS86_CONFORM_METADATA_H
#define GLASS86_CONFORM_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum md_status {
    MD_UNLISTED,      /* not in metadata.json: run, nothing masked */
    MD_NORMAL,
    MD_PREFIX,
    MD_ALIAS,
    MD_UNDOCUMENTED,
    MD_UNDEFINED,     /* skipped unless --run-undefined */
    MD_FPU,
    MD_EXTENSION,
    MD_OTHER,         /* a status word this runner does not know: run normally */
};

struct md_entry {
    uint8_t status;       /* enum md_status */
    uint16_t flags_mask;  /* AND-ed into expected and actual FLAGS; 0xFFFF = all defined */
};

struct md_opcode {
    struct md_entry whole;
    bool has_reg;             /* a group opcode: the form is chosen by ModRM.reg */
    struct md_entry reg[8];
};

struct metadata {
    char cpu[16];                 /* its "cpu" member ("8086", "286"), "" if none */
    struct md_opcode op[2][256];  /* [0] one-byte map, [1] the 0F map ("0F00" keys) */
};

/* Load metadata.json. Returns 0, or -1 with a one-line reason (with offset) in err. */
int metadata_load(const char *path, struct metadata *md, char *err, size_t errlen);
/* A form's entry: reg < 0 for the opcode as a whole (also used when the opcode has no
 * per-reg entries). */
struct md_entry metadata_lookup(const struct metadata *md, int map, int opcode, int reg);
const char *md_status_name(enum md_status s);

#endif
