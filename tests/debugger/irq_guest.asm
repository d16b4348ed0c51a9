; A real-mode guest for the debugger loop's interrupt test (test_dbg_loop.c), loaded at
; 0000:1000. It programs the 8259 pair and the 8254 (IRQ 0 every 1193 PIT clocks, 1 ms),
; then five times: spins with interrupts disabled until the timer interrupt is pending,
; and executes STI; HLT. The STI shadow (SDM vol. 3A, 6.8.3) lets HLT run first, so the
; handler must never see the HLT itself as its return address; it counts the times it
; does in `bad`. (After an IRET another pending interrupt may come before the CLI.)
bits 16
org 0x1000

    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x8000
    mov word [8 * 4], handler
    mov word [8 * 4 + 2], 0
    mov al, 0x11                ; ICW1: edge, cascade, ICW4
    out 0x20, al
    out 0xA0, al
    mov al, 0x08                ; ICW2: vectors 8 and 0x70
    out 0x21, al
    mov al, 0x70
    out 0xA1, al
    mov al, 0x04                ; ICW3
    out 0x21, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01                ; ICW4: 8086 mode
    out 0x21, al
    out 0xA1, al
    mov al, 0xFE                ; only IRQ 0
    out 0x21, al
    mov al, 0xFF
    out 0xA1, al
    mov al, 0x34                ; counter 0, mode 2, 1193
    out 0x43, al
    mov ax, 1193
    out 0x40, al
    mov al, ah
    out 0x40, al
again:
    mov ecx, 150000             ; longer than 1 ms at 100 M instructions per second
spin:
    a32 loop spin
    sti
the_hlt:
    hlt
after_hlt:
    cli
    cmp word [count], 5
    jb again
    hlt                         ; interrupts off: the end

handler:
    push bp
    mov bp, sp
    push ax
    mov ax, [bp + 2]            ; the interrupted IP
    mov [return_ip], ax
    cmp ax, the_hlt
    jne .counted
    inc word [bad]              ; delivered between STI and HLT: the shadow was lost
.counted:
    inc word [count]
    mov al, 0x20                ; EOI
    out 0x20, al
    pop ax
    pop bp
    iret

align 2
count:      dw 0
return_ip:  dw 0
bad:        dw 0
