/* Watching execution go by: `trace on FILE` writes every instruction the debugger's loop
 * runs (CS:EIP, bytes, disassembly, then the registers it changed), and the ring keeps the
 * last N instructions, shown by `show ring` and after a triple fault. Both live in the
 * debugger's loop only, so they cost the normal run loop nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/dbg_internal.h"

int dbg_ring_init(struct debugger *d, unsigned size)
{
    free(d->ring);
    d->ring = NULL;
    d->ring_size = d->ring_next = 0;
    d->ring_count = 0;
    if (size == 0)
        return 0;
    d->ring = calloc(size, sizeof *d->ring);
    if (!d->ring)
        return -1;
    d->ring_size = size;
    return 0;
}

void dbg_ring_free(struct debugger *d)
{
    dbg_ring_init(d, 0);
}

void dbg_capture_insn(struct machine *m, struct dbg_ring_entry *e)
{
    const struct cpu *c = &m->cpu;
    e->code32 = cpu_code32(c);
    e->eip = e->code32 ? c->eip : c->eip & 0xFFFF;
    e->cs = c->seg[SEG_CS].selector;
    e->lin = c->seg[SEG_CS].base + e->eip;
    e->icount = c->icount;
    e->nbytes = (uint8_t)dbg_fetch_code(m, e->lin, e->bytes, sizeof e->bytes);
}

const struct dbg_ring_entry *dbg_ring_record(struct debugger *d)
{
    struct dbg_ring_entry *e = &d->ring[d->ring_next];
    dbg_capture_insn(d->m, e);
    d->ring_next = d->ring_next + 1 == d->ring_size ? 0 : d->ring_next + 1;
    d->ring_count++;
    return e;
}

void dbg_ring_print(struct debugger *d, FILE *out, unsigned n)
{
    if (!d->ring) {
        fputs("the ring is off (--trace-ring N turns it on)\n", out);
        return;
    }
    uint64_t have = d->ring_count < d->ring_size ? d->ring_count : d->ring_size;
    if (n == 0 || n > have)
        n = (unsigned)have;
    fprintf(out, "last %u instructions (oldest first):\n", n);
    for (unsigned k = 0; k < n; k++) {
        unsigned idx = (d->ring_next + d->ring_size - n + k) % d->ring_size;
        const struct dbg_ring_entry *e = &d->ring[idx];
        fprintf(out, "%10llu  ", (unsigned long long)e->icount);
        dbg_print_insn_bytes(d, out, e->cs, e->eip, e->lin, e->code32, e->bytes, e->nbytes);
    }
}

void dbg_trace_before(struct debugger *d, struct dbg_regsnap *before, struct dbg_ring_entry *insn)
{
    dbg_snapshot(d->m, before);
    dbg_capture_insn(d->m, insn);
}

void dbg_trace_after(struct debugger *d, const struct dbg_regsnap *before,
                     const struct dbg_ring_entry *insn)
{
    static const char *const gpr[] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
    static const char *const sregs[] = { "es", "cs", "ss", "ds", "fs", "gs" };
    struct dbg_regsnap now;
    dbg_snapshot(d->m, &now);
    FILE *t = d->trace;
    fprintf(t, "%10llu  ", (unsigned long long)insn->icount);
    dbg_print_insn_bytes(d, t, insn->cs, insn->eip, insn->lin, insn->code32, insn->bytes,
                         insn->nbytes);
    bool any = false;
    for (int k = 0; k < 8; k++) {
        if (now.gpr[k] != before->gpr[k]) {
            fprintf(t, "%s%s=%08x", any ? " " : "            ", gpr[k], now.gpr[k]);
            any = true;
        }
    }
    for (int k = 0; k < 6; k++) {
        if (now.sel[k] != before->sel[k]) {
            fprintf(t, "%s%s=%04x", any ? " " : "            ", sregs[k], now.sel[k]);
            any = true;
        }
    }
    if (now.eflags != before->eflags) {
        fprintf(t, "%seflags=%08x", any ? " " : "            ", now.eflags);
        any = true;
    }
    for (int k = 0; k < 5; k++) {
        if (k != 1 && now.cr[k] != before->cr[k]) {
            fprintf(t, "%scr%d=%08x", any ? " " : "            ", k, now.cr[k]);
            any = true;
        }
    }
    if (any)
        fputc('\n', t);
}

static void trace_stop(struct debugger *d)
{
    if (d->trace && d->trace_owned)
        fclose(d->trace);
    else if (d->trace)
        fflush(d->trace);
    d->trace = NULL;
    free(d->trace_name);
    d->trace_name = NULL;
}

int cmd_trace(struct debugger *d, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "off") == 0) {
        if (d->trace)
            fprintf(d->out, "trace to %s stopped\n", d->trace_name ? d->trace_name : "?");
        trace_stop(d);
        return 0;
    }
    if (argc < 2 || argc > 3 || strcmp(argv[1], "on") != 0)
        return dbg_error(d, "usage: trace on [FILE] | trace off");
    if (argc == 2 && d->no_run)
        return dbg_error(d, "from gdb, trace to a FILE");
    FILE *f = d->out;
    if (argc == 3 && !(f = fopen(argv[2], "w")))
        return dbg_error(d, "cannot create '%s': %s", argv[2], strerror(errno));
    trace_stop(d);
    d->trace = f;
    d->trace_owned = argc == 3;
    d->trace_name = strdup(argc == 3 ? argv[2] : "the console");
    fprintf(d->out, "tracing every instruction to %s\n", d->trace_name);
    return 0;
}

/* show ring [N] */
int cmd_show(struct debugger *d, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "ring") == 0) {
        uint64_t n = 0;
        if (argc >= 3 && !dbg_arg_u64(d, argv[2], &n))
            return -1;
        dbg_ring_print(d, d->out, (unsigned)(n > 1000000 ? 1000000 : n));
        return 0;
    }
    return dbg_error(d, "usage: show ring [N]");
}
