/* The 8237A pair and page registers against the Intel datasheet (231466) and the AT's
 * wiring: the flip-flop and base/current registers, status (TC bits cleared by reading),
 * the three mask commands, master clear, the page register map with 0x80 left to the
 * POST port, the second chip's register spacing, and transfers: increment and decrement,
 * terminal count with and without auto-initialisation, the cascade through channel 4,
 * word channels, 64 KiB page wrap, and a transfer programmed for the other direction. */
#include "devtest.h"

#include <stdlib.h>
#include <string.h>

#include "devices/dma8237.h"

struct fx {
    struct machine *m;
    struct dma8237 *dma;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->m = dt_machine();
    f->dma = dma8237_create(f->m);
    assert_non_null(f->dma);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    machine_destroy(f->m);
    free(f);
    return 0;
}

/* What a BIOS does first: both chips cleared, channel 4 in cascade mode and unmasked. */
static void bios_init(struct machine *m)
{
    dt_out(m, 0x0D, 0);
    dt_out(m, 0xDA, 0);
    dt_out(m, 0xD6, 0xC0);
    dt_out(m, 0xD4, 0x00);
}

/* Program byte channel `ch` (0-3): address, count - 1, mode, page, then unmask. */
static void program8(struct machine *m, unsigned ch, uint32_t addr, uint16_t count_minus_1,
                     uint8_t mode)
{
    static const uint16_t page[4] = { 0x87, 0x83, 0x81, 0x82 };
    dt_out(m, 0x0A, (uint8_t)(4 | ch));
    dt_out(m, 0x0C, 0);
    dt_out(m, (uint16_t)(ch * 2), (uint8_t)addr);
    dt_out(m, (uint16_t)(ch * 2), (uint8_t)(addr >> 8));
    dt_out(m, (uint16_t)(ch * 2 + 1), (uint8_t)count_minus_1);
    dt_out(m, (uint16_t)(ch * 2 + 1), (uint8_t)(count_minus_1 >> 8));
    dt_out(m, 0x0B, (uint8_t)(mode | ch));
    dt_out(m, page[ch], (uint8_t)(addr >> 16));
    dt_out(m, 0x0A, (uint8_t)ch);
}

/* A 16-bit register through the flip-flop: low byte, then high byte. */
static unsigned read16(struct machine *m, uint16_t port)
{
    unsigned lo = dt_in(m, port);
    unsigned hi = dt_in(m, port);
    return lo | hi << 8;
}

static void test_flipflop_and_registers(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    dt_out(m, 0x0C, 0);
    dt_out(m, 0x04, 0x34);
    dt_out(m, 0x04, 0x12);
    dt_out(m, 0x05, 0xFF);
    dt_out(m, 0x05, 0x01);
    /* Reads go low byte, high byte with the same flip-flop. */
    dt_out(m, 0x0C, 0);
    assert_int_equal(dt_in(m, 0x04), 0x34);
    assert_int_equal(dt_in(m, 0x04), 0x12);
    assert_int_equal(dt_in(m, 0x05), 0xFF);
    assert_int_equal(dt_in(m, 0x05), 0x01);
    /* Without a clear, the flip-flop keeps toggling: the next read is a low byte again. */
    assert_int_equal(dt_in(m, 0x04), 0x34);
    assert_int_equal(dt_in(m, 0x05), 0x01); /* high byte of the count */
    struct dma_channel_view v;
    dma_view(f->dma, 2, &v);
    assert_int_equal(v.base_address, 0x1234);
    assert_int_equal(v.current_address, 0x1234);
    assert_int_equal(v.base_count, 0x01FF);
    assert_int_equal(v.current_count, 0x01FF);
}

static void test_second_chip_spacing(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    /* Channel 5's address register is at 0xC4, its count at 0xC6; odd ports alias. */
    dt_out(m, 0xD8, 0);
    dt_out(m, 0xC4, 0x78);
    dt_out(m, 0xC5, 0x56);
    dt_out(m, 0xD8, 0);
    dt_out(m, 0xC6, 0x10);
    dt_out(m, 0xC6, 0x00);
    struct dma_channel_view v;
    dma_view(f->dma, 5, &v);
    assert_int_equal(v.base_address, 0x5678);
    assert_int_equal(v.base_count, 0x0010);
    dt_out(m, 0x8B, 0x23);
    dma_view(f->dma, 5, &v);
    assert_int_equal(v.page, 0x23);
}

static void test_masks_and_master_clear(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    /* After reset every channel is masked; the PIIX reads the mask bits back at 0x0F. */
    assert_int_equal(dt_in(m, 0x0F), 0xFF);
    dt_out(m, 0x0A, 0x01);           /* unmask channel 1 */
    assert_int_equal(dt_in(m, 0x0F) & 0x0F, 0x0D);
    dt_out(m, 0x0A, 0x05);           /* mask it again */
    assert_int_equal(dt_in(m, 0x0F) & 0x0F, 0x0F);
    dt_out(m, 0x0E, 0);              /* clear all masks */
    assert_int_equal(dt_in(m, 0x0F) & 0x0F, 0x00);
    dt_out(m, 0x0F, 0x0A);           /* write all masks */
    assert_int_equal(dt_in(m, 0x0F) & 0x0F, 0x0A);
    /* Master clear masks everything and clears the flip-flop. */
    dt_out(m, 0x04, 0x11);           /* leaves the flip-flop on the high byte */
    dt_out(m, 0x0D, 0);
    assert_int_equal(dt_in(m, 0x0F) & 0x0F, 0x0F);
    dt_out(m, 0x04, 0x22);
    dt_out(m, 0x04, 0x33);
    struct dma_channel_view v;
    dma_view(f->dma, 2, &v);
    assert_int_equal(v.base_address, 0x3322);
}

static void test_page_registers(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    for (uint16_t p = 0x81; p <= 0x8F; p++)
        dt_out(m, p, (uint8_t)(p ^ 0x5A));
    for (uint16_t p = 0x81; p <= 0x8F; p++)
        assert_int_equal(dt_in(m, p), (uint8_t)(p ^ 0x5A));
    /* 0x80 is the POST port's: the DMA device does not claim it. */
    assert_int_equal(m->io.owner[0x80], 0);
    struct dma_channel_view v;
    dma_view(f->dma, 0, &v);
    assert_int_equal(v.page, 0x87 ^ 0x5A);
    dma_view(f->dma, 7, &v);
    assert_int_equal(v.page, 0x8A ^ 0x5A);
}

static void test_transfer_to_memory(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bios_init(m);
    program8(m, 2, 0x012340, 511, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    assert_true(dma_channel_ready(f->dma, 2));
    uint8_t buf[512];
    for (unsigned k = 0; k < sizeof buf; k++)
        buf[k] = (uint8_t)(k * 7 + 1);
    assert_int_equal(dma_transfer(f->dma, 2, buf, 300, true), 300);
    assert_false(dma_terminal_count(f->dma, 2));
    assert_int_equal(dma_bytes_left(f->dma, 2), 212);
    assert_int_equal(dma_transfer(f->dma, 2, buf + 300, 400, true), 212);
    assert_true(dma_terminal_count(f->dma, 2));
    uint8_t got[512];
    phys_read_bytes(m, 0x12340, got, sizeof got);
    assert_memory_equal(got, buf, sizeof got);
    /* TC: the status bit is set (and cleared by reading), the channel masks itself. */
    assert_int_equal(dt_in(m, 0x08) & 0x0F, 0x04);
    assert_int_equal(dt_in(m, 0x08) & 0x0F, 0x00);
    assert_false(dma_channel_ready(f->dma, 2));
    assert_int_equal(dma_transfer(f->dma, 2, buf, 10, true), 0);
    /* The current registers moved past the block; the base ones stayed. */
    dt_out(m, 0x0C, 0);
    assert_int_equal(read16(m, 0x04), 0x2340 + 512);
    assert_int_equal(read16(m, 0x05), 0xFFFF);
}

static void test_transfer_from_memory_decrement(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bios_init(m);
    const uint8_t src[4] = { 0xA1, 0xB2, 0xC3, 0xD4 };
    phys_write_bytes(m, 0x5000, src, sizeof src);
    program8(m, 1, 0x5003, 3, DMA_MODE_BLOCK | DMA_MODE_READ | DMA_MODE_DECREMENT);
    uint8_t buf[4];
    assert_int_equal(dma_transfer(f->dma, 1, buf, 4, false), 4);
    const uint8_t want[4] = { 0xD4, 0xC3, 0xB2, 0xA1 };
    assert_memory_equal(buf, want, 4);
    assert_true(dma_terminal_count(f->dma, 1));
}

static void test_autoinit(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bios_init(m);
    program8(m, 3, 0x6000, 3, DMA_MODE_SINGLE | DMA_MODE_WRITE | DMA_MODE_AUTOINIT);
    uint8_t a[4] = { 1, 2, 3, 4 }, b[4] = { 5, 6, 7, 8 };
    assert_int_equal(dma_transfer(f->dma, 3, a, 4, true), 4);
    assert_true(dma_terminal_count(f->dma, 3));
    /* Reloaded and still unmasked: the next block lands on the same addresses. */
    assert_true(dma_channel_ready(f->dma, 3));
    assert_int_equal(dma_transfer(f->dma, 3, b, 4, true), 4);
    uint8_t got[4];
    phys_read_bytes(m, 0x6000, got, 4);
    assert_memory_equal(got, b, 4);
}

static void test_cascade_gates_first_chip(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    program8(m, 2, 0x7000, 15, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    uint8_t buf[16] = { 0 };
    /* Channel 4 masked after reset: the first chip cannot reach the bus. */
    assert_false(dma_channel_ready(f->dma, 2));
    assert_int_equal(dma_transfer(f->dma, 2, buf, 16, true), 0);
    dt_out(m, 0xD6, 0xC0);
    dt_out(m, 0xD4, 0x00);
    assert_true(dma_channel_ready(f->dma, 2));
    /* The command register's disable bit stops the chip. */
    dt_out(m, 0x08, 0x04);
    assert_false(dma_channel_ready(f->dma, 2));
    dt_out(m, 0x08, 0x00);
    assert_int_equal(dma_transfer(f->dma, 2, buf, 16, true), 16);
}

static void test_word_channel(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bios_init(m);
    /* Channel 5: word address 0x8000 in page 0x03 (bit 0 ignored) = byte 0x30000 + 0x10000. */
    dt_out(m, 0xD4, 0x05);
    dt_out(m, 0xD8, 0);
    dt_out(m, 0xC4, 0x00);
    dt_out(m, 0xC4, 0x80);
    dt_out(m, 0xC6, 0x01);
    dt_out(m, 0xC6, 0x00);
    dt_out(m, 0xD6, DMA_MODE_SINGLE | DMA_MODE_WRITE | 1);
    dt_out(m, 0x8B, 0x03);
    dt_out(m, 0xD4, 0x01);
    uint8_t buf[5] = { 0x11, 0x22, 0x33, 0x44, 0x55 };
    /* Two words (count 1 = two units); an odd length is cut to whole words. */
    assert_int_equal(dma_transfer(f->dma, 5, buf, 5, true), 4);
    assert_true(dma_terminal_count(f->dma, 5));
    uint8_t got[4];
    phys_read_bytes(m, 0x20000 + 0x10000, got, 4);
    assert_memory_equal(got, buf, 4);
}

static void test_page_wrap(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bios_init(m);
    /* The address counter is 16 bits: past 0xFFFF it wraps inside the same 64 KiB page. */
    program8(m, 2, 0x01FFFE, 3, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    uint8_t buf[4] = { 9, 8, 7, 6 };
    assert_int_equal(dma_transfer(f->dma, 2, buf, 4, true), 4);
    assert_int_equal(phys_read8(m, 0x1FFFE), 9);
    assert_int_equal(phys_read8(m, 0x1FFFF), 8);
    assert_int_equal(phys_read8(m, 0x10000), 7);
    assert_int_equal(phys_read8(m, 0x10001), 6);
    assert_int_equal(phys_read8(m, 0x20000), 0);
}

static void test_wrong_direction_moves_nothing(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bios_init(m);
    /* Programmed memory-to-device, but the device wants to write memory: counters run
     * as in verify mode and memory is untouched. */
    program8(m, 2, 0x9000, 7, DMA_MODE_SINGLE | DMA_MODE_READ);
    uint8_t buf[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
    assert_int_equal(dma_transfer(f->dma, 2, buf, 8, true), 8);
    assert_true(dma_terminal_count(f->dma, 2));
    for (unsigned k = 0; k < 8; k++)
        assert_int_equal(phys_read8(m, 0x9000 + k), 0);
    /* Verify mode proper: the same. */
    program8(m, 2, 0x9000, 7, DMA_MODE_SINGLE | DMA_MODE_VERIFY);
    assert_int_equal(dma_transfer(f->dma, 2, buf, 8, true), 8);
    assert_int_equal(phys_read8(m, 0x9000), 0);
}

static void test_cascade_mode_channel_is_not_served(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bios_init(m);
    program8(m, 1, 0x9000, 7, DMA_MODE_CASCADE);
    uint8_t buf[8] = { 0 };
    assert_int_equal(dma_transfer(f->dma, 1, buf, 8, true), 0);
    assert_int_equal(dma_transfer(f->dma, 9, buf, 8, true), 0); /* no such channel */
}

static void test_state_roundtrip(void **state)
{
    struct fx *f = *state;
    struct machine *m = f->m;
    bios_init(m);
    program8(m, 2, 0x123456, 0x1FF, DMA_MODE_SINGLE | DMA_MODE_WRITE);
    struct dma_channel_view before, after;
    dma_view(f->dma, 2, &before);
    struct state_buf b = { 0 };
    const struct device_ops *ops = m->devices[0].ops;
    ops->save(f->dma, &b);
    assert_false(b.error);
    dt_out(m, 0x0D, 0);
    dt_out(m, 0x04, 0);
    dt_out(m, 0x04, 0);
    assert_true(ops->load(f->dma, &b, 1));
    dma_view(f->dma, 2, &after);
    assert_memory_equal(&before, &after, sizeof before);
    b.pos = 0;
    assert_false(ops->load(f->dma, &b, 2));
    /* A truncated record is refused. */
    b.pos = 0;
    b.len = 10;
    assert_false(ops->load(f->dma, &b, 1));
    state_free(&b);
}

int main(void)
{
    dt_filter_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_flipflop_and_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_chip_spacing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_masks_and_master_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer_to_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer_from_memory_decrement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autoinit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cascade_gates_first_chip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_word_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_direction_moves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cascade_mode_channel_is_not_served, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_roundtrip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
