/* Breakpoints of every kind in one numbered list, as Bochs keeps them: code (lb linear,
 * pb physical, vb CS:EIP), I/O ports, interrupt vectors, mode switches, instruction
 * counts (sb, sba) and data watchpoints, each with an optional "if CONDITION". Code
 * breakpoints are compared by the debugger's loop before each instruction; the others
 * are noticed by hooks (the port bus, interrupt delivery, the memory slow path) that
 * exist only while such a breakpoint is enabled. */
#include <string.h>

#include "frontend/dbg_internal.h"
#include "machine/run.h"
#include "mmu/tlb.h"

static const char *kind_name(enum bp_kind k)
{
    static const char *const names[] = { "lbreak", "pbreak", "vbreak", "io", "int", "mode",
                                         "time", "watch" };
    return names[k];
}

struct dbg_bp *dbg_bp_find(struct debugger *d, int id)
{
    for (int k = 0; k < d->bp_count; k++)
        if (d->bp[k].id == id)
            return &d->bp[k];
    return NULL;
}

struct dbg_bp *dbg_bp_add(struct debugger *d, enum bp_kind kind)
{
    if (d->bp_count == DBG_MAX_BP) {
        dbg_error(d, "too many breakpoints (%d)", DBG_MAX_BP);
        return NULL;
    }
    struct dbg_bp *b = &d->bp[d->bp_count++];
    *b = (struct dbg_bp){ .id = ++d->next_id, .kind = kind, .enabled = true };
    return b;
}

static int watch_slot(struct machine *m, int id)
{
    for (int k = 0; k < m->watch.count; k++)
        if (m->watch.w[k].id == id)
            return k;
    return -1;
}

void dbg_bp_delete(struct debugger *d, int id)
{
    for (int k = 0; k < d->bp_count; k++) {
        if (d->bp[k].id != id)
            continue;
        if (d->bp[k].kind == BP_WATCH)
            watch_remove(d->m, watch_slot(d->m, id));
        memmove(&d->bp[k], &d->bp[k + 1], (size_t)(d->bp_count - k - 1) * sizeof d->bp[0]);
        d->bp_count--;
        dbg_bp_changed(d);
        return;
    }
}

/* ---- the hooks ---- */

static void io_hook(void *opaque, uint16_t port, unsigned size, uint32_t value, bool write)
{
    struct debugger *d = opaque;
    if (d->io_hit.pending)
        return;
    for (int k = 0; k < d->bp_count; k++) {
        const struct dbg_bp *b = &d->bp[k];
        if (b->kind != BP_IO || !b->enabled || !(b->rw & (write ? WATCH_WRITE : WATCH_READ)))
            continue;
        if (port + size <= b->addr || port >= b->addr + b->len)
            continue;
        d->io_hit.pending = true;
        d->io_hit.id = b->id;
        d->io_hit.port = port;
        d->io_hit.size = size;
        d->io_hit.value = value;
        d->io_hit.write = write;
        machine_request_stop(d->m); /* a REP INS/OUTS stops after this iteration */
        return;
    }
}

static void interrupt_hook(void *opaque, int vector, uint32_t error, bool software)
{
    struct debugger *d = opaque;
    if (d->int_hit.pending)
        return;
    for (int k = 0; k < d->bp_count; k++) {
        const struct dbg_bp *b = &d->bp[k];
        if (b->kind != BP_INT || !b->enabled || b->addr != (uint32_t)vector)
            continue;
        d->int_hit.pending = true;
        d->int_hit.id = b->id;
        d->int_hit.vector = vector;
        d->int_hit.error = error;
        d->int_hit.software = software;
        machine_request_stop(d->m);
        return;
    }
}

void dbg_bp_changed(struct debugger *d)
{
    struct machine *m = d->m;
    bool io = false, intr = false;
    d->code_bps = 0;
    d->mode_bps = false;
    d->next_time = UINT64_MAX;
    for (int k = 0; k < d->bp_count; k++) {
        const struct dbg_bp *b = &d->bp[k];
        if (b->kind == BP_WATCH) {
            int slot = watch_slot(m, b->id);
            if (slot >= 0)
                m->watch.w[slot].enabled = b->enabled;
        }
        if (!b->enabled)
            continue;
        switch (b->kind) {
        case BP_LIN: case BP_PHYS: case BP_VIRT: d->code_bps++; break;
        case BP_IO: io = true; break;
        case BP_INT: intr = true; break;
        case BP_MODE: d->mode_bps = true; break;
        case BP_TIME:
            if (b->icount < d->next_time)
                d->next_time = b->icount;
            break;
        case BP_WATCH: break;
        }
    }
    watch_update(m);
    m->io.hook = io ? io_hook : NULL;
    m->io.hook_opaque = d;
    m->interrupt_hook = intr ? interrupt_hook : NULL;
    m->interrupt_hook_opaque = d;
}

bool dbg_bp_cond(struct debugger *d, struct dbg_bp *b)
{
    if (!b->cond[0])
        return true;
    uint64_t v;
    if (dbg_eval(d, b->cond, &v) < 0) {
        fprintf(d->out, "(the condition of breakpoint %d failed, so it stops)\n", b->id);
        return true;
    }
    return v != 0;
}

struct dbg_bp *dbg_code_bp_at(struct debugger *d)
{
    struct machine *m = d->m;
    const struct cpu *c = &m->cpu;
    uint32_t eip = cpu_code32(c) ? c->eip : c->eip & 0xFFFF;
    uint32_t lin = c->seg[SEG_CS].base + eip, phys = 0;
    bool have_phys = false;
    for (int k = 0; k < d->bp_count; k++) {
        struct dbg_bp *b = &d->bp[k];
        if (!b->enabled)
            continue;
        bool hit;
        switch (b->kind) {
        case BP_LIN:
            hit = b->addr == lin;
            break;
        case BP_VIRT:
            hit = b->addr == eip && b->sel == c->seg[SEG_CS].selector;
            break;
        case BP_PHYS:
            if (!have_phys) {
                /* The TLB entry the CPU fetches through, else a walk. */
                const struct tlb_entry *e = &m->tlb.e[c->user][(lin >> 12) & (TLB_SIZE - 1)];
                if (e->read_tag == (lin & PAGE_MASK))
                    phys = (e->phys_page << 12) | (lin & 0xFFF);
                else if (!dbg_lin_to_phys(m, lin, &phys))
                    phys = 0xFFFFFFFFu; /* unmapped: the fetch will fault */
                have_phys = true;
            }
            hit = b->addr == phys;
            break;
        default:
            hit = false;
            break;
        }
        if (hit && dbg_bp_cond(d, b)) {
            b->hits++;
            return b;
        }
    }
    return NULL;
}

/* ---- commands ---- */

/* Split "ARGS... [if COND]": returns how many arguments come before "if" and copies the
 * condition (empty when none). */
static int split_cond(struct debugger *d, int argc, char **argv, char *cond, size_t len)
{
    cond[0] = '\0';
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "if") == 0) {
            if (k + 1 >= argc) {
                dbg_error(d, "'if' needs a condition");
                return -1;
            }
            dbg_join(argc, argv, k + 1, cond, len);
            /* Check it once now, so a typo shows at once rather than at the first hit. */
            uint64_t v;
            if (dbg_eval(d, cond, &v) < 0)
                return -1;
            return k;
        }
    }
    return argc;
}

static void describe(const struct dbg_bp *b, char *buf, size_t len)
{
    switch (b->kind) {
    case BP_LIN: snprintf(buf, len, "linear %08x", b->addr); break;
    case BP_PHYS: snprintf(buf, len, "physical %08x", b->addr); break;
    case BP_VIRT: snprintf(buf, len, "%04x:%08x", b->sel, b->addr); break;
    case BP_IO: {
        const char *rw = b->rw == WATCH_READ ? "read" : b->rw == WATCH_WRITE ? "write" : "access";
        if (b->len > 1)
            snprintf(buf, len, "ports %04x-%04x %s", b->addr, b->addr + b->len - 1, rw);
        else
            snprintf(buf, len, "port %04x %s", b->addr, rw);
        break;
    }
    case BP_INT: snprintf(buf, len, "vector 0x%02x", b->addr); break;
    case BP_MODE: snprintf(buf, len, "real/protected/V86 switch"); break;
    case BP_TIME: snprintf(buf, len, "icount %llu", (unsigned long long)b->icount); break;
    case BP_WATCH:
        snprintf(buf, len, "%s %s %08x, %u byte%s", b->rw == WATCH_READ ? "read" :
                 b->rw == WATCH_WRITE ? "write" : "access", b->phys ? "physical" : "linear",
                 b->addr, b->len, b->len == 1 ? "" : "s");
        break;
    }
}

static int created(struct debugger *d, struct dbg_bp *b, const char *cond)
{
    snprintf(b->cond, sizeof b->cond, "%s", cond);
    char what[96];
    describe(b, what, sizeof what);
    fprintf(d->out, "%s %d: %s%s%s\n", b->kind == BP_WATCH ? "Watchpoint" : "Breakpoint", b->id,
            what, cond[0] ? " if " : "", cond);
    dbg_bp_changed(d);
    return 0;
}

static int code_bp(struct debugger *d, int argc, char **argv, enum bp_kind kind)
{
    char cond[DBG_COND_MAX], buf[256];
    int n = split_cond(d, argc, argv, cond, sizeof cond);
    if (n < 0)
        return -1;
    if (n < 2)
        return dbg_error(d, "usage: %s %s [if CONDITION]", argv[0],
                         kind == BP_VIRT ? "SEG:OFF" : "ADDR");
    struct dbg_addr a;
    if (dbg_eval_addr(d, dbg_join(n, argv, 1, buf, sizeof buf), &a) < 0)
        return -1;
    if (kind == BP_VIRT && !a.has_seg)
        return dbg_error(d, "vb wants SEG:OFF (CS selector and offset)");
    struct dbg_bp *b = dbg_bp_add(d, kind);
    if (!b)
        return -1;
    b->addr = kind == BP_VIRT ? a.off : a.lin;
    b->sel = a.sel;
    return created(d, b, cond);
}

int cmd_lb(struct debugger *d, int argc, char **argv) { return code_bp(d, argc, argv, BP_LIN); }
int cmd_pb(struct debugger *d, int argc, char **argv) { return code_bp(d, argc, argv, BP_PHYS); }
int cmd_vb(struct debugger *d, int argc, char **argv) { return code_bp(d, argc, argv, BP_VIRT); }

static int io_bp(struct debugger *d, int argc, char **argv, uint8_t rw)
{
    char cond[DBG_COND_MAX];
    int n = split_cond(d, argc, argv, cond, sizeof cond);
    if (n < 0)
        return -1;
    if (n < 2 || n > 3)
        return dbg_error(d, "usage: %s PORT [COUNT] [if CONDITION]", argv[0]);
    uint64_t port, count = 1;
    if (!dbg_arg_u64(d, argv[1], &port) || (n == 3 && !dbg_arg_u64(d, argv[2], &count)))
        return -1;
    if (port > 0xFFFF || count == 0 || port + count > 0x10000)
        return dbg_error(d, "ports go from 0 to 0xffff");
    struct dbg_bp *b = dbg_bp_add(d, BP_IO);
    if (!b)
        return -1;
    b->addr = (uint32_t)port;
    b->len = (uint32_t)count;
    b->rw = rw;
    return created(d, b, cond);
}

int cmd_ioread(struct debugger *d, int argc, char **argv) { return io_bp(d, argc, argv, WATCH_READ); }
int cmd_iowrite(struct debugger *d, int argc, char **argv) { return io_bp(d, argc, argv, WATCH_WRITE); }

int cmd_intbp(struct debugger *d, int argc, char **argv)
{
    char cond[DBG_COND_MAX];
    int n = split_cond(d, argc, argv, cond, sizeof cond);
    if (n < 0)
        return -1;
    uint64_t v;
    if (n != 2)
        return dbg_error(d, "usage: intbp VECTOR [if CONDITION]");
    if (!dbg_arg_u64(d, argv[1], &v))
        return -1;
    if (v > 255)
        return dbg_error(d, "vectors go from 0 to 255");
    struct dbg_bp *b = dbg_bp_add(d, BP_INT);
    if (!b)
        return -1;
    b->addr = (uint32_t)v;
    return created(d, b, cond);
}

int cmd_modebp(struct debugger *d, int argc, char **argv)
{
    char cond[DBG_COND_MAX];
    int n = split_cond(d, argc, argv, cond, sizeof cond);
    if (n < 0)
        return -1;
    if (n != 1)
        return dbg_error(d, "usage: modebp [if CONDITION]");
    struct dbg_bp *b = dbg_bp_add(d, BP_MODE);
    return b ? created(d, b, cond) : -1;
}

static int time_bp(struct debugger *d, int argc, char **argv, bool absolute)
{
    uint64_t v;
    if (argc != 2)
        return dbg_error(d, "usage: %s %s", argv[0], absolute ? "ICOUNT" : "N");
    if (!dbg_arg_u64(d, argv[1], &v))
        return -1;
    uint64_t at = absolute ? v : d->m->cpu.icount + v;
    if (at <= d->m->cpu.icount)
        return dbg_error(d, "icount %llu has passed (now %llu)", (unsigned long long)at,
                         (unsigned long long)d->m->cpu.icount);
    struct dbg_bp *b = dbg_bp_add(d, BP_TIME);
    if (!b)
        return -1;
    b->icount = at;
    return created(d, b, "");
}

int cmd_sb(struct debugger *d, int argc, char **argv) { return time_bp(d, argc, argv, false); }
int cmd_sba(struct debugger *d, int argc, char **argv) { return time_bp(d, argc, argv, true); }

static int watch_cmd(struct debugger *d, int argc, char **argv, bool phys)
{
    char cond[DBG_COND_MAX], buf[256];
    int n = split_cond(d, argc, argv, cond, sizeof cond);
    if (n < 0)
        return -1;
    if (n < 3 || n > 4)
        return dbg_error(d, "usage: %s r|w|rw ADDR [LEN] [if CONDITION]", argv[0]);
    uint8_t rw;
    const char *k = argv[1];
    if (!strcmp(k, "r") || !strcmp(k, "read"))
        rw = WATCH_READ;
    else if (!strcmp(k, "w") || !strcmp(k, "write"))
        rw = WATCH_WRITE;
    else if (!strcmp(k, "rw") || !strcmp(k, "access"))
        rw = WATCH_READ | WATCH_WRITE;
    else
        return dbg_error(d, "the kind is r, w or rw, not '%s'", k);
    uint32_t addr;
    if (phys) {
        uint64_t v;
        if (!dbg_arg_u64(d, argv[2], &v))
            return -1;
        addr = (uint32_t)v;
    } else {
        struct dbg_addr a;
        if (dbg_eval_addr(d, dbg_join(3, argv, 2, buf, sizeof buf), &a) < 0)
            return -1;
        addr = a.lin;
    }
    uint64_t len = 1;
    if (n == 4 && !dbg_arg_u64(d, argv[3], &len))
        return -1;
    if (len == 0 || len > 0x10000000)
        return dbg_error(d, "LEN goes from 1 to 0x10000000");
    struct dbg_bp *b = dbg_bp_add(d, BP_WATCH);
    if (!b)
        return -1;
    b->addr = addr;
    b->len = (uint32_t)len;
    b->rw = rw;
    b->phys = phys;
    if (watch_add(d->m, addr, (uint32_t)len, rw, phys, b->id) < 0) {
        d->bp_count--;
        d->next_id--;
        return dbg_error(d, "too many watchpoints (%d)", WATCH_MAX);
    }
    return created(d, b, cond);
}

int cmd_watch(struct debugger *d, int argc, char **argv) { return watch_cmd(d, argc, argv, false); }
int cmd_watchp(struct debugger *d, int argc, char **argv) { return watch_cmd(d, argc, argv, true); }

int cmd_blist(struct debugger *d, int argc, char **argv)
{
    int shown = 0;
    for (int k = 0; k < d->bp_count; k++) {
        const struct dbg_bp *b = &d->bp[k];
        if (b->gdb)
            continue;
        if (!shown++)
            fprintf(d->out, "Num Type   Enb What                                Hits\n");
        char what[96];
        describe(b, what, sizeof what);
        fprintf(d->out, "%3d %-6s %-3s %-35s %4llu%s%s\n", b->id, kind_name(b->kind),
                b->enabled ? "y" : "n", what, (unsigned long long)b->hits, b->cond[0] ? "  if " : "",
                b->cond);
    }
    if (!shown)
        fprintf(d->out, "no breakpoints\n");
    if (d->magic_break)
        fprintf(d->out, "magic breakpoint (xchg bx, bx) on\n");
    return 0;
}

static int by_number(struct debugger *d, int argc, char **argv, int action)
{
    if (argc < 2)
        return dbg_error(d, "usage: %s N...", argv[0]);
    if (action == 2 && strcmp(argv[1], "all") == 0) {
        for (int k = d->bp_count - 1; k >= 0; k--)
            if (!d->bp[k].gdb)
                dbg_bp_delete(d, d->bp[k].id);
        return 0;
    }
    for (int a = 1; a < argc; a++) {
        uint64_t id;
        if (!dbg_arg_u64(d, argv[a], &id))
            return -1;
        struct dbg_bp *b = dbg_bp_find(d, (int)id);
        if (!b || b->gdb)
            return dbg_error(d, "no breakpoint %llu", (unsigned long long)id);
        if (action == 2)
            dbg_bp_delete(d, (int)id);
        else
            b->enabled = action == 1;
    }
    dbg_bp_changed(d);
    return 0;
}

int cmd_bpe(struct debugger *d, int argc, char **argv) { return by_number(d, argc, argv, 1); }
int cmd_bpd(struct debugger *d, int argc, char **argv) { return by_number(d, argc, argv, 0); }
int cmd_del(struct debugger *d, int argc, char **argv) { return by_number(d, argc, argv, 2); }

int cmd_magic(struct debugger *d, int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
        return dbg_error(d, "usage: magic-break on|off");
    d->magic_break = strcmp(argv[1], "on") == 0;
    fprintf(d->out, "magic breakpoint (xchg bx, bx) %s\n", d->magic_break ? "on" : "off");
    return 0;
}
