/* A real-mode program on the CPU that programs COM1 for 115200 baud and prints a line by
 * polling LSR.THRE, then waits for TEMT and halts: its bytes must reach the host end,
 * and the run must take the virtual time the characters take on the wire. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/chardev.h"
#include "devices/uart16550.h"
#include "ioharness.h"
#include "machine/run.h"
#include "mmu/physmem.h"

/* nasm source (org 0x7C00):
 *     mov dx, 0x3FB / mov al, 0x80 / out dx, al    ; DLAB
 *     mov dx, 0x3F8 / mov al, 1 / out dx, al       ; divisor 1
 *     inc dx / xor al, al / out dx, al
 *     mov dx, 0x3FB / mov al, 3 / out dx, al       ; 8N1
 *     mov si, msg
 * next: lodsb / test al, al / jz done / mov ah, al / mov dx, 0x3FD
 * wait_thre: in al, dx / test al, 0x20 / jz wait_thre
 *     mov al, ah / mov dx, 0x3F8 / out dx, al / jmp next
 * done: mov dx, 0x3FD
 * wait_temt: in al, dx / test al, 0x40 / jz wait_temt
 *     cli / hlt
 * msg: db "Hello from COM1", 13, 10, 0 */
static const uint8_t program[] = {
    0xba, 0xfb, 0x03, 0xb0, 0x80, 0xee, 0xba, 0xf8, 0x03, 0xb0, 0x01, 0xee, 0x42, 0x30, 0xc0,
    0xee, 0xba, 0xfb, 0x03, 0xb0, 0x03, 0xee, 0xbe, 0x3a, 0x7c, 0xac, 0x84, 0xc0, 0x74, 0x12,
    0x88, 0xc4, 0xba, 0xfd, 0x03, 0xec, 0xa8, 0x20, 0x74, 0xfb, 0x88, 0xe0, 0xba, 0xf8, 0x03,
    0xee, 0xeb, 0xe9, 0xba, 0xfd, 0x03, 0xec, 0xa8, 0x40, 0x74, 0xfb, 0xfa, 0xf4, 0x48, 0x65,
    0x6c, 0x6c, 0x6f, 0x20, 0x66, 0x72, 0x6f, 0x6d, 0x20, 0x43, 0x4f, 0x4d, 0x31, 0x0d, 0x0a,
    0x00,
};
static const char expected[] = "Hello from COM1\r\n";

static struct machine *boot(struct chardev *cd)
{
    struct machine *m = io_machine(NULL);
    assert_non_null(uart16550_create_com(m, 1, cd));
    phys_write_bytes(m, 0x7C00, program, sizeof program);
    struct cpu *c = &m->cpu;
    cpu_load_seg_real(m, SEG_CS, 0);
    cpu_load_seg_real(m, SEG_DS, 0);
    cpu_load_seg_real(m, SEG_ES, 0);
    cpu_load_seg_real(m, SEG_SS, 0);
    c->gpr[ESP] = 0x7000;
    c->eip = 0x7C00;
    cpu_set_eflags(c, 0);
    return m;
}

static void test_prints_to_file(void **state)
{
    char path[] = "/tmp/glass86-com1-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[200];
    struct chardev *cd = chardev_file(path, err, sizeof err);
    assert_non_null(cd);
    struct machine *m = boot(cd);
    assert_int_equal(machine_run(m, 10000000), RUN_HALTED);
    machine_destroy(m);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char got[64] = "";
    size_t n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    unlink(path);
    assert_int_equal(n, strlen(expected));
    assert_string_equal(got, expected);
}

static void test_takes_wire_time_and_repeats(void **state)
{
    uint64_t icount[2];
    for (int run = 0; run < 2; run++) {
        struct chardev *cd = chardev_script();
        struct machine *m = boot(cd);
        assert_int_equal(machine_run(m, 10000000), RUN_HALTED);
        size_t n;
        const uint8_t *out = chardev_script_output(cd, &n);
        assert_int_equal(n, strlen(expected));
        assert_memory_equal(out, expected, n);
        /* 17 frames of ten bits at 115200 baud, back to back after the first start bit. */
        uint64_t wire = 17ull * 20 * 8 * 1000000000ull / UART_CLOCK_HZ;
        assert_true(sched_now(m) >= wire);
        assert_true(sched_now(m) < wire + 200000);
        icount[run] = m->cpu.icount;
        machine_destroy(m);
    }
    assert_int_equal(icount[0], icount[1]); /* the same run, instruction for instruction */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prints_to_file),
        cmocka_unit_test(test_takes_wire_time_and_repeats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
