/* The debugger's command line: the table of commands with their help, reading lines from
 * a script or the terminal, `source`, `quit` and `detach`, and the whole --debug session.
 * The commands themselves live in the dbg_*.c files, one theme each. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/dbg_internal.h"

int dbg_error(struct debugger *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", d->out);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    va_end(ap);
    return -1;
}

bool dbg_arg_u64(struct debugger *d, const char *text, uint64_t *v)
{
    return dbg_eval(d, text, v) == 0;
}

static int cmd_help(struct debugger *d, int argc, char **argv);

static int cmd_quit(struct debugger *d, int argc, char **argv)
{
    if (d->no_run)
        return dbg_error(d, "not from gdb: use gdb's own commands to end the session");
    d->verdict_quit = 1;
    return 0;
}

static int cmd_detach(struct debugger *d, int argc, char **argv)
{
    if (d->no_run)
        return dbg_error(d, "not from gdb: use gdb's detach");
    if (d->ended)
        return dbg_error(d, "the guest has ended; there is nothing to run");
    d->verdict_quit = 2;
    return 0;
}

static int cmd_source(struct debugger *d, int argc, char **argv)
{
    if (argc != 2)
        return dbg_error(d, "usage: source FILE");
    return dbg_source(d, argv[1], true);
}

static int cmd_echo(struct debugger *d, int argc, char **argv)
{
    char buf[512];
    fprintf(d->out, "%s\n", dbg_join(argc, argv, 1, buf, sizeof buf));
    return 0;
}

static int cmd_info(struct debugger *d, int argc, char **argv);

struct command {
    const char *names;  /* the name, then aliases, separated by '|' */
    int (*fn)(struct debugger *d, int argc, char **argv);
    const char *usage;
    const char *help;
};

static const struct command commands[] = {
    /* Running */
    { "c|cont|continue", cmd_continue, "c",
      "Continue until a breakpoint, a watchpoint, Ctrl-C or the end of the guest." },
    { "s|step|stepi|si", cmd_step, "s [N]",
      "Execute N instructions (default 1). One iteration of a REP string instruction is\n"
      "one step, as a single-step trap sees it (and as Bochs counts it)." },
    { "n|next|p", cmd_next, "n",
      "Step over: a CALL, INT or REP string instruction runs to the instruction after it\n"
      "(same CS:EIP with the stack unwound); anything else is one step." },
    { "finish", cmd_finish, "finish",
      "Run until a RET, RETF or IRET leaves the current frame (the stack pointer at or\n"
      "above its value now), and stop after it." },
    { "sb", cmd_sb, "sb N", "Time breakpoint: stop after N more instructions." },
    { "sba", cmd_sba, "sba ICOUNT", "Time breakpoint: stop when the instruction count reaches ICOUNT." },
    /* Breakpoints */
    { "lb|lbreak", cmd_lb, "lb ADDR [if COND]",
      "Breakpoint on the instruction at linear address ADDR (or SEG:OFF)." },
    { "pb|pbreak|b|break", cmd_pb, "pb ADDR [if COND]",
      "Breakpoint on the instruction at physical address ADDR." },
    { "vb|vbreak", cmd_vb, "vb SEG:OFF [if COND]",
      "Breakpoint when CS holds selector SEG and EIP is OFF." },
    { "ioread", cmd_ioread, "ioread PORT [COUNT] [if COND]",
      "Stop after an instruction reads a port in PORT..PORT+COUNT-1." },
    { "iowrite", cmd_iowrite, "iowrite PORT [COUNT] [if COND]",
      "Stop after an instruction writes a port in PORT..PORT+COUNT-1." },
    { "intbp", cmd_intbp, "intbp VECTOR [if COND]",
      "Stop at the handler of interrupt or exception VECTOR (INT n, an IRQ, a fault)." },
    { "modebp", cmd_modebp, "modebp [if COND]",
      "Stop after a switch between real, protected and virtual-8086 mode." },
    { "watch", cmd_watch, "watch r|w|rw ADDR [LEN] [if COND]",
      "Stop after an instruction reads (r), writes (w) or accesses (rw) a byte of the\n"
      "linear range ADDR..ADDR+LEN-1 (LEN default 1)." },
    { "watchp", cmd_watchp, "watchp r|w|rw ADDR [LEN] [if COND]",
      "The same for a physical range." },
    { "blist|bl", cmd_blist, "blist", "List breakpoints and watchpoints (also: info break)." },
    { "bpe", cmd_bpe, "bpe N...", "Enable breakpoints." },
    { "bpd", cmd_bpd, "bpd N...", "Disable breakpoints." },
    { "del|delete|d", cmd_del, "del N...|all", "Delete breakpoints." },
    { "magic-break", cmd_magic, "magic-break on|off",
      "Stop after Bochs's magic breakpoint instruction, xchg bx, bx (87 DB)." },
    /* Looking */
    { "r|reg|registers", cmd_regs, "r [REG=VALUE]",
      "Show the registers, '*' after those changed since the guest last ran; with\n"
      "REG=VALUE, set a register (as setreg)." },
    { "setreg", cmd_setreg, "setreg REG=VALUE[, REG=VALUE...]",
      "Set registers: eax..edi, ax..di, al..bh, eip, eflags, cf..of, cr0-cr4, dr0-dr7;\n"
      "segment registers in real and V86 mode only." },
    { "sreg", cmd_sreg, "sreg", "Segment registers with their hidden descriptor caches, LDTR, TR, GDTR, IDTR." },
    { "creg", cmd_creg, "creg", "Control registers CR0, CR2, CR3, CR4, decoded." },
    { "dreg", cmd_dreg, "dreg", "Debug registers DR0-DR3, DR6, DR7, decoded." },
    { "fpu", cmd_fpu, "fpu", "The x87: status, control and tag words, ST0-ST7 with tags and values." },
    { "x", cmd_x, "x [/Nuf] ADDR",
      "Dump N units of linear memory: u = b (byte, default), h (word), w (dword), g (qword);\n"
      "f = x (hex with ASCII, default), d, u, c. ADDR may be SEG:OFF." },
    { "xp", cmd_xp, "xp [/Nuf] ADDR", "The same for physical memory (MMIO reads as ff)." },
    { "u|disasm", cmd_u, "u [/16|/32] [ADDR] [N]",
      "Disassemble N instructions (default 10) at ADDR (default CS:EIP), 16- or 32-bit\n"
      "as CS says unless /16 or /32 is given." },
    { "print-stack|stack", cmd_print_stack, "print-stack [N]", "N stack entries (default 16) from SS:ESP." },
    { "info", cmd_info, "info break|registers|cpu|device [NAME]|gdt|idt|ldt [FIRST [LAST]]|tss|tab|DEVICE",
      "info gdt|idt|ldt|tss: descriptor tables and the TSS, decoded (real mode: idt shows\n"
      "the IVT); info tab: every mapping of the page tables; info cpu: the model and the\n"
      "statistics; info device: the devices and port map, or one device's registers and\n"
      "state decoded (pic, pit, rtc, i8042, com1-com4, dma8237, fdc, ide, vga...). Bochs's\n"
      "forms work too: info device 'pic', info pic, info cmos, info serial, info floppy." },
    { "page", cmd_page, "page ADDR", "Walk the page tables for a linear address: PDE, PTE, bits, physical address." },
    { "calc|?", cmd_calc, "calc EXPR", "Evaluate an expression (what conditions and addresses accept)." },
    /* Symbols and tracing */
    { "ldsym", cmd_ldsym, "ldsym FILE [BIAS]",
      "Load symbols from a System.map-style file (ADDR TYPE NAME) or an ELF symbol table." },
    { "trace", cmd_trace, "trace on [FILE] | trace off",
      "Write every instruction executed (with the registers it changed) to FILE, or to\n"
      "the console." },
    { "show", cmd_show, "show ring [N]", "The last N instructions executed (the --trace-ring ring)." },
    /* Changing */
    { "setpmem", cmd_setpmem, "setpmem ADDR SIZE VALUE", "Write SIZE (1, 2, 4) bytes of physical memory." },
    { "setmem", cmd_setmem, "setmem ADDR SIZE VALUE", "Write SIZE (1, 2, 4) bytes of linear memory." },
    { "writemem", cmd_writemem, "writemem FILE ADDR LEN", "Save LEN bytes of linear memory at ADDR to FILE." },
    /* The session */
    { "source", cmd_source, "source FILE", "Run the commands in FILE." },
    { "echo", cmd_echo, "echo TEXT", "Print TEXT (for scripts)." },
    { "help|h", cmd_help, "help [COMMAND]", "List the commands, or explain one." },
    { "detach", cmd_detach, "detach", "Leave the debugger and run the guest on at full speed." },
    { "q|quit|exit", cmd_quit, "q", "Quit glass86." },
};

static bool name_matches(const char *names, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = names; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0)
            return true;
        p += len + (bar ? 1 : 0);
    }
    return false;
}

static const struct command *find_command(const char *word)
{
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (name_matches(commands[k].names, word))
            return &commands[k];
    return NULL;
}

static int cmd_help(struct debugger *d, int argc, char **argv)
{
    if (argc > 1) {
        const struct command *c = find_command(argv[1]);
        if (!c)
            return dbg_error(d, "no command '%s' (help lists them)", argv[1]);
        fprintf(d->out, "%s\n%s\n", c->usage, c->help);
        if (strchr(c->names, '|'))
            fprintf(d->out, "names: %s\n", c->names);
        return 0;
    }
    fputs("Commands (help COMMAND for details). Numbers are decimal or 0x hex; any number\n"
          "may be an expression: registers, symbols, [addr] / byte|word|dword [seg:off]\n"
          "memory, and C operators. Conditions: ... if EXPR.\n", d->out);
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        fprintf(d->out, "  %s\n", commands[k].usage);
    return 0;
}

static int cmd_info(struct debugger *d, int argc, char **argv)
{
    if (argc < 2)
        return dbg_error(d, "usage: info break|registers|cpu|device|gdt|idt|ldt|tss|tab");
    const char *w = argv[1];
    if (!strcmp(w, "break") || !strcmp(w, "b") || !strcmp(w, "breakpoints") || !strcmp(w, "watch"))
        return cmd_blist(d, argc - 1, argv + 1);
    if (!strcmp(w, "registers") || !strcmp(w, "r") || !strcmp(w, "regs"))
        return cmd_regs(d, 1, argv);
    if (!strcmp(w, "cpu"))
        return cmd_info_cpu(d, argc, argv);
    if (!strcmp(w, "device") || !strcmp(w, "devices"))
        return cmd_info_device(d, argc, argv);
    if (!strcmp(w, "gdt"))
        return cmd_info_gdt(d, argc, argv);
    if (!strcmp(w, "idt") || !strcmp(w, "ivt"))
        return cmd_info_idt(d, argc, argv);
    if (!strcmp(w, "ldt"))
        return cmd_info_ldt(d, argc, argv);
    if (!strcmp(w, "tss"))
        return cmd_info_tss(d, argc, argv);
    if (!strcmp(w, "sreg"))
        return cmd_sreg(d, argc, argv);
    if (!strcmp(w, "tab"))
        return cmd_info_tab(d, argc, argv);
    /* Bochs's `info pic`, `info cmos`...: a device's state. */
    if (argc == 2 && dbg_info_device_named(d, w) == 0)
        return 0;
    return dbg_error(d, "info what? break, registers, cpu, device, gdt, idt, ldt, tss, tab, "
                        "or a device's name");
}

#define MAX_ARGS 32

int dbg_execute(struct debugger *d, const char *line)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", line);
    char *hash = strchr(buf, '#');
    if (hash)
        *hash = '\0'; /* comments in scripts */
    char *argv[MAX_ARGS];
    int argc = 0;
    for (char *tok = strtok(buf, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
        if (argc == MAX_ARGS)
            return dbg_error(d, "too many words");
        argv[argc++] = tok;
    }
    if (argc == 0)
        return 0;
    const struct command *c = find_command(argv[0]);
    if (!c)
        return dbg_error(d, "unknown command '%s' (try help)", argv[0]);
    int r = c->fn(d, argc, argv);
    fflush(d->out);
    return r;
}

int dbg_source(struct debugger *d, const char *path, bool echo)
{
    if (d->source_depth >= 8)
        return dbg_error(d, "source files nest too deep");
    FILE *f = fopen(path, "r");
    if (!f)
        return dbg_error(d, "cannot open '%s': %s", path, strerror(errno));
    d->source_depth++;
    char line[1024];
    int r = 0;
    while (!d->verdict_quit && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (echo)
            fprintf(d->out, "<glass86> %s\n", line);
        if (dbg_execute(d, line) < 0)
            r = -1;
    }
    d->source_depth--;
    fclose(f);
    return r;
}

struct debugger *debugger_create(struct machine *m, const struct debugger_config *cfg)
{
    struct debugger *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->m = m;
    d->out = cfg->out ? cfg->out : stdout;
    d->in = cfg->in;
    d->interactive = cfg->in && isatty(fileno(cfg->in));
    d->max_insns = cfg->max_insns;
    d->poll = cfg->poll;
    d->poll_opaque = cfg->poll_opaque;
    d->script = cfg->script;
    d->next_time = UINT64_MAX;
    if (dbg_disasm_open(d) != 0) {
        fprintf(stderr, "glass86: error: cannot start the Capstone disassembler\n");
        free(d);
        return NULL;
    }
    if (dbg_ring_init(d, cfg->ring_size) != 0) {
        dbg_disasm_close(d);
        free(d);
        return NULL;
    }
    return d;
}

void debugger_destroy(struct debugger *d)
{
    if (!d)
        return;
    /* Leave the machine as the debugger found it: no hooks, no watchpoints. */
    d->bp_count = 0;
    while (d->m->watch.count)
        watch_remove(d->m, d->m->watch.count - 1);
    dbg_bp_changed(d);
    if (d->trace && d->trace_owned)
        fclose(d->trace);
    free(d->trace_name);
    dbg_ring_free(d);
    dbg_sym_free(d);
    dbg_disasm_close(d);
    free(d);
}

static void print_where(struct debugger *d)
{
    fprintf(d->out, "Stopped at icount %llu:\n", (unsigned long long)d->m->cpu.icount);
    dbg_print_next(d);
}

/* Read and run commands until quit, detach or the end of the input. */
static void command_loop(struct debugger *d)
{
    char line[1024], last[1024] = "";
    while (!d->verdict_quit) {
        if (!d->in)
            break;
        if (d->interactive) {
            fputs("<glass86> ", d->out);
            fflush(d->out);
        }
        if (!fgets(line, sizeof line, d->in))
            break;
        line[strcspn(line, "\r\n")] = '\0';
        if (!d->interactive)
            fprintf(d->out, "<glass86> %s\n", line);
        /* An empty line repeats a step, as in gdb. */
        if (d->interactive && line[strspn(line, " \t")] == '\0')
            snprintf(line, sizeof line, "%s", last);
        const char *w = line + strspn(line, " \t");
        if (w[0] == 's' || w[0] == 'n' || w[0] == 'c')
            snprintf(last, sizeof last, "%s", line);
        dbg_execute(d, line);
    }
    fflush(d->out);
}

static enum debugger_verdict verdict(const struct debugger *d)
{
    return d->verdict_quit == 2 ? DEBUGGER_RESUME : DEBUGGER_QUIT;
}

enum debugger_verdict debugger_enter(struct machine *m, struct debugger *d)
{
    d->m = m;
    d->verdict_quit = 0;
    d->catch_sigint = true;
    print_where(d);
    if (d->script) { /* a PC started with --debug-script: the script comes first, once */
        const char *script = d->script;
        d->script = NULL;
        dbg_source(d, script, true);
    }
    if (!d->verdict_quit)
        command_loop(d);
    return verdict(d);
}

bool debugger_guest_ended(const struct debugger *d, struct outcome *r)
{
    if (!d->ended)
        return false;
    switch (d->end_reason) {
    case DS_EXIT: r->ending = END_GUEST_EXIT; break;
    case DS_HALTED: r->ending = END_HALTED; break;
    case DS_SHUTDOWN: r->ending = END_TRIPLE_FAULT; break;
    default: r->ending = END_INSN_LIMIT; break;
    }
    return true;
}

struct outcome debugger_session(struct machine *m, const struct debugger_config *cfg,
                                bool interactive)
{
    struct outcome r = { .ending = END_GUEST_EXIT };
    struct debugger *d = debugger_create(m, cfg);
    if (!d) {
        r.exit_code = EXIT_SETUP_ERROR;
        return r;
    }
    uint64_t start = m->cpu.icount;
    double t0 = session_seconds();
    enum debugger_verdict v = DEBUGGER_QUIT;
    if (interactive) {
        d->catch_sigint = true;
        print_where(d);
        if (d->script) {
            d->script = NULL;
            dbg_source(d, cfg->script, true);
        }
        if (!d->verdict_quit)
            command_loop(d);
        v = verdict(d);
    } else {
        /* --trace-ring without --debug: the guest runs to its end in this loop. */
        struct dbg_resume run = { 0 };
        dbg_run(d, &run);
        if (d->stop == DS_SHUTDOWN)
            dbg_ring_print(d, stderr, 0);
    }
    bool ended = debugger_guest_ended(d, &r);
    debugger_destroy(d);
    if (v == DEBUGGER_RESUME && !ended) {
        /* detach: the normal loop takes over, with what is left of --max-instructions. */
        uint64_t used = m->cpu.icount - start, left = 0;
        if (cfg->max_insns)
            left = used < cfg->max_insns ? cfg->max_insns - used : 1;
        return run_guest(m, left);
    }
    r.instructions = m->cpu.icount - start;
    r.seconds = session_seconds() - t0;
    if (!ended) {
        r.exit_code = 0; /* the user quit: that is not an ending of the guest's */
        return r;
    }
    report_ending(m, &r);
    return r;
}
