/* The decode cache, through the public API: code runs from cached blocks, and every way
 * of changing code bytes (a loader or DMA write, a guest store into the running block or
 * another cached one, a write to the second page of an instruction that straddles a page)
 * makes the next execution decode afresh; writes that touch no code invalidate nothing;
 * the pool flushes whole when full; the check_dcache debug option. The tests run on the
 * P6 and on the 8086 (a few on one of them only), each with and without check_dcache, so
 * that option is also shown to pass on correct code. Code runs in real mode, mostly at
 * segment 0, where offsets are physical addresses. */
#include "fixture.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpu/dcache_lookup.h"
#include "mmu/mem.h"

struct dc_fixture {
    struct machine *m;
    enum cpu_model_id model;
    struct cpu_stats before;
};

/* The four machines every test runs on: P6 and 8086, with and without check_dcache
 * (which re-hashes a block's bytes on every hit and aborts if they changed unseen). */
struct variant {
    enum cpu_model_id model;
    bool check_dcache;
};
static const struct variant p6 = { CPU_P6, false }, i8086 = { CPU_8086, false };
static const struct variant p6_checked = { CPU_P6, true }, i8086_checked = { CPU_8086, true };

static int dc_setup(void **state)
{
    const struct variant *v = *state;
    struct dc_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->model = v->model;
    struct machine_config cfg = { .model = v->model, .ram_bytes = 1u << 20, .quiet = true,
                                  .check_dcache = v->check_dcache };
    char err[200];
    f->m = machine_create(&cfg, err, sizeof err);
    if (!f->m) {
        free(f);
        return -1;
    }
    fx_real_mode(f->m, 0, 0x1000);
    *state = f;
    return 0;
}

static int dc_teardown(void **state)
{
    struct dc_fixture *f = *state;
    machine_destroy(f->m);
    free(f);
    return 0;
}

/* Remember the counters, to check how much they move. */
static void mark(struct dc_fixture *f) { f->before = f->m->cpu.stats; }
#define SINCE_MARK(f, counter) ((f)->m->cpu.stats.counter - (f)->before.counter)
static uint64_t decoded(const struct dc_fixture *f) { return SINCE_MARK(f, blocks_decoded); }
static uint64_t hits(const struct dc_fixture *f) { return SINCE_MARK(f, block_hits); }
static uint64_t smc(const struct dc_fixture *f) { return SINCE_MARK(f, smc_invalidations); }
static uint64_t flushes(const struct dc_fixture *f) { return SINCE_MARK(f, dcache_flushes); }

static uint16_t ax(const struct machine *m) { return (uint16_t)m->cpu.gpr[EAX]; }

/* Run from 0:ip to a HLT. */
static void run(struct dc_fixture *f, uint16_t ip) { fx_run_from(f->m, 0, ip, 100000); }

/* A block runs from the cache the second time; a loader write to it is seen. */
static void test_loader_write(void **state)
{
    struct dc_fixture *f = *state;
    fx_load(f->m, 0x1000, BYTES(0xB8, 0x34, 0x12, /* mov ax, 0x1234 */
                                0xF4));           /* hlt */
    mark(f);
    run(f, 0x1000);
    assert_int_equal(ax(f->m), 0x1234);
    assert_int_equal(decoded(f), 1);
    assert_int_equal(hits(f), 0);

    mark(f);
    run(f, 0x1000);
    assert_int_equal(ax(f->m), 0x1234);
    assert_int_equal(decoded(f), 0);
    assert_int_equal(hits(f), 1);

    /* a loader, DMA or debugger write of the immediate */
    mark(f);
    fx_load(f->m, 0x1001, BYTES(0x78, 0x56));
    assert_int_equal(smc(f), 1);
    run(f, 0x1000);
    assert_int_equal(ax(f->m), 0x5678);
    assert_int_equal(decoded(f), 1);
    assert_int_equal(hits(f), 0);

    /* one byte through phys_write8 is the same path */
    mark(f);
    phys_write8(f->m, 0x1000, 0xB9); /* mov cx, 0x5678 */
    f->m->cpu.gpr[EAX] = 0;
    run(f, 0x1000);
    assert_int_equal(ax(f->m), 0);
    assert_int_equal(f->m->cpu.gpr[ECX] & 0xFFFF, 0x5678);
    assert_int_equal(smc(f), 1);
    assert_int_equal(decoded(f), 1);
}

/* A guest store rewrites an instruction further down the block that is running: the block
 * was decoded with the old bytes, and the new ones must execute. Eight NOPs keep the
 * target beyond the 8086's 6-byte prefetch queue, so real chips agree. */
static void test_store_into_running_block(void **state)
{
    struct dc_fixture *f = *state;
    fx_load(f->m, 0x1000, BYTES(0x2E, 0x88, 0x1E, 0x0E, 0x10,  /* mov [cs:0x100E], bl */
                                0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
                                0xB0, 0x11,                    /* 0x100D: mov al, 0x11 */
                                0xF4));                        /* hlt */
    for (uint8_t v = 0x22; v <= 0x44; v += 0x11) {
        mark(f);
        f->m->cpu.gpr[EBX] = v;
        run(f, 0x1000);
        assert_int_equal(ax(f->m) & 0xFF, v);
        assert_int_equal(phys_read8(f->m, 0x100E), v);
        assert_int_equal(smc(f), 1);
        /* the block at 0x1000 (stale after the store), then the rest from 0x1005 */
        assert_int_equal(decoded(f), 2);
    }
}

/* A guest store into another block that is cached, and into a page whose TLB entry was
 * filled for writing before any code was decoded there. */
static void test_store_into_other_block(void **state)
{
    struct dc_fixture *f = *state;
    fx_load(f->m, 0x2000, BYTES(0xC6, 0x06, 0x01, 0x10, 0x11,  /* mov byte [0x1001], 0x11 */
                                0xEA, 0x00, 0x10, 0x00, 0x00)); /* jmp 0:0x1000 */
    fx_load(f->m, 0x3000, BYTES(0xC6, 0x06, 0x01, 0x10, 0x77,  /* mov byte [0x1001], 0x77 */
                                0xEA, 0x00, 0x10, 0x00, 0x00)); /* jmp 0:0x1000 */
    fx_load(f->m, 0x1000, BYTES(0xB0, 0x00, /* mov al, imm */
                                0xF4));
    /* page 1 is written as data first, then runs as code */
    run(f, 0x2000);
    assert_int_equal(ax(f->m) & 0xFF, 0x11);
    mark(f);
    run(f, 0x1000);
    assert_int_equal(hits(f), 1);
    assert_int_equal(ax(f->m) & 0xFF, 0x11);
    /* now a store from another page changes it */
    mark(f);
    run(f, 0x3000);
    assert_int_equal(ax(f->m) & 0xFF, 0x77);
    assert_int_equal(smc(f), 1);
    /* 0x3000 and 0x1000 at least (the store also ends the running block early, so the
     * jump after it may start a block of its own) */
    assert_true(decoded(f) >= 2);
    /* and the fresh block at 0x1000 is cached again */
    mark(f);
    run(f, 0x1000);
    assert_int_equal(ax(f->m) & 0xFF, 0x77);
    assert_int_equal(hits(f), 1);
    assert_int_equal(decoded(f), 0);
}

/* An instruction straddling a page boundary: a write to its bytes in the second page,
 * by a loader or by a guest store, changes what it does next time. */
static void test_straddling_instruction(void **state)
{
    struct dc_fixture *f = *state;
    fx_load(f->m, 0x1FFE, BYTES(0x90,             /* nop */
                                0xB8, 0x34, 0x12, /* 0x1FFF: mov ax, 0x1234 (ends at 0x2001) */
                                0xF4));           /* 0x2002: hlt */
    run(f, 0x1FFE);
    assert_int_equal(ax(f->m), 0x1234);
    run(f, 0x1FFE);
    assert_int_equal(ax(f->m), 0x1234);

    /* the loader writes the high byte of the immediate, in the second page, which also
     * holds the cached HLT block: one invalidation */
    mark(f);
    fx_load(f->m, 0x2001, BYTES(0x56));
    assert_int_equal(smc(f), 1);
    run(f, 0x1FFE);
    assert_int_equal(ax(f->m), 0x5634);

    /* a guest store to the first byte of the second page */
    fx_load(f->m, 0x3000, BYTES(0xC6, 0x06, 0x00, 0x20, 0x78,  /* mov byte [0x2000], 0x78 */
                                0xEA, 0xFE, 0x1F, 0x00, 0x00)); /* jmp 0:0x1FFE */
    mark(f);
    run(f, 0x3000);
    assert_int_equal(ax(f->m), 0x5678);
    assert_int_equal(smc(f), 1);
}

/* The same, with nothing else decoded in the second page: the straddling instruction is
 * the only code there, so no cached block of page 2 could carry the invalidation. */
static void test_straddling_jump_alone_in_page(void **state)
{
    struct dc_fixture *f = *state;
    fx_load(f->m, 0x1FFF, BYTES(0xE9, 0xFE, 0x0F)); /* jmp near 0x3000 (0x2002 + 0x0FFE) */
    fx_load(f->m, 0x3000, BYTES(0xB0, 0xAA, 0xF4)); /* mov al, 0xAA; hlt */
    fx_load(f->m, 0x4000, BYTES(0xB0, 0xBB, 0xF4)); /* mov al, 0xBB; hlt */
    run(f, 0x1FFF);
    assert_int_equal(ax(f->m) & 0xFF, 0xAA);
    run(f, 0x1FFF);
    assert_int_equal(ax(f->m) & 0xFF, 0xAA);
    fx_load(f->m, 0x2000, BYTES(0xFE, 0x1F)); /* now jmp 0x4000 (0x2002 + 0x1FFE) */
    run(f, 0x1FFF);
    assert_int_equal(ax(f->m) & 0xFF, 0xBB);
    /* and by a guest store of the high byte */
    fx_load(f->m, 0x5000, BYTES(0xC6, 0x06, 0x01, 0x20, 0x0F,  /* mov byte [0x2001], 0x0F */
                                0xEA, 0xFF, 0x1F, 0x00, 0x00)); /* jmp 0:0x1FFF */
    run(f, 0x5000);
    assert_int_equal(ax(f->m) & 0xFF, 0xAA);
}

/* A word store whose bytes straddle two pages, the second byte landing on cached code. */
static void test_straddling_store(void **state)
{
    struct dc_fixture *f = *state;
    fx_load(f->m, 0x2000, BYTES(0x40, 0xF4));             /* inc ax; hlt */
    fx_load(f->m, 0x1000, BYTES(0xC7, 0x06, 0xFF, 0x1F, 0xAA, 0x48, /* mov word [0x1FFF], 0x48AA */
                                0xEA, 0x00, 0x20, 0x00, 0x00));     /* jmp 0:0x2000 */
    run(f, 0x2000);
    assert_int_equal(ax(f->m), 1);
    mark(f);
    run(f, 0x1000); /* 0x2000 is now 48: dec ax */
    assert_int_equal(phys_read(f->m, 0x1FFF, 2), 0x48AA);
    assert_int_equal(ax(f->m), 0);
    assert_int_equal(smc(f), 1);
}

/* REP STOSB writes new instructions over NOPs further down its own block. */
static void test_rep_stos_into_running_block(void **state)
{
    struct dc_fixture *f = *state;
    static const uint8_t code[] = {
        0xB8, 0x40, 0x00, /* 0x1000: mov ax, 0x0040 (0x40 is INC AX) */
        0xB9, 0x04, 0x00, /* 0x1003: mov cx, 4 */
        0xBF, 0x18, 0x10, /* 0x1006: mov di, 0x1018 */
        0xFC,             /* 0x1009: cld */
        0xF3, 0xAA,       /* 0x100A: rep stosb (ES = 0) */
        0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
        0x90, 0x90, 0x90, 0x90, /* 0x1018: becomes inc ax x 4 */
        0xF4,
    };
    fx_load(f->m, 0x1000, code, sizeof code);
    mark(f);
    run(f, 0x1000);
    assert_int_equal(phys_read(f->m, 0x1018, 4), 0x40404040);
    assert_int_equal(ax(f->m), 0x44);
    assert_int_equal(smc(f), 1);
}

/* A store through another linear address of the code's physical page: linear 0x101001 is
 * physical 0x1001 with A20 masked (the 8086 has only 20 address lines anyway). The first
 * store reaches the page before any code is decoded there, so a TLB entry for the alias
 * may already allow fast writes when the code arrives. */
static void test_store_through_a20_alias(void **state)
{
    struct dc_fixture *f = *state;
    struct machine *m = f->m;
    if (f->model != CPU_8086) {
        m->mem.a20_mask = ~0x100000u; /* A20 off, as the keyboard controller would do */
        tlb_flush(m);
    }
    fx_load(m, 0x1000, BYTES(0xB0, 0x00, 0xF4));                      /* mov al, imm; hlt */
    fx_load(m, 0x2000, BYTES(0xC6, 0x06, 0x11, 0x10, 0x11,            /* mov byte [0x1011], 0x11 */
                             0xEA, 0x00, 0x10, 0x00, 0x00));          /* jmp 0:0x1000 */
    fx_load(m, 0x3000, BYTES(0xC6, 0x06, 0x11, 0x10, 0x77,            /* mov byte [0x1011], 0x77 */
                             0xEA, 0x00, 0x10, 0x00, 0x00));
    cpu_load_seg_real(m, SEG_DS, 0xFFFF); /* DS:0x1011 = linear 0x101001 */
    run(f, 0x2000);
    assert_int_equal(ax(m) & 0xFF, 0x11);
    mark(f);
    run(f, 0x3000);
    assert_int_equal(phys_read8(m, 0x1001), 0x77);
    assert_int_equal(ax(m) & 0xFF, 0x77);
    assert_int_equal(smc(f), 1);
}

/* The 8086 wraps IP inside the segment: an instruction at CS:FFFF takes its next bytes
 * from CS:0000, and a write there changes it. */
static void test_8086_instruction_wrapping_in_segment(void **state)
{
    struct dc_fixture *f = *state;
    struct machine *m = f->m;
    fx_load(m, 0x1FFFF, BYTES(0xB8));             /* 1000:FFFF mov ax, ... */
    fx_load(m, 0x10000, BYTES(0x34, 0x12, 0xF4)); /* 1000:0000 the immediate, then hlt */
    fx_run_from(m, 0x1000, 0xFFFF, 100);
    assert_int_equal(ax(m), 0x1234);
    assert_int_equal(m->cpu.eip, 3);
    fx_run_from(m, 0x1000, 0xFFFF, 100);
    assert_int_equal(ax(m), 0x1234);
    fx_load(m, 0x10001, BYTES(0x56));
    fx_run_from(m, 0x1000, 0xFFFF, 100);
    assert_int_equal(ax(m), 0x5634);
}

/* 16-bit code wraps IP at 64 KiB: the decoder stops a block there. A block decoded where
 * the same bytes sat far from the wrap must not run past it when CS maps them just below
 * it. The CS limit is 4 GiB (a descriptor cache kept from protected mode, set directly
 * here), so only the 16-bit wrap ends the block. The result must not depend on whether
 * the block was in the cache. */
static void test_cached_block_respects_16bit_wrap(void **state)
{
    struct dc_fixture *f = *state;
    struct machine *m = f->m;
    uint8_t code[19];
    memset(code, 0x90, 16);
    code[16] = 0xB0; /* mov al, 0x11 */
    code[17] = 0x11;
    code[18] = 0xF4;
    fx_load(m, 0x207F0, code, sizeof code);         /* 2000:07F0 = 1080:FFF0 */
    fx_load(m, 0x10800, BYTES(0xB0, 0x22, 0xF4));   /* 1080:0000, after the wrap */
    struct cpu *c = &m->cpu;

    /* fresh: from 1080:FFF0 the 16 NOPs end at the wrap, then 1080:0000 */
    dcache_flush(m);
    cpu_set_seg_cache(c, SEG_CS, 0x1080, 0x10800, 0xFFFFFFFFu, 0x9B);
    c->eip = 0xFFF0;
    c->halted = false;
    assert_int_equal(cpu_run(m, 100), STOP_HALTED);
    uint8_t fresh = (uint8_t)c->gpr[EAX];
    assert_int_equal(fresh, 0x22);

    /* the same bytes decoded first from 2000:07F0, where no wrap is near */
    dcache_flush(m);
    c->gpr[EAX] = 0;
    cpu_set_seg_cache(c, SEG_CS, 0x2000, 0x20000, 0xFFFFFFFFu, 0x9B);
    c->eip = 0x07F0;
    c->halted = false;
    assert_int_equal(cpu_run(m, 100), STOP_HALTED);
    assert_int_equal(c->gpr[EAX] & 0xFF, 0x11);
    c->gpr[EAX] = 0;
    cpu_set_seg_cache(c, SEG_CS, 0x1080, 0x10800, 0xFFFFFFFFu, 0x9B);
    c->eip = 0xFFF0;
    c->halted = false;
    assert_int_equal(cpu_run(m, 100), STOP_HALTED);
    /* A cached block of 16-bit code must not run past IP 0xFFFF, whatever the CS limit. */
    assert_int_equal((uint8_t)c->gpr[EAX], fresh);
}

/* A loop: the loop body is decoded once and then hit. */
static const uint8_t loop10[] = {
    0xB9, 0x0A, 0x00, /* 0x1000: mov cx, 10 */
    0x40,             /* 0x1003: inc ax */
    0xE2, 0xFD,       /* 0x1004: loop 0x1003 */
    0xF4,             /* 0x1006: hlt */
};

static void test_block_hits(void **state)
{
    struct dc_fixture *f = *state;
    fx_load(f->m, 0x1000, loop10, sizeof loop10);
    mark(f);
    run(f, 0x1000);
    assert_int_equal(ax(f->m), 10);
    /* blocks at 0x1000 (first pass), 0x1003 (the loop body) and 0x1006 (hlt) */
    assert_int_equal(decoded(f), 3);
    assert_int_equal(hits(f), 8); /* passes 3..10 of the body */
    assert_int_equal(smc(f), 0);
    mark(f);
    f->m->cpu.gpr[EAX] = 0;
    run(f, 0x1000);
    assert_int_equal(ax(f->m), 10);
    assert_int_equal(decoded(f), 0);
    assert_int_equal(hits(f), 11);
}

static void test_flush(void **state)
{
    struct dc_fixture *f = *state;
    fx_load(f->m, 0x1000, loop10, sizeof loop10);
    run(f, 0x1000);
    mark(f);
    dcache_flush(f->m);
    assert_int_equal(flushes(f), 1);
    f->m->cpu.gpr[EAX] = 0;
    run(f, 0x1000);
    assert_int_equal(ax(f->m), 10);
    assert_int_equal(decoded(f), 3); /* as on the first run: nothing survived */
    assert_int_equal(hits(f), 8);
}

/* Two blocks that share a table slot: each decode takes the slot from the other, but the
 * links between them still hold once made, so a loop through both decodes each twice at
 * most (the first pass, before the links, goes through the table) and then runs from the
 * links alone, the right code each time. With check_dcache there are no links: every
 * entry goes through the table, and only the result is checked. */
static void test_blocks_sharing_a_slot(void **state)
{
    struct dc_fixture *f = *state;
    struct machine *m = f->m;
    /* A at a in 0x1000..0x1FFF and B at b in 0x3000..0xEFF0 with the same slot; the
     * blocks after B (its JMP and the HLT) must have slots of their own. */
    static uint16_t first_at[1u << DCACHE_HASH_BITS];
    memset(first_at, 0, sizeof first_at);
    for (uint32_t a = 0x1000; a < 0x2000; a++)
        first_at[dcache_slot(a, 0)] = (uint16_t)a;
    uint32_t a = 0, b;
    for (b = 0x3000; b < 0xEFF0; b++) {
        uint32_t s = dcache_slot(b, 0);
        if (first_at[s] && dcache_slot(b + 3, 0) != s && dcache_slot(b + 6, 0) != s) {
            a = first_at[s];
            break;
        }
    }
    assert_true(a != 0);
    uint16_t to_b = (uint16_t)(b - (a + 4)), to_a = (uint16_t)(a - (b + 6));
    fx_load(m, a, BYTES(0x40,                                        /* A: inc ax */
                        0xE9, (uint8_t)to_b, (uint8_t)(to_b >> 8))); /* jmp B */
    fx_load(m, b, BYTES(0x49,                                        /* B: dec cx */
                        0x74, 0x03,                                  /* jz +3 (the hlt) */
                        0xE9, (uint8_t)to_a, (uint8_t)(to_a >> 8),   /* jmp A */
                        0xF4));                                      /* hlt */
    m->cpu.gpr[EAX] = 0;
    m->cpu.gpr[ECX] = 100;
    mark(f);
    run(f, (uint16_t)a);
    assert_int_equal(ax(m), 100);
    assert_int_equal(m->cpu.gpr[ECX] & 0xFFFF, 0);
    if (!m->config.check_dcache) {
        /* A, B, the JMP after B, A again (the JMP had no link and found B in the slot),
         * B again (A's new record had no link and found A's in the slot), the HLT */
        assert_int_equal(decoded(f), 6);
        assert_int_equal(hits(f), 300 - 6); /* A and B 100 times, the JMP 99, the HLT */
    }
}

/* The same bytes run as 16-bit and as 32-bit code are two different blocks. */
static void test_decode_mode_is_part_of_the_key(void **state)
{
    struct dc_fixture *f = *state;
    if (f->model == CPU_8086)
        skip(); /* no 32-bit code segments */
    struct machine *m = f->m;
    /* 16-bit: mov ax, 0x5678; xor al, 0x12. 32-bit: mov eax, 0x12345678 */
    fx_load(m, 0x1000, BYTES(0xB8, 0x78, 0x56, 0x34, 0x12, 0xF4));
    run(f, 0x1000);
    assert_int_equal(m->cpu.gpr[EAX], 0x566A);
    /* a 32-bit code segment (a descriptor cache set directly, as tests may) */
    mark(f);
    cpu_set_seg_cache(&m->cpu, SEG_CS, 0, 0, 0xFFFF, 0x409B);
    m->cpu.eip = 0x1000;
    m->cpu.halted = false;
    assert_int_equal(cpu_run(m, 100), STOP_HALTED);
    assert_int_equal(m->cpu.gpr[EAX], 0x12345678);
    assert_int_equal(decoded(f), 1);
    assert_int_equal(hits(f), 0);
}

/* Writes to a page without code, or to a 128-byte line of a code page that holds none,
 * leave the cached blocks alone. */
static void test_data_writes_do_not_invalidate(void **state)
{
    struct dc_fixture *f = *state;
    struct machine *m = f->m;
    fx_load(m, 0x1000, BYTES(0xB9, 0x00, 0x01, /* mov cx, 256 */
                             0x89, 0x07,       /* 0x1003: mov [bx], ax (BX = 0x5000, a data page) */
                             0x89, 0x04,       /* mov [si], ax (SI = 0x1800: code page, no code) */
                             0x40,             /* inc ax */
                             0xE2, 0xF9,       /* loop 0x1003 */
                             0xF4));
    m->cpu.gpr[EBX] = 0x5000;
    m->cpu.gpr[ESI] = 0x1800;
    mark(f);
    run(f, 0x1000);
    assert_int_equal(phys_read(m, 0x5000, 2), 255);
    assert_int_equal(phys_read(m, 0x1800, 2), 255);
    assert_int_equal(smc(f), 0);
    assert_int_equal(decoded(f), 3);
    assert_int_equal(hits(f), 254);
    /* loader writes of data */
    mark(f);
    fx_load(m, 0x5000, BYTES(1, 2, 3, 4));
    fx_load(m, 0x1C00, BYTES(1, 2, 3, 4));
    phys_write(m, 0x1F80, 0xDEADBEEF, 4);
    assert_int_equal(smc(f), 0);
    m->cpu.gpr[EAX] = 0;
    run(f, 0x1000);
    assert_int_equal(decoded(f), 0);
    assert_int_equal(hits(f), 257);
}

/* The pool holds DCACHE_POOL_INSNS instructions: running more straight-line code than
 * that flushes it whole, once, and the blocks decoded before the flush are gone. Five
 * 64 KiB segments of NOPs (327,000 instructions, 32 to a block) chained by far jumps. */
static void test_pool_fills_and_flushes(void **state)
{
    struct dc_fixture *f = *state;
    struct machine *m = f->m;
    static uint8_t seg[0x10000];
    for (unsigned s = 0; s < 5; s++) {
        memset(seg, 0x90, sizeof seg);
        uint16_t next = (uint16_t)(0x2000 + 0x1000 * (s + 1));
        if (s < 4) {
            const uint8_t jmp[5] = { 0xEA, 0x00, 0x00, (uint8_t)next, (uint8_t)(next >> 8) };
            memcpy(seg + 0xFFFB, jmp, sizeof jmp);
        } else {
            seg[0xFFFB] = 0xF4;
        }
        fx_load(m, 0x20000 + 0x10000 * s, seg, sizeof seg);
    }
    uint64_t insns = 5 * 0xFFFBull + 4;
    assert_true(insns > DCACHE_POOL_INSNS && insns < 2 * DCACHE_POOL_INSNS);
    mark(f);
    fx_run_from(m, 0x2000, 0, insns + 10);
    assert_int_equal(m->cpu.seg[SEG_CS].selector, 0x6000);
    assert_int_equal(flushes(f), 1);
    assert_true(decoded(f) >= insns / DCACHE_MAX_BLOCK);
    /* the start was decoded before the flush: decoded again, no hits */
    mark(f);
    cpu_load_seg_real(m, SEG_CS, 0x2000);
    m->cpu.eip = 0;
    m->cpu.halted = false;
    assert_int_equal(cpu_run(m, 2 * DCACHE_MAX_BLOCK), STOP_LIMIT);
    assert_int_equal(hits(f), 0);
    assert_int_equal(decoded(f), 2);
    /* the end was decoded after it: all hits */
    mark(f);
    fx_run_from(m, 0x6000, 0xFF00, 1000);
    assert_int_equal(hits(f) + decoded(f), 8); /* blocks FF00, FF20, ..., FFE0 */
    assert_true(hits(f) > 0);
}

/* check_dcache catches a write that went around the invalidation (here: straight into the RAM
 * array), aborting the run. The abort happens in a child process. */
static void test_check_dcache_catches_missed_write(void **state)
{
    struct dc_fixture *f = *state;
    fx_load(f->m, 0x1000, loop10, sizeof loop10);
    run(f, 0x1000);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stderr))
            _exit(3);
        f->m->mem.ram[0x1001] = 0x05; /* mov cx, 5: not seen by the decode cache */
        f->m->cpu.eip = 0x1000;
        f->m->cpu.halted = false;
        cpu_run(f->m, 1000);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* One test on one variant, named after both. */
#define ON(test, v) { #test " (" #v ")", test, dc_setup, dc_teardown, (void *)&v }
#define ALL(test) ON(test, p6), ON(test, i8086), ON(test, p6_checked), ON(test, i8086_checked)
#define CHECKED(test) ON(test, p6_checked), ON(test, i8086_checked)
#define P6_ONLY(test) ON(test, p6), ON(test, p6_checked)
#define I8086_ONLY(test) ON(test, i8086), ON(test, i8086_checked)

int main(void)
{
    const struct CMUnitTest tests[] = {
        ALL(test_loader_write),
        ALL(test_store_into_running_block),
        ALL(test_store_into_other_block),
        ALL(test_straddling_instruction),
        ALL(test_straddling_jump_alone_in_page),
        ALL(test_straddling_store),
        ALL(test_rep_stos_into_running_block),
        ALL(test_store_through_a20_alias),
        I8086_ONLY(test_8086_instruction_wrapping_in_segment),
        P6_ONLY(test_cached_block_respects_16bit_wrap),
        ALL(test_block_hits),
        ALL(test_flush),
        ALL(test_blocks_sharing_a_slot),
        P6_ONLY(test_decode_mode_is_part_of_the_key),
        ALL(test_data_writes_do_not_invalidate),
        ALL(test_pool_fills_and_flushes),
        CHECKED(test_check_dcache_catches_missed_write),
    };
    fx_filter_from_env();
    return cmocka_run_group_tests_name("dcache", tests, NULL, NULL);
}
