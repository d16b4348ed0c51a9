/* The frontend's run loop: machine_run() in chunks so the frontend regains control
 * regularly, until the guest's exit port, a final halt, a triple fault or the
 * instruction bound; then one line on stderr says which. */
#include "frontend/session.h"

#include <stdio.h>
#include <time.h>

#include "machine/machine.h"
#include "machine/run.h"

/* Instructions per machine_run() call: large enough to cost nothing, small enough that the
 * frontend (later: the display, the debugger's Ctrl-C) gets control many times a second. */
#define RUN_CHUNK (1u << 22)

double session_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void dump_registers(const struct machine *m)
{
    const struct cpu *c = &m->cpu;
    fprintf(stderr,
            "  EAX=%08x EBX=%08x ECX=%08x EDX=%08x ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n"
            "  EIP=%08x EFLAGS=%08x CS=%04x DS=%04x ES=%04x SS=%04x FS=%04x GS=%04x\n"
            "  CR0=%08x CR2=%08x CR3=%08x CPL=%u instructions=%llu\n",
            c->gpr[EAX], c->gpr[EBX], c->gpr[ECX], c->gpr[EDX], c->gpr[ESI], c->gpr[EDI],
            c->gpr[EBP], c->gpr[ESP], c->eip, cpu_get_eflags(c), c->seg[SEG_CS].selector,
            c->seg[SEG_DS].selector, c->seg[SEG_ES].selector, c->seg[SEG_SS].selector,
            c->seg[SEG_FS].selector, c->seg[SEG_GS].selector, c->cr[0], c->cr[2], c->cr[3],
            c->cpl, (unsigned long long)c->icount);
}

/* CS:EIP as a person reads it: 4 hex digits of offset in 16-bit code, 8 in 32-bit. */
static void print_where(const struct cpu *c)
{
    if (cpu_code32(c))
        fprintf(stderr, "%04X:%08X", c->seg[SEG_CS].selector, c->eip);
    else
        fprintf(stderr, "%04X:%04X", c->seg[SEG_CS].selector, c->eip & 0xFFFF);
}

struct outcome run_guest(struct machine *m, uint64_t max_insns)
{
    struct cpu *c = &m->cpu;
    struct outcome r = { .ending = END_GUEST_EXIT };
    const uint64_t start = c->icount;
    const double t0 = session_seconds();

    for (;;) {
        uint64_t done = c->icount - start;
        uint64_t chunk = RUN_CHUNK;
        if (max_insns) {
            if (done >= max_insns) {
                r.ending = END_INSN_LIMIT;
                break;
            }
            if (max_insns - done < chunk)
                chunk = max_insns - done;
        }
        enum run_result why = machine_run(m, chunk);
        if (why == RUN_EXIT)
            break;
        if (why == RUN_HALTED) {
            r.ending = END_HALTED;
            break;
        }
        if (why == RUN_SHUTDOWN) {
            r.ending = END_TRIPLE_FAULT;
            break;
        }
        /* RUN_BUDGET: the chunk is used up; RUN_STOPPED: nothing in this frontend asks
         * for a stop yet. Either way, go on. */
    }
    r.seconds = session_seconds() - t0;
    r.instructions = c->icount - start;
    report_ending(m, &r);
    return r;
}

void report_ending(struct machine *m, struct outcome *o)
{
    const struct cpu *c = &m->cpu;
    struct outcome r = *o;
    fflush(stdout); /* the guest's console output comes before the verdict */
    switch (r.ending) {
    case END_GUEST_EXIT:
        r.exit_code = m->exit_status;
        if (m->powered_off)
            fprintf(stderr, "glass86: guest powered off (ACPI S5)\n");
        else
            fprintf(stderr, "glass86: guest exited with status %d\n", r.exit_code);
        break;
    case END_INSN_LIMIT:
        r.exit_code = EXIT_INSN_LIMIT;
        fprintf(stderr, "glass86: stopped after %llu instructions at ",
                (unsigned long long)r.instructions);
        print_where(c);
        fputc('\n', stderr);
        break;
    case END_HALTED:
        r.exit_code = EXIT_HALTED;
        /* With IF set, machine_run() found no timer left that could wake the CPU. */
        if (cpu_get_eflags(c) & FLAG_IF)
            fputs("glass86: guest halted and no device can wake it at ", stderr);
        else
            fputs("glass86: guest halted with interrupts disabled at ", stderr);
        print_where(c);
        fputc('\n', stderr);
        dump_registers(m);
        break;
    case END_TRIPLE_FAULT:
        r.exit_code = EXIT_TRIPLE_FAULT;
        fputs("glass86: triple fault (shutdown) at ", stderr);
        print_where(c);
        fputc('\n', stderr);
        dump_registers(m);
        break;
    }
    *o = r;
}

void print_stats(const struct machine *m, const struct outcome *r)
{
    const struct cpu_stats *s = &m->cpu.stats;
    double mips = r->seconds > 0 ? (double)r->instructions / r->seconds / 1e6 : 0.0;
    fprintf(stderr, "glass86: %llu instructions in %.3f s = %.1f MIPS\n",
            (unsigned long long)r->instructions, r->seconds, mips);
    uint64_t lookups = s->blocks_decoded + s->block_hits;
    fprintf(stderr,
            "glass86: decode cache: %llu blocks decoded, %llu hits (%.2f%%), %llu SMC "
            "invalidations, %llu flushes; %llu TLB misses; %llu unimplemented-opcode #UD\n",
            (unsigned long long)s->blocks_decoded, (unsigned long long)s->block_hits,
            lookups ? 100.0 * (double)s->block_hits / (double)lookups : 0.0,
            (unsigned long long)s->smc_invalidations, (unsigned long long)s->dcache_flushes,
            (unsigned long long)s->tlb_misses, (unsigned long long)s->unimplemented_ud);
}
