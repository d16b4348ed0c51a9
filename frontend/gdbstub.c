/* The GDB remote stub (see gdbstub.h). Packets: "Debugging with GDB", appendix E (E.2
 * packets, E.3 stop replies, E.4 general queries, qXfer:features and the target
 * description of G.4 with the org.gnu.gdb.i386.core feature). Addresses are linear, as
 * in QEMU's stub: memory goes through the current paging and breakpoints compare CS.base +
 * EIP. Unlike QEMU, the EIP gdb sees is linear too (CS.base + EIP), so that in real mode
 * $pc, breakpoints and x/i $pc agree; writing it subtracts CS.base. Single-threaded: the
 * socket is polled for Ctrl-C between instructions by the debugger's loop. */
#include "frontend/gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend/dbg_internal.h"
#include "frontend/gdbproto.h"

/* Registers in the order of the description below: eax..edi, eip, eflags, cs ss ds es
 * fs gs, st0-st7 (10 bytes each), fctrl fstat ftag fiseg fioff foseg fooff fop. */
#define NREGS 32

static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>i386</architecture>\n"
    "<feature name=\"org.gnu.gdb.i386.core\">\n"
    "<flags id=\"i386_eflags\" size=\"4\">\n"
    "<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>\n"
    "<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>\n"
    "<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>\n"
    "<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>\n"
    "<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>\n"
    "<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>\n"
    "<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>\n"
    "<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
    "<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
    "</flags>\n"
    "<reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>\n"
    "<reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>\n"
    "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "</feature>\n"
    "</target>\n";

struct stub {
    struct machine *m;
    struct debugger *d;
    const struct gdbstub_config *cfg;
    struct gdb_conn conn;
    bool killed, detached;
    char pkt[GDB_PACKET_MAX];
    char reply[2 * GDB_PACKET_MAX + 16];
};

static unsigned reg_size(unsigned n) { return n >= 16 && n < 24 ? 10 : 4; }

static const char *const seg_names[] = { "cs", "ss", "ds", "es", "fs", "gs" };
static const int seg_index[] = { SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS };

static void reg_read(struct machine *m, unsigned n, uint8_t *out)
{
    const struct cpu *c = &m->cpu;
    const struct fpu *f = &c->fpu;
    uint32_t v = 0;
    if (n < 8) {
        v = c->gpr[n];
    } else if (n == 8) {
        /* Linear, like every address gdb sees: breakpoints and x/i $pc then agree. */
        v = c->seg[SEG_CS].base + (cpu_code32(c) ? c->eip : c->eip & 0xFFFF);
    } else if (n == 9) {
        v = cpu_get_eflags(c);
    } else if (n < 16) {
        v = c->seg[seg_index[n - 10]].selector;
    } else if (n < 24) {
        const struct f80 *r = &f->reg[(((f->sw >> 11) & 7) + (n - 16)) & 7];
        memcpy(out, &r->sig, 8);
        memcpy(out + 8, &r->se, 2);
        return;
    } else {
        const uint32_t fp[] = { f->cw, f->sw, fpu_tag_word(f), f->fcs, f->fip, f->fds, f->fdp, f->fop };
        v = fp[n - 24];
    }
    memcpy(out, &v, 4);
}

/* Write one register; false when glass86 cannot set it that way. */
static bool reg_write(struct stub *s, unsigned n, const uint8_t *in)
{
    struct cpu *c = &s->m->cpu;
    struct fpu *f = &c->fpu;
    uint32_t v;
    memcpy(&v, in, 4);
    if (n < 8) {
        c->gpr[n] = v;
    } else if (n == 8) {
        c->eip = v - c->seg[SEG_CS].base;
        if (!cpu_code32(c))
            c->eip &= 0xFFFF;
    } else if (n == 9) {
        cpu_set_eflags(c, v);
    } else if (n < 16) {
        if ((uint16_t)v == c->seg[seg_index[n - 10]].selector)
            return true; /* unchanged (a G packet writes everything back) */
        return dbg_reg_set(s->d, seg_names[n - 10], (uint16_t)v) == 0;
    } else if (n < 24) {
        struct f80 *r = &f->reg[(((f->sw >> 11) & 7) + (n - 16)) & 7];
        memcpy(&r->sig, in, 8);
        memcpy(&r->se, in + 8, 2);
    } else {
        switch (n) {
        case 24: f->cw = (uint16_t)v; break;
        case 25: f->sw = (uint16_t)v; break;
        case 26: fpu_set_tag_word(f, (uint16_t)v); break;
        case 27: f->fcs = (uint16_t)v; break;
        case 28: f->fip = v; break;
        case 29: f->fds = (uint16_t)v; break;
        case 30: f->fdp = v; break;
        default: f->fop = (uint16_t)(v & 0x7FF); break;
        }
    }
    return true;
}

static int put(struct stub *s, const char *text) { return gdb_send_str(&s->conn, text); }

static void handle_g(struct stub *s)
{
    char *p = s->reply;
    for (unsigned n = 0; n < NREGS; n++) {
        uint8_t b[10];
        reg_read(s->m, n, b);
        gdb_to_hex(p, b, reg_size(n));
        p += 2 * reg_size(n);
    }
    put(s, s->reply);
}

static void handle_G(struct stub *s, const char *hex)
{
    bool ok = true;
    for (unsigned n = 0; n < NREGS; n++) {
        uint8_t b[10];
        unsigned size = reg_size(n);
        if (strlen(hex) < 2 * size || !gdb_from_hex(b, hex, size))
            break;
        ok &= reg_write(s, n, b);
        hex += 2 * size;
    }
    put(s, ok ? "OK" : "E01");
}

static void handle_p(struct stub *s, const char *args, bool write)
{
    uint64_t n;
    if (!gdb_parse_hex(&args, &n) || n >= NREGS) {
        put(s, write ? "E01" : "");
        return;
    }
    uint8_t b[10];
    if (write) {
        if (*args != '=' || strlen(args + 1) < 2 * reg_size((unsigned)n) ||
            !gdb_from_hex(b, args + 1, reg_size((unsigned)n))) {
            put(s, "E01");
            return;
        }
        put(s, reg_write(s, (unsigned)n, b) ? "OK" : "E01");
        return;
    }
    reg_read(s->m, (unsigned)n, b);
    gdb_to_hex(s->reply, b, reg_size((unsigned)n));
    put(s, s->reply);
}

/* "ADDR,LEN" */
static bool parse_range(const char **p, uint64_t *addr, uint64_t *len)
{
    if (!gdb_parse_hex(p, addr) || **p != ',')
        return false;
    (*p)++;
    return gdb_parse_hex(p, len);
}

static void handle_m(struct stub *s, const char *args)
{
    uint64_t addr, len;
    if (!parse_range(&args, &addr, &len)) {
        put(s, "E01");
        return;
    }
    if (len > (GDB_PACKET_MAX - 16) / 2)
        len = (GDB_PACKET_MAX - 16) / 2;
    uint8_t buf[GDB_PACKET_MAX / 2];
    size_t got = 0;
    /* Page by page: stop at the first unmapped page, as gdb accepts a short answer. */
    while (got < len) {
        uint32_t lin = (uint32_t)(addr + got), phys;
        size_t chunk = 0x1000 - (lin & 0xFFF);
        if (chunk > len - got)
            chunk = (size_t)(len - got);
        if (!dbg_lin_to_phys(s->m, lin, &phys))
            break;
        dbg_read_phys(s->m, phys, buf + got, chunk);
        got += chunk;
    }
    if (got == 0 && len > 0) {
        put(s, "E14"); /* EFAULT */
        return;
    }
    gdb_to_hex(s->reply, buf, got);
    put(s, s->reply);
}

static void handle_M(struct stub *s, const char *args, const char *end, bool binary)
{
    uint64_t addr, len;
    if (!parse_range(&args, &addr, &len) || *args != ':' || len > GDB_PACKET_MAX) {
        put(s, "E01");
        return;
    }
    args++;
    uint8_t buf[GDB_PACKET_MAX];
    if (binary) {
        if ((uint64_t)(end - args) < len) {
            put(s, "E01");
            return;
        }
        memcpy(buf, args, (size_t)len);
    } else if (strlen(args) < 2 * len || !gdb_from_hex(buf, args, (size_t)len)) {
        put(s, "E01");
        return;
    }
    put(s, dbg_write_lin(s->m, (uint32_t)addr, buf, (size_t)len) ? "OK" : "E14");
}

/* Z/z TYPE,ADDR,KIND: 0 software and 1 hardware breakpoints (both linear breakpoints
 * here), 2 write, 3 read, 4 access watchpoints. */
static void handle_Z(struct stub *s, const char *args, bool insert)
{
    uint64_t type, addr, len;
    if (!gdb_parse_hex(&args, &type) || *args++ != ',' || !parse_range(&args, &addr, &len) ||
        type > 4) {
        put(s, "");
        return;
    }
    struct debugger *d = s->d;
    static const uint8_t rw[] = { 0, 0, WATCH_WRITE, WATCH_READ, WATCH_READ | WATCH_WRITE };
    enum bp_kind kind = type < 2 ? BP_LIN : BP_WATCH;
    if (!insert) {
        for (int k = 0; k < d->bp_count; k++) {
            const struct dbg_bp *b = &d->bp[k];
            if (b->gdb && b->kind == kind && b->addr == (uint32_t)addr &&
                (kind == BP_LIN ? b->rw == type : b->rw == rw[type] && b->len == len)) {
                dbg_bp_delete(d, b->id);
                break;
            }
        }
        put(s, "OK");
        return;
    }
    struct dbg_bp *b = dbg_bp_add(d, kind);
    if (!b) {
        put(s, "E22");
        return;
    }
    b->gdb = true;
    b->addr = (uint32_t)addr;
    if (kind == BP_LIN) {
        b->rw = (uint8_t)type; /* remembered for the stop reply: swbreak or hwbreak */
    } else {
        b->rw = rw[type];
        b->len = len ? (uint32_t)len : 1;
        if (watch_add(s->m, b->addr, b->len, b->rw, false, b->id) < 0) {
            dbg_bp_delete(d, b->id);
            put(s, "E22");
            return;
        }
    }
    dbg_bp_changed(d);
    put(s, "OK");
}

static void handle_qxfer(struct stub *s, const char *args)
{
    /* features:read:target.xml:OFFSET,LENGTH */
    const char *prefix = "features:read:target.xml:";
    if (strncmp(args, prefix, strlen(prefix)) != 0) {
        put(s, "");
        return;
    }
    args += strlen(prefix);
    uint64_t off, len;
    if (!parse_range(&args, &off, &len)) {
        put(s, "E01");
        return;
    }
    size_t total = sizeof target_xml - 1;
    if (off >= total) {
        put(s, "l");
        return;
    }
    size_t n = total - (size_t)off;
    if (n > len)
        n = (size_t)len;
    if (n > GDB_PACKET_MAX - 2)
        n = GDB_PACKET_MAX - 2;
    s->reply[0] = off + n < total ? 'm' : 'l';
    memcpy(s->reply + 1, target_xml + off, n);
    gdb_send_packet(&s->conn, s->reply, n + 1);
}

/* The stop reply for the debugger's last stop (E.3). */
static void stop_reply(struct stub *s)
{
    struct debugger *d = s->d;
    const struct dbg_bp *b = d->stop_id ? dbg_bp_find(d, d->stop_id) : NULL;
    char r[96];
    switch (d->stop) {
    case DS_EXIT:
        snprintf(r, sizeof r, "W%02x", s->m->exit_status & 0xFF);
        break;
    case DS_INTERRUPTED:
        snprintf(r, sizeof r, "T02thread:01;");
        break;
    case DS_SHUTDOWN:
        snprintf(r, sizeof r, "T0bthread:01;"); /* SIGSEGV: the CPU is shut down */
        break;
    case DS_BREAK:
        snprintf(r, sizeof r, "T05thread:01;%s:;", b && b->rw == 1 ? "hwbreak" : "swbreak");
        break;
    case DS_WATCH:
        snprintf(r, sizeof r, "T05thread:01;%s:%x;",
                 !b ? "awatch" : b->rw == WATCH_WRITE ? "watch" : b->rw == WATCH_READ ? "rwatch"
                                                                                    : "awatch",
                 d->watch_hit.addr);
        break;
    default:
        snprintf(r, sizeof r, "T05thread:01;");
        break;
    }
    put(s, r);
}

/* c / s / vCont: run, then report. An address argument sets EIP first. */
static void resume(struct stub *s, bool step, const char *addr)
{
    uint64_t a;
    if (addr && gdb_parse_hex(&addr, &a)) { /* a linear address, as $pc is */
        uint8_t b[4];
        memcpy(b, &a, 4);
        reg_write(s, 8, b);
    }
    struct dbg_resume r = { .steps = step ? 1 : 0 };
    dbg_run(s->d, &r);
    if (s->conn.closed)
        return;
    stop_reply(s);
}

static void handle_vcont(struct stub *s, const char *args)
{
    if (strcmp(args, "?") == 0) {
        put(s, "vCont;c;C;s;S");
        return;
    }
    if (*args != ';') {
        put(s, "");
        return;
    }
    char action = args[1]; /* one thread: the first action is the one for it */
    if (action == 'c' || action == 'C')
        resume(s, false, NULL);
    else if (action == 's' || action == 'S')
        resume(s, true, NULL);
    else
        put(s, "");
}

/* qRcmd: gdb's `monitor CMD` runs a debugger command (info gdt, page, sreg, ...) and
 * shows its output, sent back as "O" console packets. */
static void handle_monitor(struct stub *s, const char *hex)
{
    char cmd[512];
    size_t n = strlen(hex) / 2;
    if (n >= sizeof cmd || !gdb_from_hex(cmd, hex, n)) {
        put(s, "E01");
        return;
    }
    cmd[n] = '\0';
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        put(s, "E01");
        return;
    }
    struct debugger *d = s->d;
    FILE *out = d->out;
    d->out = mem;
    d->no_run = true;
    dbg_execute(d, cmd);
    d->no_run = false;
    d->out = out;
    fclose(mem);
    const size_t chunk = (GDB_PACKET_MAX - 16) / 2;
    for (size_t off = 0; off < len && !s->conn.closed; off += chunk) {
        size_t k = len - off < chunk ? len - off : chunk;
        s->reply[0] = 'O';
        gdb_to_hex(s->reply + 1, text + off, k);
        put(s, s->reply);
    }
    free(text);
    put(s, "OK");
}

static void handle_query(struct stub *s, const char *q)
{
    if (strncmp(q, "qSupported", 10) == 0)
        put(s, "PacketSize=3fff;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+");
    else if (strncmp(q, "qRcmd,", 6) == 0)
        handle_monitor(s, q + 6);
    else if (strncmp(q, "qXfer:", 6) == 0)
        handle_qxfer(s, q + 6);
    else if (strcmp(q, "qAttached") == 0 || strncmp(q, "qAttached:", 10) == 0)
        put(s, "1"); /* attached to a running machine: detach, not kill, on quit */
    else if (strcmp(q, "qC") == 0)
        put(s, "QC01");
    else if (strcmp(q, "qfThreadInfo") == 0)
        put(s, "m01");
    else if (strcmp(q, "qsThreadInfo") == 0)
        put(s, "l");
    else if (strncmp(q, "qThreadExtraInfo", 16) == 0) {
        char hex[64];
        gdb_to_hex(hex, "glass86 CPU", 11);
        put(s, hex);
    } else
        put(s, "");
}

/* One packet; false when the session ends. */
static bool handle_packet(struct stub *s, int len)
{
    const char *p = s->pkt;
    switch (p[0]) {
    case '?': stop_reply(s); break;
    case 'g': handle_g(s); break;
    case 'G': handle_G(s, p + 1); break;
    case 'p': handle_p(s, p + 1, false); break;
    case 'P': handle_p(s, p + 1, true); break;
    case 'm': handle_m(s, p + 1); break;
    case 'M': handle_M(s, p + 1, NULL, false); break;
    case 'X': handle_M(s, p + 1, p + len, true); break;
    case 'Z': handle_Z(s, p + 1, true); break;
    case 'z': handle_Z(s, p + 1, false); break;
    case 'c': resume(s, false, p[1] ? p + 1 : NULL); break;
    case 's': resume(s, true, p[1] ? p + 1 : NULL); break;
    case 'C': case 'S': {
        const char *semi = strchr(p, ';');
        resume(s, p[0] == 'S', semi ? semi + 1 : NULL);
        break;
    }
    case 'H': case 'T': put(s, "OK"); break;
    case 'q': handle_query(s, p); break;
    case 'D':
        put(s, "OK");
        s->detached = true;
        return false;
    case 'k':
        s->killed = true;
        return false;
    case 'v':
        if (strncmp(p, "vCont", 5) == 0) {
            handle_vcont(s, p + 5);
        } else if (strncmp(p, "vKill", 5) == 0) {
            put(s, "OK");
            s->killed = true;
            return false;
        } else {
            put(s, "");
        }
        break;
    default: put(s, ""); break;
    }
    return !s->conn.closed;
}

static bool poll_interrupt(void *opaque)
{
    struct stub *s = opaque;
    if (gdb_interrupt_pending(&s->conn))
        return true;
    return s->cfg->poll && s->cfg->poll(s->cfg->opaque);
}

static bool cancelled(const struct gdbstub_config *cfg)
{
    return cfg->cancelled && cfg->cancelled(cfg->opaque);
}

static bool conn_cancelled(void *opaque)
{
    return cancelled(opaque);
}

static int listen_on(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 1) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

enum gdbstub_end gdbstub_serve(struct machine *m, const struct gdbstub_config *cfg,
                               struct outcome *r)
{
    int lfd = listen_on(cfg->port);
    if (lfd < 0) {
        fprintf(stderr, "glass86: error: cannot listen on localhost:%u: %s\n", cfg->port,
                strerror(errno));
        return GDBSTUB_FAILED;
    }
    fprintf(stderr, "glass86: waiting for gdb on localhost:%u (target remote :%u)\n", cfg->port,
            cfg->port);
    int fd;
    do
        fd = accept(lfd, NULL, NULL);
    while (fd < 0 && errno == EINTR && !cancelled(cfg));
    close(lfd);
    if (fd < 0) {
        if (errno == EINTR)
            return GDBSTUB_CANCELLED;
        fprintf(stderr, "glass86: error: accept: %s\n", strerror(errno));
        return GDBSTUB_FAILED;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    struct stub *s = calloc(1, sizeof *s);
    if (!s) {
        close(fd);
        return GDBSTUB_FAILED;
    }
    s->m = m;
    s->cfg = cfg;
    s->conn.fd = fd;
    s->conn.cancelled = conn_cancelled;
    s->conn.cancel_opaque = (void *)cfg;
    struct debugger_config dc = { .out = stderr, .max_insns = cfg->max_insns,
                                  .ring_size = cfg->ring_size, .poll = poll_interrupt,
                                  .poll_opaque = s };
    s->d = debugger_create(m, &dc);
    if (!s->d) {
        close(fd);
        free(s);
        return GDBSTUB_FAILED;
    }
    bool quit = false;
    for (;;) {
        int len = gdb_recv_packet(&s->conn, s->pkt, sizeof s->pkt);
        if ((quit = cancelled(cfg)))
            break;
        if (len == GDB_INTERRUPT)
            continue; /* the guest is not running: nothing to interrupt */
        if (len < 0 || !handle_packet(s, len))
            break;
        /* A signal that stopped the guest (the poll said so) ends the session here. */
        if ((quit = cancelled(cfg)))
            break;
    }
    close(fd);
    enum gdbstub_end end = quit ? GDBSTUB_CANCELLED
                           : debugger_guest_ended(s->d, r) ? GDBSTUB_GUEST_ENDED
                           : s->detached ? GDBSTUB_DETACHED
                                         : GDBSTUB_KILLED;
    debugger_destroy(s->d);
    free(s);
    return end;
}

struct outcome gdbstub_session(struct machine *m, uint16_t port, uint64_t max_insns,
                               unsigned ring_size)
{
    struct outcome r = { .ending = END_GUEST_EXIT, .exit_code = EXIT_SETUP_ERROR };
    struct gdbstub_config cfg = { .port = port, .max_insns = max_insns, .ring_size = ring_size };
    uint64_t start = m->cpu.icount;
    double t0 = session_seconds();
    enum gdbstub_end end = gdbstub_serve(m, &cfg, &r);
    if (end == GDBSTUB_FAILED || end == GDBSTUB_CANCELLED)
        return r;
    if (end == GDBSTUB_DETACHED) {
        fprintf(stderr, "glass86: gdb detached; the guest runs on\n");
        uint64_t used = m->cpu.icount - start, left = 0;
        if (max_insns)
            left = used < max_insns ? max_insns - used : 1;
        return run_guest(m, left);
    }
    r.instructions = m->cpu.icount - start;
    r.seconds = session_seconds() - t0;
    if (end == GDBSTUB_KILLED) {
        fprintf(stderr, "glass86: gdb ended the session\n");
        r.exit_code = 0;
        return r;
    }
    report_ending(m, &r);
    return r;
}
