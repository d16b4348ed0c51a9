; The debugger tests' guest: a 64 KiB ROM (nasm) that gives every debugger command
; something to look at. In real mode it does arithmetic, calls a subroutine, loops, copies
; a string with REP MOVSB, takes a software interrupt through the IVT and writes the debug
; console (port 0xE9). Then it loads a GDT, an IDT and a TSS, enters 32-bit protected mode,
; turns paging on with linear 0x400000 mapped to physical 0x200000, writes and reads a
; variable there (the watchpoint tests), executes Bochs's magic breakpoint xchg bx, bx,
; loads the x87, runs a counted loop (conditional breakpoints), and finally ends through
; the exit port with status 0 — or, when the byte at physical 0x600 is not zero, with a
; triple fault (INT3 with an IDT that has no gate for it: #GP, #DF, shutdown).
; Descriptor layouts: Intel SDM vol. 3A, 3.4.5, 6.11 and 7.2.1; paging: 4.3.

bits 16
cpu 686
org 0xF0000
[map symbols dbg_guest.map]

STACK16     equ 0x7000
COPY_DST    equ 0x0500          ; where REP MOVSB puts the message
CRASH_FLAG  equ 0x0600          ; nonzero: end with a triple fault instead of exit 0
IDT_BASE    equ 0x2000
TSS_BASE    equ 0x3000
STACK32     equ 0x9000
PD          equ 0x10000         ; page directory
PT0         equ 0x11000         ; identity map of 0-4 MiB
PT1         equ 0x12000         ; linear 4-8 MiB: one page, to physical 0x200000
WATCHED     equ 0x400010        ; linear; physical 0x200010

start:
    cli
    cld
    xor ax, ax
    mov ss, ax
    mov sp, STACK16
    mov ds, ax
    mov es, ax
real_work:
    mov ax, 0x1234
    mov bx, 0x5678
    add ax, bx                  ; 0x68ac
    call square_ax_low          ; ax = al * al
after_call:
    mov cx, 5
    xor dx, dx
count_loop:
    add dx, cx
    loop count_loop             ; dx = 5 + 4 + 3 + 2 + 1 = 15
    ; Copy the message to 0000:0500.
    push cs
    pop ds
    mov si, message - $$
    mov di, COPY_DST
    mov cx, message_len
copy:
    rep movsb
    xor ax, ax
    mov ds, ax
    ; INT 0x30 through the IVT.
    mov word [0x30 * 4], rm_isr - $$
    mov word [0x30 * 4 + 2], 0xF000
do_int:
    int 0x30
after_int:
    ; The message, from its copy, on the debug console.
    mov si, COPY_DST
    mov cx, message_len
print:
    lodsb
    out 0xE9, al
    loop print
    in al, 0xE9                 ; the console answers 0xE9
    ; Protected mode.
    o32 lgdt [cs:gdt_ptr - $$]
    o32 lidt [cs:idt_ptr - $$]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:pm_entry

square_ax_low:
    push bx
    mov bl, al
    mul bl                      ; ax = al * bl
    pop bx
    ret

rm_isr:
    mov bp, 0x30
    iret

bits 32
pm_entry:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, STACK32
    ; The TSS (only so that `info tss` and `sreg` have one to show) and the IDT gate.
    mov edi, TSS_BASE
    mov ecx, 0x68 / 4
    xor eax, eax
    rep stosd
    mov dword [TSS_BASE + 4], STACK32
    mov dword [TSS_BASE + 8], 0x10
    mov word [TSS_BASE + 0x66], 0x68
    mov ax, 0x18
    ltr ax
    mov edi, IDT_BASE
    mov ecx, 256 * 2
    xor eax, eax
    rep stosd
    mov eax, pm_isr
    mov [IDT_BASE + 0x31 * 8], ax
    mov word [IDT_BASE + 0x31 * 8 + 2], 0x08
    mov word [IDT_BASE + 0x31 * 8 + 4], 0x8E00
    shr eax, 16
    mov [IDT_BASE + 0x31 * 8 + 6], ax
    int 0x31
    ; Paging: PT0 maps 0-4 MiB to itself, PT1 maps linear 0x400000 to physical 0x200000.
    mov edi, PD
    mov ecx, 3 * 1024
    xor eax, eax
    rep stosd
    mov edi, PT0
    mov eax, 0x003              ; present, writable
fill_pt0:
    stosd
    add eax, 0x1000
    cmp edi, PT0 + 0x1000
    jb fill_pt0
    mov dword [PT1], 0x200000 | 0x007      ; present, writable, user
    mov dword [PD], PT0 | 0x003
    mov dword [PD + 4], PT1 | 0x007
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
paging_on:
    mov dword [WATCHED], 0xCAFEBABE
after_write:
    mov ebx, [WATCHED]
after_read:
    xchg bx, bx                 ; Bochs's magic breakpoint
after_magic:
    fninit
    fld1
    fldpi
    faddp st1, st0              ; st0 = pi + 1
    xor ecx, ecx
    xor edx, edx
sum_loop:
    add edx, ecx
    inc ecx
    cmp ecx, 10
    jb sum_loop                 ; edx = 0 + 1 + ... + 9 = 45
    cmp byte [CRASH_FLAG], 0
    jne crash
    mov al, 0
    out 0xF4, al                ; exit status 0
    hlt
crash:
    int3                        ; no gate 3: #GP, no gate 13: #DF, no gate 8: shutdown

pm_isr:
    mov ebp, 0x31
    iretd

message: db "Hello, debugger!", 10
message_len equ $ - message

align 8
gdt:
    dq 0
    dw 0xFFFF, 0x0000, 0x9A00, 0x00CF      ; 08: flat 32-bit code, DPL 0
    dw 0xFFFF, 0x0000, 0x9200, 0x00CF      ; 10: flat data, DPL 0
    dw 0x0067, TSS_BASE, 0x8900, 0x0000    ; 18: 32-bit TSS at 0x3000
gdt_end:
gdt_ptr:
    dw gdt_end - gdt - 1
    dd gdt
idt_ptr:
    dw 256 * 8 - 1
    dd IDT_BASE

    times 0xFFF0 - ($ - $$) db 0xF4
bits 16
reset:
    jmp 0xF000:(start - $$)
    times 0x10000 - ($ - $$) db 0xF4
