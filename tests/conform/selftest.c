/* Self-test of the conformance runner's readers, without the emulator core: the MOO and
 * JSON readers on well-formed, truncated, mutated and garbage input (in memory and as
 * files in a temporary folder), metadata and revocation lists, test forms, and the
 * expectation rules for pushed FLAGS words. Meant to run under ASan/UBSan too. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "expect.h"
#include "json.h"
#include "jsontests.h"
#include "loadfile.h"
#include "metadata.h"
#include "moo.h"
#include "opkey.h"
#include "revocation.h"

static int failures;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
            failures++;                                                                \
        }                                                                              \
    } while (0)

/* ---- building MOO files in memory ---- */

struct buf {
    uint8_t *p;
    size_t len, cap;
};

static void put(struct buf *b, const void *src, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}
static void put8(struct buf *b, uint8_t v) { put(b, &v, 1); }
static void put16(struct buf *b, uint16_t v) { put(b, (uint8_t[]){(uint8_t)v, (uint8_t)(v >> 8)}, 2); }
static void put32(struct buf *b, uint32_t v)
{
    put(b, (uint8_t[]){(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)}, 4);
}
/* Start a chunk; returns where its length goes, for end_chunk. */
static size_t begin_chunk(struct buf *b, const char *type)
{
    put(b, type, 4);
    put32(b, 0);
    return b->len;
}
static void end_chunk(struct buf *b, size_t start)
{
    uint32_t n = (uint32_t)(b->len - start);
    memcpy(b->p + start - 4, (uint8_t[]){(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)}, 4);
}

static void put_state(struct buf *b, const char *type, uint16_t mask, const uint16_t *regs,
                      const uint32_t *addrs, const uint8_t *vals, uint32_t n)
{
    size_t s = begin_chunk(b, type), r = begin_chunk(b, "REGS");
    put16(b, mask);
    for (int i = 0; i < TC_NREGS; i++)
        if (mask & (1u << i))
            put16(b, regs[i]);
    end_chunk(b, r);
    r = begin_chunk(b, "RAM ");
    put32(b, n);
    for (uint32_t i = 0; i < n; i++) {
        put32(b, addrs[i]);
        put8(b, vals[i]);
    }
    end_chunk(b, r);
    r = begin_chunk(b, "QUEU");
    put32(b, 2);
    put8(b, 0x90);
    put8(b, 0x90);
    end_chunk(b, r);
    end_chunk(b, s);
}

/* A two-test 80286-style file: every chunk kind, plus one this reader has never heard of. */
static struct buf make_moo(void)
{
    struct buf b = {0};
    size_t h = begin_chunk(&b, "MOO ");
    put8(&b, 1);
    put8(&b, 0);
    put16(&b, 0);
    put32(&b, 2);
    put(&b, "C286", 4);
    end_chunk(&b, h);
    h = begin_chunk(&b, "META");
    put(&b, (uint8_t[]){1, 0, 6, 0xF7, 0, 0, 0}, 7);
    put(&b, "div     ", 8);
    put32(&b, 1600);
    end_chunk(&b, h);
    for (uint32_t t = 0; t < 2; t++) {
        size_t tc = begin_chunk(&b, "TEST");
        put32(&b, 10 + t);
        size_t c = begin_chunk(&b, "GMET");
        put(&b, "0123456789", 10);
        end_chunk(&b, c);
        c = begin_chunk(&b, "NAME");
        put32(&b, 6);
        put(&b, "div cx", 6);
        end_chunk(&b, c);
        c = begin_chunk(&b, "BYTS");
        put32(&b, 3);
        put(&b, (uint8_t[]){0xF7, 0xF1, 0xF4}, 3);
        end_chunk(&b, c);
        uint16_t regs[TC_NREGS];
        for (int i = 0; i < TC_NREGS; i++)
            regs[i] = (uint16_t)(0x1000 * t + i);
        put_state(&b, "INIT", TC_ALL_REGS, regs, (const uint32_t[]){0x100, 0x101, 0x102},
                  (const uint8_t[]){0xF7, 0xF1, 0xF4}, 3);
        regs[TC_IP] = 0x2222;
        regs[TC_FLAGS] = 0x0046;
        put_state(&b, "FINA", (1u << TC_IP) | (1u << TC_FLAGS), regs, (const uint32_t[]){0x200},
                  (const uint8_t[]){0x55}, 1);
        c = begin_chunk(&b, "CYCL");
        put32(&b, 1);
        put(&b, "fifteen bytes!!", 15);
        end_chunk(&b, c);
        c = begin_chunk(&b, "ZZZZ");
        put(&b, "future", 6);
        end_chunk(&b, c);
        if (t == 1) {
            c = begin_chunk(&b, "EXCP");
            put8(&b, 0);
            put32(&b, 0x12344);
            end_chunk(&b, c);
        }
        c = begin_chunk(&b, "HASH");
        for (int i = 0; i < 20; i++)
            put8(&b, (uint8_t)(i + t));
        end_chunk(&b, c);
        end_chunk(&b, tc);
    }
    return b;
}

static void test_moo(void)
{
    struct buf b = make_moo();
    struct tc_file f = {0};
    char err[512];
    CHECK(moo_parse(b.p, b.len, &f, err, sizeof err) == 0);
    CHECK(f.count == 2 && strcmp(f.cpu, "C286") == 0 && strcmp(f.mnemonic, "div") == 0);
    if (f.count == 2) {
        const struct tc_test *t = &f.tests[1];
        CHECK(t->index == 11);
        CHECK(t->name_len == 6 && strcmp((const char *)f.blob + t->name_off, "div cx") == 0);
        CHECK(t->bytes_len == 3 && tc_bytes(&f, t)[0] == 0xF7 && tc_bytes(&f, t)[2] == 0xF4);
        CHECK(t->init.present == TC_ALL_REGS && t->init.regs[TC_BX] == 0x1001);
        CHECK(t->init.regs[TC_FLAGS] == 0x100D);
        CHECK(t->fina.present == ((1u << TC_IP) | (1u << TC_FLAGS)) && t->fina.regs[TC_IP] == 0x2222);
        CHECK(t->init.ram_count == 3 && tc_state_ram(&f, &t->init)[1].addr == 0x101);
        CHECK(t->fina.ram_count == 1 && tc_state_ram(&f, &t->fina)[0].value == 0x55);
        CHECK(t->has_excp && t->excp_vector == 0 && t->excp_flags_addr == 0x12344);
        CHECK(t->has_hash && t->hash[19] == 20);
        CHECK(!f.tests[0].has_excp);
    }
    tc_file_free(&f);

    /* Every proper prefix is an error that names an offset, never a crash. */
    for (size_t n = 0; n < b.len; n++) {
        struct tc_file g = {0};
        err[0] = '\0';
        int rc = moo_parse(b.p, n, &g, err, sizeof err);
        CHECK(rc == -1 && strncmp(err, "offset ", 7) == 0);
        CHECK(g.tests == NULL && g.count == 0);
    }

    /* A length that runs past its parent chunk names the chunk and the offset. */
    struct buf bad = {0};
    put(&bad, b.p, b.len);
    size_t test_at = 0;
    for (size_t i = 0; i + 4 <= bad.len; i++)
        if (memcmp(bad.p + i, "TEST", 4) == 0) {
            test_at = i;
            break;
        }
    bad.p[test_at + 7] = 0x7F; /* the first TEST now claims ~2 GiB */
    struct tc_file g = {0};
    CHECK(moo_parse(bad.p, bad.len, &g, err, sizeof err) == -1);
    char want[64];
    snprintf(want, sizeof want, "offset %zu ", test_at);
    CHECK(strncmp(err, want, strlen(want)) == 0 && strstr(err, "'TEST'") != NULL);

    /* Random damage: bytes flipped, lengths set to extremes. Must never crash. */
    uint32_t seed = 12345;
    for (int iter = 0; iter < 30000; iter++) {
        memcpy(bad.p, b.p, b.len);
        int flips = 1 + iter % 4;
        for (int k = 0; k < flips; k++) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            size_t at = seed % b.len;
            if (iter % 3 == 0 && at + 4 <= b.len)
                memset(bad.p + at, (seed >> 8) & 1 ? 0xFF : 0x00, 4);
            else
                bad.p[at] ^= (uint8_t)(seed >> 24 | 1);
        }
        struct tc_file h = {0};
        if (moo_parse(bad.p, bad.len, &h, err, sizeof err) == 0)
            tc_file_free(&h);
        else
            CHECK(strncmp(err, "offset ", 7) == 0);
    }
    free(bad.p);
    free(b.p);
}

/* ---- files on disk ---- */

static char tmpdir[64];

static char *tmp_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static void write_file(const char *name, const void *data, size_t n, int gzip_it)
{
    if (gzip_it) {
        gzFile gz = gzopen(tmp_path(name), "wb9");
        CHECK(gz != NULL);
        if (gz) {
            CHECK(n == 0 || gzwrite(gz, data, (unsigned)n) == (int)n);
            gzclose(gz);
        }
    } else {
        FILE *fp = fopen(tmp_path(name), "wb");
        CHECK(fp != NULL);
        if (fp) {
            CHECK(fwrite(data, 1, n, fp) == n);
            fclose(fp);
        }
    }
}

static uint8_t *read_raw(const char *name, size_t *n)
{
    FILE *fp = fopen(tmp_path(name), "rb");
    if (!fp)
        return NULL;
    uint8_t *p = malloc(1 << 20);
    *n = p ? fread(p, 1, 1 << 20, fp) : 0;
    fclose(fp);
    return p;
}

static void expect_load_error(const char *name, const char *needle)
{
    struct tc_file f;
    char err[512] = "";
    int rc = load_test_file(tmp_path(name), &f, err, sizeof err);
    CHECK(rc == -1);
    if (rc != -1 || !strstr(err, needle)) {
        fprintf(stderr, "  %s: got \"%s\", wanted \"%s\"\n", name, err, needle);
        failures += rc != -1 ? 0 : 1;
    }
}

static void test_files(void)
{
    struct buf b = make_moo();
    struct tc_file f;
    char err[512];
    write_file("good.MOO.gz", b.p, b.len, 1);
    CHECK(load_test_file(tmp_path("good.MOO.gz"), &f, err, sizeof err) == 0 && f.count == 2);
    tc_file_free(&f);
    write_file("plain.MOO", b.p, b.len, 0);
    CHECK(load_test_file(tmp_path("plain.MOO"), &f, err, sizeof err) == 0 && f.count == 2);
    tc_file_free(&f);

    /* The gzip stream cut at many places: "truncated", with the offset reached. */
    size_t n;
    uint8_t *gz = read_raw("good.MOO.gz", &n);
    CHECK(gz && n > 40);
    for (size_t cut = 12; gz && cut < n - 8; cut += 7) {
        write_file("cut.MOO.gz", gz, cut, 0);
        expect_load_error("cut.MOO.gz", "offset ");
    }
    if (gz) {
        write_file("cut.MOO.gz", gz, n / 2, 0);
        expect_load_error("cut.MOO.gz", "truncated");
        /* Bytes flipped inside the deflate data: a zlib error or a MOO error, no crash. */
        for (size_t at = 20; at < n - 8; at += 3) {
            gz[at] ^= 0x5A;
            write_file("flip.MOO.gz", gz, n, 0);
            gz[at] ^= 0x5A;
            struct tc_file h;
            if (load_test_file(tmp_path("flip.MOO.gz"), &h, err, sizeof err) == 0)
                tc_file_free(&h);
        }
    }
    free(gz);
    uint8_t junk[300];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 151 + 7);
    write_file("garbage.MOO.gz", junk, sizeof junk, 1);
    expect_load_error("garbage.MOO.gz", "offset 0 (0x0): not a MOO file");
    write_file("raw-garbage.MOO.gz", junk, sizeof junk, 0);
    expect_load_error("raw-garbage.MOO.gz", "offset 0 (0x0): not a MOO file");
    write_file("empty.MOO.gz", "", 0, 0);
    expect_load_error("empty.MOO.gz", "not a MOO file");
    expect_load_error("missing.MOO.gz", "cannot open");
    write_file("bad.json", "[{\"name\": \"x\", \"bytes\": [1, 2", 29, 0);
    expect_load_error("bad.json", "offset ");
    free(b.p);
}

/* ---- JSON ---- */

static void test_json(void)
{
    char err[256];
    struct json_value v;
    const char *doc = " {\"a\": [1, -2.5e1, true, false, null], \"s\": \"x\\u00e9\\ud83d\\ude00\\n\\\"\","
                      " \"o\": {}, \"e\": []} ";
    CHECK(json_parse(doc, strlen(doc), &v, err, sizeof err) == 0);
    const struct json_value *a = json_get(&v, "a");
    CHECK(a && a->type == JSON_ARRAY && a->u.arr.count == 5);
    if (a && a->type == JSON_ARRAY && a->u.arr.count == 5) {
        uint64_t u;
        CHECK(json_uint(&a->u.arr.items[0], 10, &u) && u == 1);
        CHECK(!json_uint(&a->u.arr.items[1], 100, &u) && a->u.arr.items[1].u.number == -25.0);
        CHECK(a->u.arr.items[2].type == JSON_BOOL && a->u.arr.items[2].u.boolean);
        CHECK(a->u.arr.items[3].type == JSON_BOOL && !a->u.arr.items[3].u.boolean);
        CHECK(a->u.arr.items[4].type == JSON_NULL);
        CHECK(!json_uint(&a->u.arr.items[0], 0, &u));
    }
    const struct json_value *s = json_get(&v, "s");
    CHECK(s && s->type == JSON_STRING && s->u.str.len == 9 &&
          memcmp(s->u.str.s, "x\xc3\xa9\xf0\x9f\x98\x80\n\"", 9) == 0);
    CHECK(json_get(&v, "o") && json_get(&v, "o")->type == JSON_OBJECT);
    CHECK(json_get(&v, "missing") == NULL);
    json_free(&v);

    static const char *const bad[] = {
        "", " ", "[", "]", "[1,]", "[1 2]", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{\"a\":1,}", "01",
        "1.", "1e", "-", "+1", ".5", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
        "\"\\u12\"", "[1] x", "tru", "nul", "\"abc", "\"a\nb\"", "[\"\\", "{\"a\":1 \"b\":2}", "NaN",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = json_parse(bad[i], strlen(bad[i]), &v, err, sizeof err);
        CHECK(rc == -1 && strncmp(err, "offset ", 7) == 0);
        if (rc == 0) {
            fprintf(stderr, "  accepted bad JSON: %s\n", bad[i]);
            json_free(&v);
        }
    }
    char deep[200];
    memset(deep, '[', sizeof deep);
    CHECK(json_parse(deep, sizeof deep, &v, err, sizeof err) == -1 && strstr(err, "nesting"));
    /* Every proper prefix of a document that ends in a bracket is incomplete. */
    for (size_t n = 0; n < strlen(doc) - 1; n++) {
        if (json_parse(doc, n, &v, err, sizeof err) == 0) {
            fprintf(stderr, "  accepted a prefix of %zu bytes\n", n);
            failures++;
            json_free(&v);
        }
    }
}

static const char json_tests_doc[] =
    "[{\"idx\": 7, \"name\": \"div cl\", \"bytes\": [246, 241],"
    " \"initial\": {\"regs\": {\"ax\": 1, \"bx\": 2, \"cx\": 3, \"dx\": 4, \"cs\": 5, \"ss\": 6,"
    " \"ds\": 7, \"es\": 8, \"sp\": 9, \"bp\": 10, \"si\": 11, \"di\": 12, \"ip\": 13, \"flags\": 61442},"
    " \"ram\": [[100, 246], [101, 241]], \"queue\": []},"
    " \"final\": {\"regs\": {\"ip\": 15}, \"ram\": [], \"queue\": []},"
    " \"cycles\": [[0, 1, \"--\"]], \"exception\": {\"number\": 0, \"flag_address\": 4660},"
    " \"hash\": \"000102030405060708090a0b0c0d0e0f10111213\"}]";

static void test_json_tests(void)
{
    struct tc_file f = {0};
    char err[256];
    CHECK(jsontests_parse(json_tests_doc, strlen(json_tests_doc), &f, err, sizeof err) == 0);
    CHECK(f.count == 1);
    if (f.count == 1) {
        const struct tc_test *t = &f.tests[0];
        CHECK(t->index == 7 && t->bytes_len == 2 && tc_bytes(&f, t)[1] == 241);
        CHECK(t->init.present == TC_ALL_REGS && t->init.regs[TC_DI] == 12 && t->init.regs[TC_FLAGS] == 61442);
        CHECK(t->fina.present == 1u << TC_IP && t->fina.regs[TC_IP] == 15);
        CHECK(t->init.ram_count == 2 && tc_state_ram(&f, &t->init)[0].addr == 100);
        CHECK(t->has_excp && t->excp_flags_addr == 4660 && t->has_hash && t->hash[19] == 0x13);
    }
    tc_file_free(&f);
    static const char *const bad[] = {
        "{}", "[1]", "[{\"bytes\": 5}]", "[{\"bytes\": [256], \"initial\": {}, \"final\": {}}]",
        "[{\"bytes\": [], \"initial\": {\"regs\": {\"eax\": 1}}, \"final\": {}}]",
        "[{\"bytes\": [], \"initial\": {\"regs\": {\"ax\": 65536}}, \"final\": {}}]",
        "[{\"bytes\": [], \"initial\": {\"regs\": {\"ax\": 1}}, \"final\": {}}]",
        "[{\"bytes\": [], \"initial\": {\"ram\": [[1]]}, \"final\": {}}]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct tc_file g = {0};
        int rc = jsontests_parse(bad[i], strlen(bad[i]), &g, err, sizeof err);
        CHECK(rc == -1 && strncmp(err, "offset ", 7) == 0);
        if (rc == 0)
            tc_file_free(&g);
    }
}

/* ---- metadata, revocation list, forms ---- */

static void test_metadata(void)
{
    const char *md_doc =
        "{\"cpu\": \"286\", \"opcodes\": {\"00\": {\"status\": \"normal\"},"
        " \"27\": {\"status\": \"normal\", \"flags\": \"o.......\", \"flags-mask\": 63487},"
        " \"64\": {\"status\": \"undefined\"}, \"D8\": {\"status\": \"fpu\"},"
        " \"C6\": {\"reg\": {\"0\": {\"status\": \"normal\"}, \"1\": {\"status\": \"undefined\"}}},"
        " \"0F01\": {\"reg\": {\"5\": {\"status\": \"undefined\"}}}, \"zz\": {}}}";
    write_file("metadata.json", md_doc, strlen(md_doc), 0);
    struct metadata *md = malloc(sizeof *md);
    char err[256];
    CHECK(md && metadata_load(tmp_path("metadata.json"), md, err, sizeof err) == 0);
    if (md) {
        CHECK(strcmp(md->cpu, "286") == 0);
        CHECK(metadata_lookup(md, 0, 0x27, -1).flags_mask == 63487);
        CHECK(metadata_lookup(md, 0, 0x00, -1).flags_mask == 0xFFFF);
        CHECK(metadata_lookup(md, 0, 0x64, -1).status == MD_UNDEFINED);
        CHECK(metadata_lookup(md, 0, 0xD8, -1).status == MD_FPU);
        CHECK(metadata_lookup(md, 0, 0xC6, 0).status == MD_NORMAL);
        CHECK(metadata_lookup(md, 0, 0xC6, 1).status == MD_UNDEFINED);
        CHECK(metadata_lookup(md, 0, 0xC6, 2).status == MD_UNLISTED);
        CHECK(metadata_lookup(md, 1, 0x01, 5).status == MD_UNDEFINED);
        CHECK(metadata_lookup(md, 0, 0x90, -1).status == MD_UNLISTED);
        write_file("bad-md.json", "{\"opcodes\": {\"27\": {\"flags-mask\": 70000}}}", 42, 0);
        CHECK(metadata_load(tmp_path("bad-md.json"), md, err, sizeof err) == -1);
    }
    free(md);

    const char *rl_doc = "# comment\n\n  000102030405060708090a0b0c0d0e0f10111213  # bad test\r\n"
                         "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\n";
    write_file("revocation_list.txt", rl_doc, strlen(rl_doc), 0);
    struct revocation_list rl;
    CHECK(revocation_load(tmp_path("revocation_list.txt"), &rl, err, sizeof err) == 0 && rl.count == 2);
    uint8_t h[20];
    for (int i = 0; i < 20; i++)
        h[i] = (uint8_t)i;
    CHECK(revocation_has(&rl, h));
    h[0] = 1;
    CHECK(!revocation_has(&rl, h));
    revocation_free(&rl);
    write_file("bad-rl.txt", "1234\n", 5, 0);
    CHECK(revocation_load(tmp_path("bad-rl.txt"), &rl, err, sizeof err) == -1 && strstr(err, "line 1"));

    struct opkey k;
    CHECK(opkey_from_label("F6.6", &k) && k.map == 0 && k.opcode == 0xF6 && k.reg == 6);
    CHECK(opkey_from_label("d8", &k) && k.opcode == 0xD8 && k.reg == -1);
    CHECK(opkey_from_label("0F01.3", &k) && k.map == 1 && k.opcode == 1 && k.reg == 3);
    CHECK(!opkey_from_label("F6.8", &k) && !opkey_from_label("xyz", &k) && !opkey_from_label("F", &k));
    const uint8_t c6[] = {0x26, 0xF0, 0xC6, 0x18, 0x12};
    CHECK(opkey_reg_from_bytes(c6, sizeof c6, &(struct opkey){0, 0xC6, -1}, false) == 3);
    CHECK(opkey_reg_from_bytes(c6, 3, &(struct opkey){0, 0xC6, -1}, false) == -1);
    CHECK(opkey_from_bytes(c6, sizeof c6, true, false, true, &k) && k.opcode == 0xC6 && k.reg == 3);
    const uint8_t jcc86[] = {0x64, 0x10};
    CHECK(opkey_from_bytes(jcc86, 2, false, false, false, &k) && k.opcode == 0x64);
    char name[16];
    opkey_format(&(struct opkey){1, 0x01, 7}, name, sizeof name);
    CHECK(strcmp(name, "0F01.7") == 0);
}

/* ---- expectation rules ---- */

static void test_expect(void)
{
    struct tc_file f = {0};
    struct tc_test *t = tc_add_test(&f);
    CHECK(t != NULL);
    if (!t)
        return;
    for (int r = 0; r < TC_NREGS; r++)
        t->init.regs[r] = 0x100;
    t->init.present = TC_ALL_REGS;
    t->init.regs[TC_FLAGS] = 0xF0D7;
    t->init.regs[TC_SS] = 0x1000;
    /* A #DE with SP ending odd: EXCP gives the even bus address below the word. */
    t->fina.present = (1u << TC_SP) | (1u << TC_CS) | (1u << TC_IP);
    t->fina.regs[TC_SP] = 0x00F9;
    t->fina.regs[TC_CS] = 0;
    t->fina.regs[TC_IP] = 0x400;
    t->fina.ram_first = 0;
    const uint32_t word = 0x10000 + 0xF9 + 4; /* 0x100FD */
    uint32_t addrs[] = {0, 1, 2, 3, word, word + 1, word - 1};
    t->init.ram_first = (uint32_t)f.ram_count;
    for (int i = 0; i < 4; i++)
        tc_add_ram(&f, addrs[i], (uint8_t[]){0x00, 0x04, 0x00, 0x00}[i]);
    t->init.ram_count = 4;
    t->fina.ram_first = (uint32_t)f.ram_count;
    tc_add_ram(&f, word, 0xD5);
    tc_add_ram(&f, word + 1, 0xF8);
    tc_add_ram(&f, word - 1, 0x00);
    t->fina.ram_count = 3;
    t->has_excp = true;
    t->excp_flags_addr = word & ~1u;

    struct suite_rules r286 = {.until_hlt = true, .clear_init_flags_hi = true, .addr_mask = 0xFFFFFF};
    struct expectation e = {0};
    CHECK(expect_build(&e, &f, t, &r286, 0xF72A, false) == 0);
    CHECK(e.init[TC_FLAGS] == 0x00D7 && e.final[TC_FLAGS] == 0x00D7 && e.final[TC_AX] == 0x100);
    CHECK(e.exception && e.flags_addr[0] == word && e.flags_addr[1] == word + 1);
    const struct expect_byte *lo = expect_find(&e, word), *hi = expect_find(&e, word + 1);
    CHECK(lo && lo->mask == 0x2A && lo->value == 0xD5 && hi && hi->mask == 0xF7);
    CHECK(expect_find(&e, word - 1) && expect_find(&e, word - 1)->mask == 0xFF);
    CHECK(e.ram_count == 7 && expect_find(&e, 2) && !expect_find(&e, 4));

    /* The 8086 rules: no EXCP, found by the INT 0 vector (0000:0400) and a divide form. */
    struct suite_rules r86 = {.find_div_exception = true, .addr_mask = 0xFFFFF};
    t->has_excp = false;
    CHECK(expect_build(&e, &f, t, &r86, 0xF72A, true) == 0);
    CHECK(e.exception && e.flags_addr[0] == word && e.init[TC_FLAGS] == 0xF0D7);
    CHECK(expect_build(&e, &f, t, &r86, 0xF72A, false) == 0 && !e.exception);
    t->fina.regs[TC_IP] = 0x402; /* not at the handler: no exception */
    CHECK(expect_build(&e, &f, t, &r86, 0xF72A, true) == 0 && !e.exception);
    /* A FLAGS word that wraps inside the stack segment (SP = 0xFFFB -> word at 0xFFFF). */
    t->fina.regs[TC_IP] = 0x400;
    t->fina.regs[TC_SP] = 0xFFFB;
    CHECK(expect_build(&e, &f, t, &r86, 0xF72A, true) == 0 && e.exception);
    CHECK(e.flags_addr[0] == 0x1FFFF && e.flags_addr[1] == 0x10000);
    /* The final value of a byte listed in both states wins. */
    t->fina.regs[TC_SP] = 0xF9;
    f.ram[1].value = 0x99; /* INIT byte 1 */
    f.ram[t->fina.ram_first + 2].addr = 1;
    CHECK(expect_build(&e, &f, t, &r86, 0xFFFF, true) == 0);
    CHECK(expect_find(&e, 1) && expect_find(&e, 1)->value == 0x00 && expect_find(&e, 1)->from_final);
    expect_free(&e);
    tc_file_free(&f);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/glass86-conform-XXXXXX", base && strlen(base) < 32 ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    test_moo();
    test_files();
    test_json();
    test_json_tests();
    test_metadata();
    test_expect();

    static const char *const names[] = {
        "good.MOO.gz", "plain.MOO", "cut.MOO.gz", "flip.MOO.gz", "garbage.MOO.gz",
        "raw-garbage.MOO.gz", "empty.MOO.gz", "bad.json", "metadata.json", "bad-md.json",
        "revocation_list.txt", "bad-rl.txt",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(tmp_path(names[i]));
    rmdir(tmpdir);
    if (failures) {
        fprintf(stderr, "conform-selftest: %d checks failed\n", failures);
        return 1;
    }
    printf("conform-selftest: all checks passed\n");
    return 0;
}
