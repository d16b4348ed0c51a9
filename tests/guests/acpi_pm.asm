; The PC board's ACPI power management as a BIOS and an OS use it, run by the CPU: find
; the PIIX4 PM function (8086:7113) at PCI 00:01.3 through configuration mechanism #1,
; place its I/O block with PMBA/PMREGMISC as SeaBIOS does (82371AB datasheet 3.x), check
; that the ACPI PM timer (ACPI spec 4.8.3.3) runs at 3.579545 MHz against 10 ms counted by
; the 8254's channel 2, that the TSC agrees, then power off with SLP_TYP 0 (soft off) and
; SLP_EN in PM1a_CNT. The run must end there, with glass86's power-off message: reaching
; the end of guest_main means the power-off did not happen.
%define GUEST_NAME "acpi_pm"
%include "guest.inc"

guest_gdt:
guest_gdt_end:

PM_BASE     equ 0x600
PM1_CNT     equ PM_BASE + 4
PM_TMR      equ PM_BASE + 8
PM_DEVFN    equ (1 << 3) | 3
PIT_TICKS   equ 11932               ; 10.000 ms of the 1.193182 MHz PIT clock
TMR_10MS    equ 35795               ; 10 ms of the 3.579545 MHz PM timer
TSC_10MS    equ 1000000             ; 10 ms of the default 100 MHz virtual CPU
CPUID_TSC   equ 1 << 4

; eax = PCI config dword `reg` of 00:01.3
%macro PCI_READ 1
    mov eax, 0x80000000 | (PM_DEVFN << 8) | %1
    mov dx, 0xCF8
    out dx, eax
    mov dx, 0xCFC
    in eax, dx
%endmacro
%macro PCI_WRITE 2
    mov eax, 0x80000000 | (PM_DEVFN << 8) | %1
    mov dx, 0xCF8
    out dx, eax
    mov eax, %2
    mov dx, 0xCFC
    out dx, eax
%endmacro

; eax = 1 when lo <= eax <= hi, else 0
%macro IN_RANGE 2
    cmp eax, %1
    setae bl
    cmp eax, %2
    setbe cl
    and bl, cl
    movzx eax, bl
%endmacro

guest_main:
    PCI_READ 0x00
    CHECK "PIIX4 PM at 00:01.3", eax, 0x71138086
    PCI_WRITE 0x40, PM_BASE | 1
    PCI_WRITE 0x80, 1
    PCI_READ 0x40
    CHECK "PMBA", eax, PM_BASE | 1
    mov dx, PM1_CNT
    in ax, dx
    and eax, 1
    CHECK "SCI_EN set (always in ACPI mode)", eax, 1

    ; Channel 2, mode 0, binary, gate on, speaker off; OUT2 (port 0x61 bit 5) rises at
    ; terminal count.
    in al, 0x61
    and al, 0xFC
    or al, 0x01
    out 0x61, al
    mov al, 0xB0
    out 0x43, al
    mov dx, PM_TMR
    in eax, dx
    mov esi, eax
    call read_tsc
    mov edi, eax
    mov al, PIT_TICKS & 0xFF
    out 0x42, al
    mov al, PIT_TICKS >> 8
    out 0x42, al
.wait:
    in al, 0x61
    test al, 0x20
    jz .wait
    call read_tsc
    sub eax, edi
    mov edi, eax
    mov dx, PM_TMR
    in eax, dx
    sub eax, esi
    and eax, 0xFFFFFF
    mov esi, eax
    ; The PIT starts on its next clock edge and the loop polls at ISA speed: a few
    ; microseconds of slack, far less than a wrong rate would show.
    mov eax, esi
    IN_RANGE TMR_10MS - 100, TMR_10MS + 100
    CHECK "PM timer ticks in 10 ms of PIT time", eax, 1
    test dword [cpu_features], CPUID_TSC
    jz .no_tsc
    mov eax, edi
    IN_RANGE TSC_10MS - 3000, TSC_10MS + 3000
    CHECK "TSC cycles in 10 ms of PIT time", eax, 1
.no_tsc:

    cmp dword [fail_count], 0
    jne .done
    mov dx, PM1_CNT
    mov ax, (1 << 13) | (0 << 10) | 1   ; SLP_EN, SLP_TYP 0 (S5), SCI_EN
    out dx, ax
    CHECK "still running after S5", eax, 0
.done:
    ret

; eax = the TSC's low half, or 0 on a CPU without one (the 386 and 486 models)
read_tsc:
    xor eax, eax
    test dword [cpu_features], CPUID_TSC
    jz .none
    rdtsc
.none:
    ret

    GUEST_END
