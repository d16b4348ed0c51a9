/* Real VGA BIOSes on the VGA: Debian's LGPL vgabios (/usr/share/vgabios/vgabios.bin) and
 * SeaBIOS's vgabios-stdvga.bin, each shadowed at C0000 as a system BIOS would, initialised
 * with a far call to C000:0003 (AX = the PCI bus/device/function), then INT 10h: set mode
 * 3, teletype "Hi", and a VBE mode with the linear frame buffer. The screen is read back
 * with vga_text_snapshot and the rendered picture. Skipped when a file is not installed. */
#include <stdio.h>
#include <string.h>

#include "machine/run.h"
#include "mmu/mem.h"
#include "mmu/physmem.h"
#include "vga_rig.h"

#define IRET_STUB 0x0500u
#define CODE 0x8000u

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(256 * 1024);
    *size = fread(buf, 1, 256 * 1024, f);
    fclose(f);
    return buf;
}

/* Run the bytes at 0000:CODE until HLT. */
static void run(struct vga_rig *r, const uint8_t *code, size_t n)
{
    struct machine *m = r->m;
    phys_write_bytes(m, CODE, code, n);
    cpu_load_seg_real(m, SEG_CS, 0);
    m->cpu.eip = CODE;
    m->cpu.halted = false;
    enum run_result why = machine_run(m, 200000000u);
    if (why != RUN_HALTED)
        fail_msg("the VGA BIOS did not come back to the HLT: run ended with %d at %04x:%04x",
                 (int)why, m->cpu.seg[SEG_CS].selector, m->cpu.eip);
    assert_int_equal(m->cpu.eip, CODE + n);
}

static void boot_vgabios(const char *path)
{
    size_t size = 0;
    uint8_t *rom = read_file(path, &size);
    if (!rom) {
        print_message("%s is not installed\n", path);
        skip();
    }
    assert_true(size >= 512 && rom[0] == 0x55 && rom[1] == 0xAA);

    struct vga_rig r;
    vr_create(&r, rom, size);
    struct machine *m = r.m;
    /* The image is behind the PCI expansion ROM BAR too, where SeaBIOS looks for it. */
    io_write(m, 0xCF8, 0x80000030u | (VGA_PCI_DEVICE << 11), 4);
    io_write(m, 0xCFC, 0xFFFFFFFEu, 4);
    uint32_t rom_bar_size = ~(io_read(m, 0xCFC, 4) & ~1u) + 1;
    assert_true(rom_bar_size >= size && (rom_bar_size & (rom_bar_size - 1)) == 0);
    io_write(m, 0xCFC, 0xFEB00000u | 1, 4);
    assert_int_equal(phys_read(m, 0xFEB00000u, 2), 0xAA55);
    assert_int_equal(phys_read8(m, 0xFEB00000u + (uint32_t)size - 1), rom[size - 1]);
    io_write(m, 0xCFC, 0, 4);
    assert_int_equal(phys_read8(m, 0xFEB00000u), 0xFF);
    /* Shadow the ROM in RAM, writable, as SeaBIOS does before running it. */
    for (unsigned chunk = 0; chunk < 4; chunk++)
        physmem_set_legacy_mode(&m->mem, chunk, LEGACY_WRITE_RAM);
    phys_write_bytes(m, 0xC0000, rom, size);
    for (unsigned chunk = 0; chunk < 4; chunk++)
        physmem_set_legacy_mode(&m->mem, chunk, LEGACY_READ_RAM | LEGACY_WRITE_RAM);
    tlb_flush(m);
    /* Every interrupt vector points at an IRET until the VGA BIOS takes INT 10h. */
    phys_write8(m, IRET_STUB, 0xCF);
    for (unsigned v = 0; v < 256; v++)
        phys_write(m, v * 4, IRET_STUB, 4);

    struct cpu *c = &m->cpu;
    for (int k = 0; k < 8; k++)
        c->gpr[k] = 0;
    c->gpr[ESP] = 0x7000;
    cpu_load_seg_real(m, SEG_DS, 0);
    cpu_load_seg_real(m, SEG_ES, 0);
    cpu_load_seg_real(m, SEG_SS, 0);
    cpu_set_eflags(c, 0);

    static const uint8_t init[] = {
        0xB8, VGA_PCI_DEVICE << 3, 0x00,   /* mov ax, bdf 00:02.0 */
        0x9A, 0x03, 0x00, 0x00, 0xC0,      /* call C000:0003 */
        0xFA,                              /* cli */
        0xF4,                              /* hlt */
    };
    run(&r, init, sizeof init);

    static const uint8_t hello[] = {
        0xB8, 0x03, 0x00,                  /* mov ax, 0003h: set mode 3 */
        0xCD, 0x10,
        0xB8, 0x48, 0x0E,                  /* mov ax, 0E48h: teletype 'H' */
        0xBB, 0x07, 0x00,                  /* mov bx, 0007h */
        0xCD, 0x10,
        0xB8, 0x69, 0x0E,                  /* mov ax, 0E69h: 'i' */
        0xCD, 0x10,
        0xFA,
        0xF4,
    };
    run(&r, hello, sizeof hello);

    unsigned cols, rows;
    assert_true(vga_text_mode(r.v, &cols, &rows));
    assert_int_equal(cols, 80);
    assert_int_equal(rows, 25);
    uint16_t cells[80 * 25];
    vga_text_snapshot(r.v, cells);
    assert_int_equal(cells[0] & 0xFF, 'H');
    assert_int_equal(cells[1] & 0xFF, 'i');
    assert_int_equal(cells[2] & 0xFF, ' ');
    assert_int_equal(cells[0] >> 8, 0x07);
    unsigned col, row;
    assert_true(vga_text_cursor(r.v, &col, &row));
    assert_int_equal(col, 2);
    assert_int_equal(row, 0);

    /* The BIOS loaded its font into plane 2: 'H' shows as grey strokes on black. */
    unsigned w, h;
    const uint32_t *fb = vga_render(r.v, &w, &h, NULL);
    assert_int_equal(w, 720);
    assert_int_equal(h, 400);
    unsigned lit_h = 0, lit_space = 0;
    for (unsigned y = 0; y < 16; y++)
        for (unsigned x = 0; x < 9; x++) {
            lit_h += fb[y * 720 + x] == 0xAAAAAA;
            lit_space += fb[y * 720 + 27 + x] != 0; /* cell 3: the cursor is on 2 */
        }
    assert_true(lit_h >= 20);
    assert_int_equal(lit_space, 0);

    /* VBE: mode 118h (1024x768, true colour) with the linear frame buffer. */
    static const uint8_t vbe[] = {
        0xB8, 0x02, 0x4F,                  /* mov ax, 4F02h */
        0xBB, 0x18, 0x41,                  /* mov bx, 4118h */
        0xCD, 0x10,
        0xFA,
        0xF4,
    };
    run(&r, vbe, sizeof vbe);
    assert_int_equal(m->cpu.gpr[EAX] & 0xFFFF, 0x004F);
    assert_int_equal(vr_dispi_read(&r, 1), 1024);
    assert_int_equal(vr_dispi_read(&r, 2), 768);
    assert_true(vr_dispi_read(&r, 4) & 0x41);
    assert_false(vga_text_mode(r.v, NULL, NULL));
    unsigned bpp = vr_dispi_read(&r, 3);
    assert_true(bpp == 24 || bpp == 32);
    phys_write(m, VR_LFB + (bpp / 8) * (1024 * 5 + 7), 0x00FEDCBA, 3);
    fb = vga_render(r.v, &w, &h, NULL);
    assert_int_equal(w, 1024);
    assert_int_equal(h, 768);
    assert_int_equal(fb[1024 * 5 + 7], 0xFEDCBA);

    vr_destroy(&r);
    free(rom);
}

static void lgpl_vgabios(void **state)
{
    (void)state;
    boot_vgabios("/usr/share/vgabios/vgabios.bin");
}

static void seabios_vgabios_stdvga(void **state)
{
    (void)state;
    boot_vgabios("/usr/share/seabios/vgabios-stdvga.bin");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lgpl_vgabios),
        cmocka_unit_test(seabios_vgabios_stdvga),
    };
    vr_filter_from_env();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
