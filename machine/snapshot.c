/* Whole-machine saved state (see snapshot.h). Layout, all little-endian:
 *   header:  "GLASS86S", format version, CPU model, RAM size, device count,
 *            payload length (u64), CRC-32 of the payload
 *   payload: the CPU record, the memory record, then one record per device in attach
 *            order: name, its state version, its length, its bytes (state.h).
 * Only state the guest can observe or that decides what happens next is saved; caches
 * (TLB, decode cache, block links) are rebuilt empty on load. */
#include "machine/snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cpu/debug.h"
#include "machine/machine.h"
#include "mmu/mem.h"

#define MAGIC "GLASS86S"
#define FORMAT_VERSION 2u /* 2: IA32_APIC_BASE */
#define HEADER_LEN (8 + 4 + 4 + 4 + 4 + 8 + 4)
#define MAX_NAME 64

static void put_segment(struct state_buf *b, const struct segment *s)
{
    state_put_u32(b, s->base);
    state_put_u32(b, s->limit);
    state_put_u32(b, s->lo);
    state_put_u32(b, s->hi);
    state_put_u16(b, s->selector);
    state_put_u16(b, s->attr);
    state_put_u8(b, s->writable);
    state_put_u8(b, s->readable);
    state_put_u64(b, (uint64_t)s->read_span);
    state_put_u64(b, (uint64_t)s->write_span);
}

static void get_segment(struct state_buf *b, struct segment *s)
{
    s->base = state_get_u32(b);
    s->limit = state_get_u32(b);
    s->lo = state_get_u32(b);
    s->hi = state_get_u32(b);
    s->selector = state_get_u16(b);
    s->attr = state_get_u16(b);
    s->writable = state_get_u8(b) != 0;
    s->readable = state_get_u8(b) != 0;
    s->read_span = (int64_t)state_get_u64(b);
    s->write_span = (int64_t)state_get_u64(b);
}

/* The architectural registers, the hidden descriptor caches exactly as they are (real
 * mode keeps protected-mode limits), the x87, and where the CPU stands between two
 * instructions (halted, interrupt shadow, NMI blocking). */
static void put_cpu(struct state_buf *b, const struct cpu *c)
{
    for (int r = 0; r < 8; r++)
        state_put_u32(b, c->gpr[r]);
    state_put_u32(b, c->eip);
    state_put_u32(b, c->eflags);
    state_put_u32(b, c->lf.res);
    state_put_u32(b, c->lf.aux);
    for (int s = 0; s < SEG_COUNT; s++)
        put_segment(b, &c->seg[s]);
    put_segment(b, &c->ldtr);
    put_segment(b, &c->tr);
    state_put_u32(b, c->gdtr.base);
    state_put_u16(b, c->gdtr.limit);
    state_put_u32(b, c->idtr.base);
    state_put_u16(b, c->idtr.limit);
    for (int r = 0; r < 5; r++)
        state_put_u32(b, c->cr[r]);
    for (int r = 0; r < 8; r++)
        state_put_u32(b, c->dr[r]);
    state_put_u64(b, c->msr_tsc_offset);
    state_put_u32(b, c->msr_sysenter_cs);
    state_put_u32(b, c->msr_sysenter_esp);
    state_put_u32(b, c->msr_sysenter_eip);
    state_put_u32(b, c->msr_apic_base);
    state_put_u32(b, c->stack_mask);
    state_put_u32(b, c->code_eip_mask);
    state_put_u32(b, c->code_limit);
    state_put_u32(b, c->code_base);
    state_put_u8(b, c->cpl);
    state_put_u8(b, c->halted);
    state_put_u8(b, c->inhibit_irq);
    state_put_u8(b, c->nmi_blocked);
    state_put_u8(b, c->shadow_step);
    state_put_u8(b, c->shutdown);
    state_put_u8(b, c->dbg_task_trap);
    /* Only its value at icount means anything (cpu/exec.c); an older one depends on where
     * the run loop's slices ended, so it is saved as 0 and equal states save equal bytes. */
    state_put_u64(b, c->rep_yield_icount == c->icount ? c->rep_yield_icount : 0);
    const struct fpu *f = &c->fpu;
    for (int r = 0; r < 8; r++) {
        state_put_u64(b, f->reg[r].sig);
        state_put_u16(b, f->reg[r].se);
    }
    state_put_u16(b, f->cw);
    state_put_u16(b, f->sw);
    state_put_u8(b, f->empty);
    state_put_u8(b, f->ferr);
    state_put_u8(b, f->ignne);
    state_put_u16(b, f->fop);
    state_put_u16(b, f->fcs);
    state_put_u16(b, f->fds);
    state_put_u32(b, f->fip);
    state_put_u32(b, f->fdp);
    state_put_u64(b, c->icount);
}

static void get_cpu(struct state_buf *b, struct cpu *c)
{
    for (int r = 0; r < 8; r++)
        c->gpr[r] = state_get_u32(b);
    c->gpr[8] = 0;
    c->eip = state_get_u32(b);
    c->eflags = state_get_u32(b);
    c->lf.res = state_get_u32(b);
    c->lf.aux = state_get_u32(b);
    for (int s = 0; s < SEG_COUNT; s++)
        get_segment(b, &c->seg[s]);
    get_segment(b, &c->ldtr);
    get_segment(b, &c->tr);
    c->gdtr.base = state_get_u32(b);
    c->gdtr.limit = state_get_u16(b);
    c->idtr.base = state_get_u32(b);
    c->idtr.limit = state_get_u16(b);
    for (int r = 0; r < 5; r++)
        c->cr[r] = state_get_u32(b);
    for (int r = 0; r < 8; r++)
        c->dr[r] = state_get_u32(b);
    c->msr_tsc_offset = state_get_u64(b);
    c->msr_sysenter_cs = state_get_u32(b);
    c->msr_sysenter_esp = state_get_u32(b);
    c->msr_sysenter_eip = state_get_u32(b);
    c->msr_apic_base = state_get_u32(b);
    c->stack_mask = state_get_u32(b);
    c->code_eip_mask = state_get_u32(b);
    c->code_limit = state_get_u32(b);
    c->code_base = state_get_u32(b);
    c->cpl = state_get_u8(b) & 3;
    c->halted = state_get_u8(b) != 0;
    c->inhibit_irq = state_get_u8(b);
    c->nmi_blocked = state_get_u8(b) != 0;
    c->shadow_step = state_get_u8(b) != 0;
    c->shutdown = state_get_u8(b) != 0;
    c->dbg_task_trap = state_get_u8(b) != 0;
    c->rep_yield_icount = state_get_u64(b);
    struct fpu *f = &c->fpu;
    for (int r = 0; r < 8; r++) {
        f->reg[r].sig = state_get_u64(b);
        f->reg[r].se = state_get_u16(b);
    }
    f->cw = state_get_u16(b);
    f->sw = state_get_u16(b);
    f->empty = state_get_u8(b);
    f->ferr = state_get_u8(b) != 0;
    f->ignne = state_get_u8(b) != 0;
    f->fop = state_get_u16(b);
    f->fcs = state_get_u16(b);
    f->fds = state_get_u16(b);
    f->fip = state_get_u32(b);
    f->fdp = state_get_u32(b);
    c->icount = state_get_u64(b);
}

/* A block of memory, deflated: its length, then the zlib stream's length and bytes. */
static int put_compressed(struct state_buf *b, const uint8_t *data, uint32_t len)
{
    uLongf clen = compressBound(len);
    uint8_t *tmp = malloc(clen ? clen : 1);
    if (!tmp || compress2(tmp, &clen, data, len, 1) != Z_OK) {
        free(tmp);
        return -1;
    }
    state_put_u32(b, len);
    state_put_u32(b, (uint32_t)clen);
    state_put(b, tmp, clen);
    free(tmp);
    return 0;
}

/* Inflate into `dst` of exactly `len` bytes; false if the block is not that. */
static bool get_compressed(struct state_buf *b, uint8_t *dst, uint32_t len)
{
    uint32_t want = state_get_u32(b), clen = state_get_u32(b);
    if (b->error || want != len || clen > b->len - b->pos)
        return false;
    uLongf out = len;
    bool ok = uncompress(dst, &out, b->data + b->pos, clen) == Z_OK && out == len;
    b->pos += clen;
    return ok;
}

/* RAM is mostly untouched zeros: a bitmap of the 4 KiB pages that hold anything, then
 * those pages deflated together, which spares zlib from walking megabytes of zeros. */
#define RAM_PAGE 4096u

static bool page_is_zero(const uint8_t *p, size_t n)
{
    /* Zero at the start and equal to itself shifted by one: zero throughout. */
    return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static int put_ram(struct state_buf *b, const uint8_t *ram, uint32_t size)
{
    uint32_t pages = (size + RAM_PAGE - 1) / RAM_PAGE, used = 0;
    uint8_t *map = calloc((pages + 7) / 8 + 1, 1);
    uint8_t *packed = malloc((size_t)size + 1);
    int rc = -1;
    if (map && packed) {
        for (uint32_t pg = 0; pg < pages; pg++) {
            uint32_t at = pg * RAM_PAGE, n = size - at < RAM_PAGE ? size - at : RAM_PAGE;
            if (page_is_zero(ram + at, n))
                continue;
            map[pg / 8] |= (uint8_t)(1u << (pg % 8));
            memcpy(packed + (size_t)used, ram + at, n);
            used += n;
        }
        state_put(b, map, (pages + 7) / 8);
        rc = put_compressed(b, packed, used);
    }
    free(map);
    free(packed);
    return rc;
}

static bool get_ram(struct state_buf *b, uint8_t *ram, uint32_t size)
{
    uint32_t pages = (size + RAM_PAGE - 1) / RAM_PAGE, used = 0;
    size_t maplen = (pages + 7) / 8;
    if (b->error || maplen > b->len - b->pos)
        return false;
    const uint8_t *map = b->data + b->pos;
    b->pos += maplen;
    for (uint32_t pg = 0; pg < pages; pg++)
        if (map[pg / 8] & (1u << (pg % 8)))
            used += size - pg * RAM_PAGE < RAM_PAGE ? size - pg * RAM_PAGE : RAM_PAGE;
    uint8_t *packed = malloc((size_t)used + 1);
    if (!packed || !get_compressed(b, packed, used)) {
        free(packed);
        return false;
    }
    uint32_t from = 0;
    for (uint32_t pg = 0; pg < pages; pg++) {
        uint32_t at = pg * RAM_PAGE, n = size - at < RAM_PAGE ? size - at : RAM_PAGE;
        if (map[pg / 8] & (1u << (pg % 8))) {
            memcpy(ram + at, packed + from, n);
            from += n;
        } else {
            memset(ram + at, 0, n);
        }
    }
    free(packed);
    return true;
}

/* RAM, the A20 gate, how the ROM area below 1 MiB is mapped (the chipset's record sets
 * it too), the ROM bytes there, and virtual time's other half: time skipped in HLT. */
static int put_memory(struct state_buf *b, const struct machine *m)
{
    state_put_u32(b, m->mem.a20_mask);
    state_put(b, m->mem.legacy_mode, sizeof m->mem.legacy_mode);
    state_put_u8(b, m->mem.legacy_rom != NULL);
    if (m->mem.legacy_rom && put_compressed(b, m->mem.legacy_rom, LEGACY_SIZE) != 0)
        return -1;
    if (put_ram(b, m->mem.ram, m->mem.ram_size) != 0)
        return -1;
    state_put_u64(b, m->sched.idle_insns);
    state_put_u8(b, m->nmi_pending);
    return 0;
}

static bool get_memory(struct state_buf *b, struct machine *m)
{
    m->mem.a20_mask = state_get_u32(b);
    state_get(b, m->mem.legacy_mode, sizeof m->mem.legacy_mode);
    bool rom = state_get_u8(b) != 0;
    if (rom != (m->mem.legacy_rom != NULL))
        return false;
    if (rom && !get_compressed(b, m->mem.legacy_rom, LEGACY_SIZE))
        return false;
    if (!get_ram(b, m->mem.ram, m->mem.ram_size))
        return false;
    m->sched.idle_insns = state_get_u64(b);
    m->nmi_pending = state_get_u8(b) != 0;
    return !b->error;
}

int machine_save(struct machine *m, struct state_buf *out, char *err, size_t errlen)
{
    struct state_buf p = { 0 };
    put_cpu(&p, &m->cpu);
    if (put_memory(&p, m) != 0) {
        state_free(&p);
        snprintf(err, errlen, "saving state: cannot compress memory");
        return -1;
    }
    for (int k = 0; k < m->device_count; k++) {
        const struct device_instance *d = &m->devices[k];
        size_t n = strlen(d->ops->name);
        state_put_u8(&p, (uint8_t)n);
        state_put(&p, d->ops->name, n);
        state_put_u32(&p, d->ops->state_version);
        size_t at = p.len;
        state_put_u32(&p, 0); /* the record's length, filled in below */
        if (d->ops->save)
            d->ops->save(d->dev, &p);
        if (!p.error) {
            uint32_t len = (uint32_t)(p.len - at - 4);
            for (int i = 0; i < 4; i++)
                p.data[at + i] = (uint8_t)(len >> (8 * i));
        }
    }
    state_put(out, MAGIC, 8);
    state_put_u32(out, FORMAT_VERSION);
    state_put_u32(out, (uint32_t)m->config.model);
    state_put_u32(out, m->mem.ram_size);
    state_put_u32(out, (uint32_t)m->device_count);
    state_put_u64(out, p.len);
    state_put_u32(out, (uint32_t)crc32(crc32(0, Z_NULL, 0), p.data, (uInt)p.len));
    state_put(out, p.data, p.len);
    bool failed = p.error || out->error;
    state_free(&p);
    if (failed) {
        snprintf(err, errlen, "saving state: out of memory");
        return -1;
    }
    return 0;
}

struct record {
    const uint8_t *data;
    uint32_t version, len;
};

/* Check the whole file before touching the machine: header, CRC, the CPU and memory
 * records' place, and one record per device with the name this machine has there. */
static int check(struct machine *m, const uint8_t *data, size_t len, struct record *rec,
                 size_t *payload_at, char *err, size_t errlen)
{
    struct state_buf b = { .data = (uint8_t *)data, .len = len };
    if (len < 8 || memcmp(data, MAGIC, 8) != 0) {
        snprintf(err, errlen, "not a glass86 saved state (bad magic)");
        return -1;
    }
    if (len < HEADER_LEN) {
        snprintf(err, errlen, "saved state truncated: %zu bytes, the header alone is %d",
                 len, HEADER_LEN);
        return -1;
    }
    b.pos = 8;
    uint32_t version = state_get_u32(&b), model = state_get_u32(&b);
    uint32_t ram = state_get_u32(&b), devices = state_get_u32(&b);
    uint64_t plen = state_get_u64(&b);
    uint32_t crc = state_get_u32(&b);
    if (version != FORMAT_VERSION) {
        snprintf(err, errlen, "saved state format %u, this glass86 reads format %u", version,
                 FORMAT_VERSION);
        return -1;
    }
    if (plen != len - HEADER_LEN) {
        snprintf(err, errlen, "saved state %s: the header promises %llu bytes of state, the "
                 "file has %zu", plen > len - HEADER_LEN ? "truncated" : "has trailing bytes",
                 (unsigned long long)plen, len - HEADER_LEN);
        return -1;
    }
    if (crc32(crc32(0, Z_NULL, 0), data + HEADER_LEN, (uInt)plen) != crc) {
        snprintf(err, errlen, "saved state corrupt: CRC-32 mismatch");
        return -1;
    }
    if (model != (uint32_t)m->config.model || ram != m->mem.ram_size ||
        devices != (uint32_t)m->device_count) {
        snprintf(err, errlen, "saved state is of another machine (CPU model %u, %u bytes of "
                 "RAM, %u devices; this one: %u, %u, %d)", model, ram, devices,
                 (unsigned)m->config.model, m->mem.ram_size, m->device_count);
        return -1;
    }
    *payload_at = HEADER_LEN;
    /* Walk past the CPU and memory records with a scratch CPU, then index the devices. */
    struct state_buf p = { .data = (uint8_t *)data + HEADER_LEN, .len = (size_t)plen };
    struct cpu *scratch = calloc(1, sizeof *scratch);
    if (!scratch) {
        snprintf(err, errlen, "loading state: out of memory");
        return -1;
    }
    get_cpu(&p, scratch);
    free(scratch);
    p.pos += 4 + sizeof m->mem.legacy_mode;
    bool rom = p.pos < p.len && p.data[p.pos] != 0;
    p.pos++;
    for (int blocks = rom ? 2 : 1; blocks > 0 && !p.error; blocks--) {
        if (blocks == 1) /* RAM: the bitmap of pages saved comes first */
            p.pos += ((m->mem.ram_size + RAM_PAGE - 1) / RAM_PAGE + 7) / 8;
        state_get_u32(&p);
        uint32_t clen = state_get_u32(&p);
        if (p.error || clen > p.len - p.pos)
            p.error = true;
        else
            p.pos += clen;
    }
    state_get_u64(&p);
    state_get_u8(&p);
    for (int k = 0; k < m->device_count && !p.error; k++) {
        const char *name = m->devices[k].ops->name;
        uint8_t n = state_get_u8(&p);
        char got[MAX_NAME + 1] = { 0 };
        if (n > MAX_NAME || p.error) {
            p.error = true;
            break;
        }
        state_get(&p, got, n);
        rec[k].version = state_get_u32(&p);
        rec[k].len = state_get_u32(&p);
        if (p.error || rec[k].len > p.len - p.pos) {
            p.error = true;
            break;
        }
        if (strcmp(got, name) != 0) {
            snprintf(err, errlen, "saved state has device '%s' where this machine has '%s'",
                     got, name);
            return -1;
        }
        rec[k].data = p.data + p.pos;
        p.pos += rec[k].len;
    }
    if (p.error || p.pos != p.len) {
        snprintf(err, errlen, "saved state corrupt: its records do not add up");
        return -1;
    }
    return 0;
}

int machine_load(struct machine *m, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    struct record rec[MACHINE_MAX_DEVICES];
    size_t at;
    if (check(m, data, len, rec, &at, err, errlen) != 0)
        return -1;
    struct state_buf p = { .data = (uint8_t *)data + at, .len = len - at };
    /* Virtual time first: devices re-arm their timers at absolute deadlines. */
    while (m->sched.armed)
        timer_cancel(m, m->sched.armed);
    get_cpu(&p, &m->cpu);
    if (!get_memory(&p, m)) {
        snprintf(err, errlen, "saved state corrupt: the memory record does not inflate");
        return -1;
    }
    for (int k = 0; k < m->device_count; k++) {
        const struct device_instance *d = &m->devices[k];
        struct state_buf r = { .data = (uint8_t *)rec[k].data, .len = rec[k].len };
        bool ok = d->ops->load ? d->ops->load(d->dev, &r, rec[k].version) && !r.error &&
                                     r.pos == r.len
                               : rec[k].len == 0;
        if (!ok) {
            snprintf(err, errlen, "saved state: device '%s' refused its record (version %u, "
                     "%u bytes)", d->ops->name, rec[k].version, rec[k].len);
            return -1;
        }
    }
    /* Caches start empty; derived CPU state is recomputed from what was loaded. */
    struct cpu *c = &m->cpu;
    c->fault_depth = 0;
    c->dbg_hits = 0;
    cpu_update_user(c);
    cpu_blocks_changed(c);
    tlb_flush(m);
    dcache_flush(m);
    dbg_update(m);
    m->reset_requested = false;
    m->exit_requested = false;
    cpu_signal(c, EV_IRQ);
    return 0;
}

int machine_save_file(struct machine *m, const char *path, char *err, size_t errlen)
{
    struct state_buf b = { 0 };
    if (machine_save(m, &b, err, errlen) != 0)
        return -1;
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(b.data, 1, b.len, f) == b.len;
    int e = errno;
    if (f && fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    state_free(&b);
    if (!ok) {
        snprintf(err, errlen, "cannot write saved state '%s': %s", path, strerror(e));
        return -1;
    }
    return 0;
}

int machine_load_file(struct machine *m, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open saved state '%s': %s", path, strerror(errno));
        return -1;
    }
    struct state_buf b = { 0 };
    uint8_t chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        state_put(&b, chunk, n);
    bool failed = ferror(f) || b.error;
    fclose(f);
    int rc = -1;
    if (failed)
        snprintf(err, errlen, "cannot read saved state '%s'", path);
    else
        rc = machine_load(m, b.data, b.len, err, errlen);
    state_free(&b);
    return rc;
}
