; The MIPS benchmark guest: a 4 KiB ROM that runs a fixed loop of integer arithmetic,
; table loads and stores, a data-dependent branch and a CALL/RET, ITERATIONS times, then
; exits with status 0 through port 0xF4. Real-mode code with 32-bit operands (66h/67h
; prefixes), so it needs a 386 or later; tools/bench/mips runs it on the p6 model.
; Build: nasm -f bin [-DITERATIONS=n] -o mips-loop.bin mips-loop.asm

%ifndef ITERATIONS
%define ITERATIONS 28000000 ; about 17.5 instructions each: close to 500 million in all
%endif

bits 16
cpu 686
org 0xF000                  ; the ROM is F000:F000-F000:FFFF

TABLE equ 0x1000            ; 256 dwords of input
OUTPUT equ 0x1400           ; 256 dwords of output

start:
    cli
    cld
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7000

    mov di, TABLE           ; a pseudo-random table: multiples of the golden ratio
    mov eax, 0x12345678
    mov cx, 256
.fill:
    stosd
    add eax, 0x9E3779B9
    loop .fill

    mov ecx, ITERATIONS
    xor esi, esi
    xor ebx, ebx
    xor edx, edx
.loop:
    mov eax, [si + TABLE]   ; load
    add ebx, eax
    xor eax, ebx
    rol eax, 5
    mov [si + OUTPUT], eax  ; store
    lea edi, [ebx + ebx*2]  ; 32-bit addressing form
    sub edx, edi
    test al, 1
    jz .even                ; taken about half the time
    inc edx
    jmp .next
.even:
    shr edx, 1
.next:
    add si, 4
    and si, 0x3FC
    call mix
    dec ecx
    jnz .loop

    xor al, al
    out 0xF4, al
.hang:
    hlt
    jmp .hang

mix:
    add edx, ebx
    ret

    times 0xFF0 - ($ - $$) db 0xFF
    jmp 0xF000:start        ; the reset vector
    times 0x1000 - ($ - $$) db 0xFF
