; Tiny 256-byte test ROMs for the run loop and the port bus, one per MODE_* define:
; exit42 (port 0xF4 status), halt (CLI; HLT), spin (JMP $), triple (an IDT too small for
; any vector: #GP, #DF, shutdown, as in the SDM vol. 3A, 6.15 "interrupt 8"), and ports
; (the iobus rules from devices/iobus.h). Small on purpose: it also checks that a ROM
; smaller than 64 KiB is mapped with its last byte at 0xFFFFF and at the top of the bus.

bits 16
cpu 386
org 0xFF00                  ; the ROM is F000:FF00-F000:FFFF

start:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, 0x1000
%ifdef MODE_exit42
    mov al, 42
    out 0xF4, al
%elifdef MODE_halt
    hlt
%elifdef MODE_spin
    jmp $
%elifdef MODE_triple
    lidt [cs:empty_idt]
    int3
%elifdef MODE_ports
    mov ax, 'A' | ('Z' << 8)
    out 0xE9, ax            ; 'A' to the debug console, 'Z' to 0xEA, which nobody owns
    mov al, 'B'
    out 0xE9, al
    mov al, 10
    out 0xE9, al
    mov bl, 1
    in al, 0xE9             ; the debug console answers 0xE9
    cmp al, 0xE9
    jne fail
    inc bl
    in ax, 0xE9             ; byte 0xE9 from the console, 0xFF floating from 0xEA
    cmp ax, 0xFFE9
    jne fail
    inc bl
    mov dx, 0x0F00          ; nobody (no PC device lives there): all ones
    in al, dx
    cmp al, 0xFF
    jne fail
    inc bl
    mov dx, 0xFFFF          ; a word at the last port wraps to port 0
    in ax, dx
    cmp ax, 0xFFFF
    jne fail
    inc bl
    mov dx, 0xE8            ; a dword over E8-EB: only E9 answers
    in eax, dx
    cmp eax, 0xFFFFE9FF
    jne fail
    inc bl
    in al, 0xF4             ; the exit port has no read side
    cmp al, 0xFF
    jne fail
    xor al, al
    out 0xF4, al
fail:
    mov al, bl
    out 0xF4, al            ; status = number of the failed check
%else
%error "define one MODE_*"
%endif
hang:
    hlt
    jmp hang

empty_idt:
    dw 0                    ; limit 0: not even vector 0 fits
    dd 0

    times 0xF0 - ($ - $$) db 0xFF
    jmp 0xF000:start        ; the reset vector
    times 0x100 - ($ - $$) db 0xFF
