; glass86's demo ROM: a 64 KiB BIOS image (F0000-FFFFF) whose reset vector at F000:FFF0
; jumps to real-mode code that greets on the debug console (port 0xE9), tells which CPU
; it runs on (the flag tests of Intel's AP-485, "Intel Processor Identification and the
; CPUID Instruction"), prints the first 25 Fibonacci numbers in decimal and exits with
; status 0 through port 0xF4. Up to the CPU test everything is 8086 code.
; Build: nasm -f bin -o hello.bin hello.asm

bits 16
cpu 8086
org 0                       ; CS = F000, so offsets are ROM offsets

DEBUGCON equ 0xE9
EXITPORT equ 0xF4

start:
    cli
    cld
    mov ax, cs
    mov ds, ax              ; the strings live in the ROM
    xor ax, ax
    mov ss, ax
    mov sp, 0x7C00          ; below the traditional boot sector, in every model's RAM

    mov si, msg_hello
    call puts
    call detect_cpu
    call fibonacci

    xor al, al
    out EXITPORT, al        ; status 0: success
.hang:                      ; only reached if nothing listens on port 0xF4
    hlt
    jmp .hang

; Print the NUL-terminated string at DS:SI.
puts:
    push ax
    push si
.next:
    lodsb
    test al, al
    jz .done
    out DEBUGCON, al
    jmp .next
.done:
    pop si
    pop ax
    ret

; Print the character in AL, keeping every register.
putc:
    out DEBUGCON, al
    ret

; Print AX as an unsigned decimal number: divide by 10 until nothing is left, then print
; the remainders in reverse order.
print_dec:
    push ax
    push bx
    push cx
    push dx
    mov bx, 10
    xor cx, cx
.divide:
    xor dx, dx
    div bx                  ; DX:AX / 10 -> AX quotient, DX remainder
    push dx
    inc cx
    test ax, ax
    jnz .divide
.print:
    pop ax
    add al, '0'
    call putc
    loop .print
    pop dx
    pop cx
    pop bx
    pop ax
    ret

; "Fibonacci: 0 1 1 2 ... 46368": F(0) to F(24), the ones that fit in 16 bits.
fibonacci:
    mov si, msg_fib
    call puts
    xor ax, ax              ; F(n)
    mov bx, 1               ; F(n+1)
    mov cx, 25
.next:
    call print_dec
    mov dx, ax
    add dx, bx              ; F(n+2), wraps after the last one printed
    mov ax, bx
    mov bx, dx
    push ax
    mov al, ' '
    cmp cx, 1
    jne .sep
    mov al, 10              ; newline after the last number
.sep:
    call putc
    pop ax
    loop .next
    ret

; Which CPU? The 8086 keeps FLAGS bits 12-15 set; the 286 keeps them clear in real mode;
; the 386 cannot toggle AC (EFLAGS bit 18); a 486 without CPUID cannot toggle ID (bit 21);
; everything else reports its family through CPUID leaf 1.
detect_cpu:
    mov si, msg_cpu
    call puts
    pushf                   ; restored at the end: the tests below set IOPL and NT
    pushf
    pop ax
    mov cx, ax
    and ax, 0x0FFF
    push ax
    popf
    pushf
    pop ax
    and ax, 0xF000
    cmp ax, 0xF000
    mov si, msg_8086
    je .report
    or cx, 0xF000
    push cx
    popf
    pushf
    pop ax
    test ax, 0xF000
    mov si, msg_286
    jz .report

cpu 586                     ; only reached on a 386 or later
    pushfd
    pop eax
    mov ecx, eax
    xor eax, 0x40000        ; AC
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    xor eax, ecx
    test eax, 0x40000
    mov si, msg_386
    jz .report
    mov eax, ecx
    xor eax, 0x200000       ; ID
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    xor eax, ecx
    test eax, 0x200000
    mov si, msg_486
    jz .report
    mov eax, 1
    cpuid
    mov si, msg_cpuid
    call puts
    shr ax, 8
    and ax, 0x0F            ; family
    call print_dec
    mov si, msg_newline
cpu 8086
.report:
    call puts
    popf
    ret

msg_hello:   db "Hello from glass86!", 10, 0
msg_cpu:     db "CPU: ", 0
msg_8086:    db "8086", 10, 0
msg_286:     db "80286", 10, 0
msg_386:     db "80386", 10, 0
msg_486:     db "80486 without CPUID", 10, 0
msg_cpuid:   db "CPUID family ", 0
msg_newline: db 10, 0
msg_fib:     db "Fibonacci: ", 0

; The reset vector: the first instruction every x86 fetches, 16 bytes below the top.
    times 0xFFF0 - ($ - $$) db 0xFF
reset:
    jmp 0xF000:start
    times 0x10000 - ($ - $$) db 0xFF
