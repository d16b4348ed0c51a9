/* Disk images: every way an image can be wrong gives one clear line before the guest
 * starts; reads and writes reach the file; CDs and read-only images refuse writes;
 * --snapshot keeps the base image byte-identical however the guest writes; two writers
 * cannot share an image; flushing works. */
#include "chipset_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/block.h"

static int setup(void **state)
{
    *state = fix_create(4u << 20);
    return 0;
}

static int teardown(void **state)
{
    fix_destroy(*state);
    return 0;
}

static void expect_refused(struct chipset_fixture *f, const char *path, enum block_kind kind,
                           const char *needle)
{
    char err[512] = "";
    struct block_dev *b = block_open(f->m, path, kind, NULL, err, sizeof err);
    assert_null(b);
    if (!strstr(err, needle))
        fail_msg("expected '%s' in: %s", needle, err);
    assert_null(strchr(err, '\n'));
    if (path && *path && !strstr(err, path))
        fail_msg("the message does not name the file: %s", err);
}

static void test_bad_images(void **state)
{
    struct chipset_fixture *f = *state;
    char missing[128];
    snprintf(missing, sizeof missing, "%s/no-such.img", f->dir);
    expect_refused(f, missing, BLOCK_HD, "No such file or directory");
    expect_refused(f, f->dir, BLOCK_HD, "is a directory");
    expect_refused(f, fix_make_image(f, "empty.img", 0, 512), BLOCK_HD, "is empty");
    expect_refused(f, fix_make_image(f, "trunc.img", 512 * 8 + 100, 512), BLOCK_HD,
                   "not a whole number of 512-byte sectors");
    expect_refused(f, fix_make_image(f, "trunc.iso", 2048 * 4 + 512, 2048), BLOCK_CD,
                   "not a whole number of 2048-byte sectors");
    expect_refused(f, fix_make_image(f, "odd.flp", 1000000, 512), BLOCK_FLOPPY,
                   "must be 360K, 720K, 1.2M, 1.44M or 2.88M");
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/pipe", f->dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    expect_refused(f, fifo, BLOCK_HD, "not a regular file or a block device");
    unlink(fifo);
    char err[256];
    assert_null(block_open(f->m, "", BLOCK_HD, NULL, err, sizeof err));
    /* nothing was attached by the refusals */
    assert_null(machine_find_device(f->m, "block"));
    /* the floppy sizes that are right */
    static const uint64_t sizes[] = { 368640, 737280, 1228800, 1474560, 2949120 };
    for (unsigned k = 0; k < 5; k++) {
        char name[32];
        snprintf(name, sizeof name, "ok%u.flp", k);
        struct block_dev *b = block_open(f->m, fix_make_image(f, name, sizes[k], 512),
                                         BLOCK_FLOPPY, NULL, err, sizeof err);
        assert_non_null(b);
        assert_int_equal(block_sectors(b), sizes[k] / 512);
    }
}

static void test_read_write(void **state)
{
    struct chipset_fixture *f = *state;
    const char *path = fix_make_image(f, "hd.img", 64 * 512, 512);
    char err[256];
    struct block_dev *b = block_open(f->m, path, BLOCK_HD, NULL, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(block_size(b), 64 * 512);
    assert_int_equal(block_sector_size(b), 512);
    assert_int_equal(block_sectors(b), 64);
    assert_false(block_is_read_only(b));
    assert_int_equal(block_get_kind(b), BLOCK_HD);
    assert_string_equal(block_path(b), path);
    uint8_t buf[1024], file[1024];
    assert_int_equal(block_read(b, 5 * 512, buf, 1024), 0);
    for (unsigned k = 0; k < 1024; k++)
        assert_int_equal(buf[k], fix_pattern(5 * 512 + k, 512));
    memset(buf, 0x5A, sizeof buf);
    assert_int_equal(block_write(b, 7 * 512, buf, 1024), 0);
    fix_file_read(path, 7 * 512, file, 1024); /* write-through: already in the file */
    assert_memory_equal(file, buf, 1024);
    assert_int_equal(block_flush(b), 0);
    assert_int_equal(block_flush_all(f->m), 0);
    /* outside the image */
    assert_int_equal(block_read(b, 63 * 512, buf, 1024), -1);
    assert_int_equal(block_write(b, UINT64_MAX - 10, buf, 512), -1);
    assert_int_equal(block_read(b, 64 * 512, buf, 0), 0);
}

static void test_read_only(void **state)
{
    struct chipset_fixture *f = *state;
    char err[256];
    const char *iso = fix_make_image(f, "cd.iso", 16 * 2048, 2048);
    uint64_t before = fix_hash_file(iso);
    struct block_dev *cd = block_open(f->m, iso, BLOCK_CD, NULL, err, sizeof err);
    assert_non_null(cd);
    assert_true(block_is_read_only(cd));
    assert_int_equal(block_sector_size(cd), 2048);
    assert_int_equal(block_sectors(cd), 16);
    uint8_t buf[2048] = { 0 };
    assert_int_equal(block_write(cd, 0, buf, sizeof buf), -1);
    const char *hd = fix_make_image(f, "ro.img", 8 * 512, 512);
    struct block_options ro = { .read_only = true };
    struct block_dev *b = block_open(f->m, hd, BLOCK_HD, &ro, err, sizeof err);
    assert_non_null(b);
    assert_int_equal(block_write(b, 0, buf, 512), -1);
    assert_int_equal(block_read(b, 0, buf, 512), 0);
    /* two readers may share an image */
    assert_non_null(block_open(f->m, iso, BLOCK_CD, NULL, err, sizeof err));
    assert_int_equal(fix_hash_file(iso), before);
}

static void test_locked(void **state)
{
    struct chipset_fixture *f = *state;
    char err[256];
    const char *path = fix_make_image(f, "shared.img", 8 * 512, 512);
    assert_non_null(block_open(f->m, path, BLOCK_HD, NULL, err, sizeof err));
    expect_refused(f, path, BLOCK_HD, "is in use");
}

/* The snapshot overlay: reads see every write, in any pattern (inside a 4 KiB cluster,
 * across clusters, the short last cluster), and the base image never changes. */
static void test_snapshot(void **state)
{
    struct chipset_fixture *f = *state;
    const uint64_t size = 1024 * 512 + 3 * 512; /* not a multiple of 4 KiB */
    const char *path = fix_make_image(f, "base.img", size, 512);
    uint64_t before = fix_hash_file(path);
    uint8_t *model = malloc(size);
    uint8_t *back = malloc(size);
    assert_non_null(model);
    assert_non_null(back);
    for (uint64_t k = 0; k < size; k++)
        model[k] = fix_pattern(k, 512);
    char err[256];
    struct block_options snap = { .snapshot = true };
    /* a machine of its own, so the image is closed before the last check */
    struct chipset_fixture *g = fix_create(4u << 20);
    struct block_dev *b = block_open(g->m, path, BLOCK_HD, &snap, err, sizeof err);
    assert_non_null(b);
    assert_false(block_is_read_only(b));
    const struct { uint64_t off; size_t len; } writes[] = {
        { 512, 512 },            /* inside cluster 0: copy-up */
        { 4096 - 512, 1024 },    /* across the cluster 0/1 boundary */
        { 3 * 4096, 4096 },      /* one whole cluster */
        { 10 * 4096 + 1536, 9000 / 512 * 512 },
        { size - 512, 512 },     /* the short last cluster */
        { 0, 512 },              /* again into cluster 0 */
    };
    uint64_t seed = 1;
    for (unsigned w = 0; w < sizeof writes / sizeof writes[0]; w++) {
        uint8_t data[9216];
        for (size_t k = 0; k < writes[w].len; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            data[k] = (uint8_t)(seed >> 56);
        }
        assert_int_equal(block_write(b, writes[w].off, data, writes[w].len), 0);
        memcpy(model + writes[w].off, data, writes[w].len);
    }
    assert_int_equal(block_read(b, 0, back, size), 0);
    assert_memory_equal(back, model, size);
    assert_int_equal(block_read(b, 4096 - 1024, back, 2048), 0); /* a mixed run */
    assert_memory_equal(back, model + 4096 - 1024, 2048);
    /* another snapshot user may share the base meanwhile */
    assert_non_null(block_open(f->m, path, BLOCK_HD, &snap, err, sizeof err));
    assert_int_equal(block_flush_all(g->m), 0);
    assert_int_equal(fix_hash_file(path), before);
    fix_destroy(g);
    assert_int_equal(fix_hash_file(path), before);
    free(model);
    free(back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bad_images, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
