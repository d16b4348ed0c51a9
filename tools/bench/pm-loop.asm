; The protected-mode benchmark guest: a 4 KiB ROM that switches to 32-bit protected mode
; with flat segments and 4 KiB paging, copies its "kernel" to physical 1 MiB, runs it at
; linear C0100000 (the way Linux maps itself) and there does what compiled C code does,
; ITERATIONS times: calls with stack frames, loops over arrays, memcpy and memset through
; REP MOVSD / REP STOSD, a switch through a jump table, byte, word and dword loads and
; stores, a string scan, multiplies and shifts. It prints the final checksum on the debug
; console (port 0xE9, 8 hex digits and a newline) and exits with status 0 through port
; 0xF4. tools/bench/mips runs it on the p6 model next to mips-loop.asm.
; Build: nasm -f bin [-DITERATIONS=n] -o pm-loop.bin pm-loop.asm

%ifndef ITERATIONS
%define ITERATIONS 690000 ; about 730 instructions each: close to 500 million in all
%endif

cpu 686

PD      equ 0x80000                 ; page directory (physical)
PT0     equ 0x81000                 ; one page table: physical 0-4 MiB
KPHYS   equ 0x100000                ; where the kernel is copied
KBASE   equ 0xC0000000              ; the kernel's view of physical 0 (PD[0x300] = PT0)
STACK   equ KBASE + 0x90000
SRC     equ KBASE + 0x200000        ; 1 KiB of pseudo-random input
DST     equ KBASE + 0x201000
WORDS   equ KBASE + 0x202000        ; 64 words
TEXT    equ KBASE + 0x203000        ; a NUL-terminated string of 24 letters

; ---- Real mode: GDT, protected mode, paging, copy the kernel ----
section boot start=0 vstart=0xF000
bits 16
start:
    cli
    cld
    xor ax, ax
    mov ds, ax
    lgdt [cs:gdt_ptr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:(0xF0000 + pm_entry)

bits 32
pm_entry:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov esp, 0x90000
    mov edi, PD                     ; page directory and table zeroed
    mov ecx, 2 * 1024
    xor eax, eax
    rep stosd
    mov edi, PT0                    ; identity map of 0-4 MiB, present + writable
    mov eax, 3
.fill:
    stosd
    add eax, 0x1000
    cmp edi, PT0 + 0x1000
    jb .fill
    mov dword [PD], PT0 | 3
    mov dword [PD + (KBASE >> 22) * 4], PT0 | 3
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    mov esi, 0xFF000 + section.kernel.start
    mov edi, KPHYS
    mov ecx, (kernel_end - kernel_start + 3) / 4
    rep movsd
    mov esp, STACK
    mov eax, kernel_start
    jmp eax                         ; absolute: this code runs at 0xF0000 + its vstart

    align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF           ; 0x08: flat 32-bit code
    dq 0x00CF92000000FFFF           ; 0x10: flat data
gdt_ptr:
    dw gdt_ptr - gdt - 1
    dd 0xF0000 + gdt

; ---- The kernel, run at KBASE + KPHYS ----
section kernel follows=boot vstart=KBASE+KPHYS
bits 32
kernel_start:
    ; The input: multiples of the golden ratio; the string: 24 letters and a NUL.
    mov edi, SRC
    mov eax, 0x12345678
    mov ecx, 256
.fill:
    stosd
    add eax, 0x9E3779B9
    loop .fill
    mov edi, TEXT
    mov ecx, 24
    mov al, 'a'
    rep stosb
    mov byte [edi], 0

    mov ebx, ITERATIONS
    xor ebp, ebp                    ; the running checksum
.iter:
    ; memcpy(DST, SRC + (i & 0x3C) * 4, 64)
    mov eax, ebx
    and eax, 0x3C
    lea eax, [SRC + eax * 4]
    push 64
    push eax
    push DST
    call memcpy
    add esp, 12
    ; checksum(DST, 16)
    push 16
    push DST
    call checksum
    add esp, 8
    add ebp, eax
    ; a switch on the low bits, four times
    mov esi, eax
    mov edi, 4
.switch:
    push esi
    call classify
    add esp, 4
    xor ebp, eax
    ror esi, 3
    dec edi
    jnz .switch
    ; bytes: count those above 0x80 in the 32 bytes of DST
    push 32
    push DST
    call count_high
    add esp, 8
    add ebp, eax
    ; words: a running sum of signed words written back
    call words
    add ebp, eax
    ; strlen(TEXT)
    push TEXT
    call strlen
    add esp, 4
    add ebp, eax
    ; memset(DST + 64, iteration byte, 64)
    push 64
    push ebx
    lea eax, [DST + 64]
    push eax
    call memset
    add esp, 12
    dec ebx
    jnz .iter

    ; Print the checksum in hex, exit with status 0.
    mov ecx, 8
.hex:
    rol ebp, 4
    mov eax, ebp
    and eax, 15
    mov al, [hexdigits + eax]
    out 0xE9, al
    loop .hex
    mov al, 10
    out 0xE9, al
    xor al, al
    out 0xF4, al
.hang:
    hlt
    jmp .hang

hexdigits: db "0123456789abcdef"

; void *memcpy(void *dst, const void *src, size_t n), n a multiple of 4
memcpy:
    push esi
    push edi
    mov edi, [esp + 12]
    mov esi, [esp + 16]
    mov ecx, [esp + 20]
    mov eax, edi
    shr ecx, 2
    rep movsd
    pop edi
    pop esi
    ret

; void *memset(void *dst, int c, size_t n), n a multiple of 4
memset:
    push edi
    mov edi, [esp + 8]
    movzx eax, byte [esp + 12]
    imul eax, eax, 0x01010101
    mov ecx, [esp + 16]
    shr ecx, 2
    rep stosd
    mov eax, [esp + 8]
    pop edi
    ret

; uint32_t checksum(const uint32_t *p, int n): a frame, locals, a loop
checksum:
    push ebp
    mov ebp, esp
    sub esp, 8
    push ebx
    mov edx, [ebp + 8]
    mov ecx, [ebp + 12]
    xor eax, eax
    mov dword [ebp - 4], 0
.loop:
    mov ebx, [edx]
    add eax, ebx
    rol eax, 7
    xor [ebp - 4], ebx
    add edx, 4
    dec ecx
    jnz .loop
    xor eax, [ebp - 4]
    pop ebx
    leave
    ret

; int classify(uint32_t v): switch (v & 7) through a jump table
classify:
    mov eax, [esp + 4]
    and eax, 7
    jmp [.table + eax * 4]
.table:
    dd .c0, .c1, .c2, .c3, .c4, .c5, .c6, .c7
.c0: mov eax, 17
    ret
.c1: mov eax, [esp + 4]
    shr eax, 5
    ret
.c2: mov eax, [esp + 4]
    imul eax, eax, 13
    ret
.c3: mov eax, [esp + 4]
    not eax
    ret
.c4: mov eax, [esp + 4]
    neg eax
    ret
.c5: xor eax, eax
    ret
.c6: mov eax, [esp + 4]
    shl eax, 3
    ret
.c7: mov eax, [esp + 4]
    add eax, 0x1234
    ret

; int count_high(const uint8_t *p, int n): bytes above 0x80
count_high:
    push ebp
    mov ebp, esp
    push esi
    mov esi, [ebp + 8]
    mov ecx, [ebp + 12]
    xor eax, eax
.loop:
    movzx edx, byte [esi]
    cmp dl, 0x80
    jbe .low
    inc eax
.low:
    inc esi
    dec ecx
    jnz .loop
    pop esi
    pop ebp
    ret

; int words(void): WORDS[k] = WORDS[k] + (int16_t)SRC word k, for 16 words; sum them
words:
    push ebx
    xor eax, eax
    xor ecx, ecx
.loop:
    movsx edx, word [SRC + ecx * 2]
    mov bx, [WORDS + ecx * 2]
    add bx, dx
    mov [WORDS + ecx * 2], bx
    movzx edx, bx
    add eax, edx
    inc ecx
    cmp ecx, 16
    jb .loop
    pop ebx
    ret

; size_t strlen(const char *s)
strlen:
    mov edx, [esp + 4]
    mov eax, edx
.loop:
    cmp byte [eax], 0
    je .done
    inc eax
    jmp .loop
.done:
    sub eax, edx
    ret
kernel_end:

; ---- The reset vector ----
section reset start=0xFF0 vstart=0xFFF0
bits 16
    jmp 0xF000:start
    times 16 - ($ - $$) db 0xFF
