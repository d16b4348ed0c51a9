; The PC board's devices driven end to end from guest code through real port I/O: the
; 8259A pair with the PIIX3 ELCR, the 8254 with port 61h, the MC146818A RTC, the 8042 with
; its keyboard and mouse and the A20 gate (also port 92h), the 16550A, the 8237 with the
; 82077AA floppy controller, and IDE in PIO and bus-master DMA (SFF-8038i on the PIIX3).
; Datasheets: 8259A 231468, 8254 231164, MC146818A, 8042/PS2 (IBM PS/2 technical
; reference), PC16550D, 8237A 231466, 82077AA 290166, ATA/ATAPI-6 T13 1410D, SFF-8038i.
;
; A 64 KiB system ROM run instead of a BIOS: glass86 --hda HD --fda FD --serial none
; --bios pc_devices.bin. Every check prints "FAIL <name>: got X want Y" on the debug
; console (port E9h) when it fails; the end is "pc_devices: all N checks passed" and exit
; status 0 (port F4h), or "pc_devices: F of N checks failed" and status 1. The disks are
; the boot tests' images: sector 0 of each ends in 55h AAh.

bits 16
cpu 686
org 0

DEBUGCON    equ 0xE9
EXITPORT    equ 0xF4

; RAM, segment 0.
VARS        equ 0x0500
fail_count  equ VARS + 0
check_count equ VARS + 2
irq_count   equ VARS + 4        ; 16 bytes: interrupts taken per IRQ line
eoi_mode    equ VARS + 20       ; 1: the IRQ stubs send the EOIs themselves
rtc_c       equ VARS + 22       ; OR of register C as the IRQ 8 stub read it
STACK_TOP   equ 0x7000
FD_DMA_BUF  equ 0x8000          ; floppy sector by DMA (no 64 KiB boundary in it)
FD_PIO_BUF  equ 0x8400
HD_PIO_BUF  equ 0x9000
PRD_TABLE   equ 0x9800
HD_DMA_BUF  equ 0xA000
IDENT_BUF   equ 0xA800
BMIBA       equ 0xC000          ; the PIIX3's bus-master registers, in I/O space
PIIX3_IDE   equ 0x80000900      ; PCI configuration address of bus 0, device 1, function 1

; ---- checks ----
; EXPECT "name", value: AX must equal value (a 16-bit immediate).
%macro EXPECT 2
    push word %2
    push word %%name
    call expect_ax
    jmp %%skip
%%name: db %1, 0
%%skip:
%endmacro
; EXPECTB "name", value: AL must equal value.
%macro EXPECTB 2
    xor ah, ah
    EXPECT %1, %2
%endmacro

%macro OUTB 2
    mov al, %2
    out %1, al
%endmacro
%macro OUTBD 2
    mov dx, %1
    mov al, %2
    out dx, al
%endmacro

start:
    cli
    xor ax, ax
    mov ss, ax
    mov sp, STACK_TOP
    mov ds, ax
    mov es, ax
    cld
    mov di, VARS
    mov cx, 64
    rep stosb
    ; Every vector returns; vectors 20h-2Fh count their IRQ (irq_stub_N).
    xor di, di
    mov cx, 256
.ivt:
    mov word [di], default_isr
    mov word [di + 2], 0xF000
    add di, 4
    loop .ivt
    mov di, 0x20 * 4
    mov ax, irq_stubs
    mov cx, 16
.irqv:
    mov [di], ax
    add ax, irq_stub_len
    add di, 4
    loop .irqv

    call pic_init
    call test_pic
    call test_pit
    call test_rtc
    call test_kbc
    call test_uart
    call test_floppy
    call test_ide

    mov si, msg_name
    call puts
    cmp word [fail_count], 0
    jne .failed
    mov si, msg_all
    call puts
    mov ax, [check_count]
    call putdec
    mov si, msg_passed
    call puts
    OUTB EXITPORT, 0
.failed:
    mov ax, [fail_count]
    call putdec
    mov si, msg_of
    call puts
    mov ax, [check_count]
    call putdec
    mov si, msg_failed
    call puts
    OUTB EXITPORT, 1

msg_name:   db "pc_devices: ", 0
msg_all:    db "all ", 0
msg_passed: db " checks passed", 10, 0
msg_of:     db " of ", 0
msg_failed: db " checks failed", 10, 0
msg_fail:   db "FAIL ", 0
msg_got:    db ": got ", 0
msg_want:   db " want ", 0

default_isr:
    iret

; IRQ n: count it; with eoi_mode, read RTC register C for IRQ 8 and send the EOIs.
irq_stubs:
%assign n 0
%rep 16
    push ax
    mov al, n
    jmp near irq_common
%if n == 0
irq_stub_len equ $ - irq_stubs
%endif
%assign n n + 1
%endrep

irq_common:
    push bx
    xor bh, bh
    mov bl, al
    inc byte [irq_count + bx]
    cmp byte [eoi_mode], 0
    je .done
    cmp bl, 8
    jne .eoi
    mov al, 0x0C
    out 0x70, al
    in al, 0x71
    or [rtc_c], al
.eoi:
    cmp bl, 8
    jb .master
    mov al, 0x20
    out 0xA0, al
.master:
    mov al, 0x20
    out 0x20, al
.done:
    pop bx
    pop ax
    iret

; expect_ax(name, want): compare AX, count, print on a mismatch.
expect_ax:
    push bp
    mov bp, sp
    inc word [check_count]
    cmp ax, [bp + 6]
    je .ok
    inc word [fail_count]
    push ax
    mov si, msg_fail
    call puts
    mov si, [bp + 4]
    call puts
    mov si, msg_got
    call puts
    pop ax
    call puthex
    mov si, msg_want
    call puts
    mov ax, [bp + 6]
    call puthex
    mov al, 10
    out DEBUGCON, al
.ok:
    pop bp
    ret 4

puts:                           ; CS:SI, NUL-terminated
    push ax
.l: cs lodsb
    test al, al
    jz .e
    out DEBUGCON, al
    jmp .l
.e: pop ax
    ret

puthex:                         ; AX as four hex digits
    push cx
    mov cx, 4
.l: rol ax, 4
    push ax
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .d
    add al, 'A' - '0' - 10
.d: out DEBUGCON, al
    pop ax
    loop .l
    pop cx
    ret

putdec:                         ; AX in decimal
    push bx
    push cx
    push dx
    mov bx, 10
    xor cx, cx
.div:
    xor dx, dx
    div bx
    push dx
    inc cx
    test ax, ax
    jnz .div
.out:
    pop ax
    add al, '0'
    out DEBUGCON, al
    loop .out
    pop dx
    pop cx
    pop bx
    ret

; Burn CX iterations (virtual time is instructions: 10 ns each at the default rate).
delay:
    push cx
.l: loop .l
    pop cx
    ret

; ======================= 8259A pair and ELCR =======================

; ICW1-ICW4: vectors 20h and 28h, slave on IR2, 8086 mode; AL = ICW4 of the master.
pic_init_icw4:
    push ax
    OUTB 0x20, 0x11
    OUTB 0x21, 0x20
    OUTB 0x21, 0x04
    pop ax
    out 0x21, al
    OUTB 0x21, 0xFF
    ret
pic_init:
    mov al, 0x01
    call pic_init_icw4
    OUTB 0xA0, 0x11
    OUTB 0xA1, 0x28
    OUTB 0xA1, 0x02
    OUTB 0xA1, 0x01
    OUTB 0xA1, 0xFF
    ret

read_irr:                       ; AL = master IRR
    OUTB 0x20, 0x0A
    in al, 0x20
    ret
read_isr:                       ; AL = master ISR
    OUTB 0x20, 0x0B
    in al, 0x20
    ret
read_slave_irr:                 ; AL = slave IRR bit of IRQ 14
    OUTB 0xA0, 0x0A
    in al, 0xA0
    and al, 0x40
    ret
poll:                           ; AL = master poll word
    OUTB 0x20, 0x0C
    in al, 0x20
    ret

; PIT channel 0, mode 0, a short count: OUT (IRQ 0) rises about 1000 instructions later.
pit0_oneshot:
    OUTB 0x43, 0x30
    OUTB 0x40, 10
    OUTB 0x40, 0
    mov cx, 2000
    call delay
    ret

; 8042 "write keyboard output buffer": the byte comes back as keyboard data, IRQ 1 up
; (left unread in the output buffer).
kbd_irq1:
    call kbc_wait_in
    OUTB 0x64, 0xD2
    call kbc_wait_in
    OUTB 0x60, 0x42
    mov cx, 20000
.l: in al, 0x64
    test al, 0x01
    jnz .e
    loop .l
.e: ret

test_pic:
    in al, 0x21
    EXPECTB "pic imr after init", 0xFF
    call pit0_oneshot
    call read_irr
    and al, 0x01
    EXPECTB "pic edge irq0 in irr while masked", 0x01
    ; Unmasked: one interrupt, IR0 in service until a specific EOI.
    OUTB 0x21, 0xFE
    sti
    nop
    nop
    cli
    mov al, [irq_count + 0]
    EXPECTB "pic irq0 delivered once", 1
    call read_isr
    EXPECTB "pic isr holds ir0", 0x01
    OUTB 0x20, 0x60                 ; specific EOI, level 0
    call read_isr
    EXPECTB "pic specific eoi clears isr", 0x00
    ; A new edge, a non-specific EOI.
    call pit0_oneshot
    sti
    nop
    cli
    mov al, [irq_count + 0]
    EXPECTB "pic second edge delivered", 2
    OUTB 0x20, 0x20
    call read_isr
    EXPECTB "pic non-specific eoi clears isr", 0x00
    ; Poll mode (IF clear, IR0 and IR1 unmasked): the poll read acknowledges IR0.
    OUTB 0x21, 0xFC
    call pit0_oneshot
    call poll
    EXPECTB "pic poll word names ir0", 0x80
    call read_isr
    EXPECTB "pic poll put ir0 in service", 0x01
    OUTB 0x20, 0x20
    call poll
    EXPECTB "pic poll with nothing pending", 0x00
    ; Automatic EOI: the interrupt leaves nothing in service.
    mov al, 0x03
    call pic_init_icw4
    OUTB 0x21, 0xFE
    call pit0_oneshot
    mov al, [irq_count + 0]         ; (no interrupt before STI)
    EXPECTB "pic no interrupt while if clear", 2
    sti
    nop
    cli
    mov al, [irq_count + 0]
    EXPECTB "pic auto-eoi interrupt taken", 3
    call read_isr
    EXPECTB "pic auto-eoi leaves isr clear", 0x00
    mov al, 0x01
    call pic_init_icw4
    OUTB 0x21, 0xFC
    ; Rotation: IR0 (PIT) and IR1 (8042) both requested, polled.
    call kbc_setup
    call pit0_oneshot
    call kbd_irq1
    call read_irr
    and al, 0x03
    EXPECTB "pic ir0 and ir1 requested", 0x03
    OUTB 0x20, 0xC0                 ; set priority: IR0 lowest, IR1 highest
    call poll
    EXPECTB "pic set priority makes ir1 first", 0x81
    OUTB 0x20, 0xA0                 ; rotate on non-specific EOI: IR1 becomes lowest
    call poll
    EXPECTB "pic rotate on eoi makes ir0 first", 0x80
    OUTB 0x20, 0x20
    ; Special mask mode: IR0 in service blocks IR1 until SMM with IR0 masked.
    OUTB 0x20, 0xC7                 ; back to IR0 highest
    call pit0_oneshot
    in al, 0x60                     ; IR1's line drops with the output buffer...
    call kbd_irq1                   ; ...and rises again: a fresh edge
    call poll
    EXPECTB "pic ir0 polled into service", 0x80
    call poll
    EXPECTB "pic ir1 blocked by ir0 in service", 0x00
    OUTB 0x20, 0x68                 ; OCW3: set special mask
    OUTB 0x21, 0xFD                 ; everything but IR1 masked, IR0 too
    call poll
    EXPECTB "pic special mask lets ir1 through", 0x81
    OUTB 0x20, 0x48                 ; clear special mask
    OUTB 0x21, 0xFC
    OUTB 0x20, 0x61                 ; specific EOI 1
    OUTB 0x20, 0x60                 ; specific EOI 0
    call read_isr
    EXPECTB "pic isr empty after specific eois", 0x00
    in al, 0x60                     ; IR1's line down
    OUTBD 0x4D0, 0x07
    in al, dx
    EXPECTB "elcr1 irq0-2 are edge only", 0x00
    ; The slave: ELCR2 keeps IRQ 8 and 13 edge-only (bits 0 and 5 read 0).
    OUTBD 0x4D1, 0xFF
    in al, dx
    EXPECTB "elcr2 irq8 and irq13 are edge only", 0xDE
    xor al, al
    out dx, al
    OUTB 0x21, 0xFF
    ret

; ======================= 8254 and port 61h =======================

; Latch channel AL's count (AL = 0, 1 or 2) and read it, LSB then MSB, into AX.
pit_latch:
    push dx
    mov dl, al
    shl al, 6
    out 0x43, al
    mov dh, 0
    add dx, 0x40
    in al, dx
    mov ah, al
    in al, dx
    xchg al, ah
    pop dx
    ret

; Port 61h bit 5 (channel 2's OUT) into AL as 0 or 1.
out2:
    in al, 0x61
    shr al, 5
    and al, 1
    ret

; Channel 2's gate is port 61h bit 0 (speaker data bit 1 kept off).
gate2:                          ; AL = 0 or 1
    push ax
    in al, 0x61
    and al, 0xFC
    pop bx
    or al, bl
    out 0x61, al
    ret

test_pit:
    ; Mode 0, binary: counting down.
    OUTB 0x43, 0x30
    OUTB 0x40, 0x00
    OUTB 0x40, 0x10                 ; 1000h
    mov cx, 500
    call delay
    mov al, 0
    call pit_latch
    cmp ax, 0x1000
    setb al
    cmp ax, 0
    seta ah
    and al, ah
    EXPECTB "pit mode 0 counts down", 1
    ; Read-back: status of channel 0 (OUT low, mode 0, LSB/MSB, binary).
    OUTB 0x43, 0xE2
    in al, 0x40
    EXPECTB "pit read-back status ch0", 0x30
    ; BCD on channel 2 with its gate low: the count loads and holds.
    xor al, al
    call gate2
    OUTB 0x43, 0xB1                 ; ch2, LSB/MSB, mode 0, BCD
    OUTB 0x42, 0x34
    OUTB 0x42, 0x12
    mov cx, 300
    call delay
    mov al, 2
    call pit_latch
    EXPECT "pit bcd count held by gate low", 0x1234
    call out2
    EXPECTB "pit mode 0 out low while counting", 0
    mov al, 1
    call gate2
    mov cx, 3000
    call delay
    mov al, 2
    call pit_latch
    ; Every nibble a decimal digit and below 1234.
    mov bx, ax
    mov cx, 4
    mov dl, 1
.bcd:
    mov al, bl
    and al, 0x0F
    cmp al, 9
    jbe .digit
    mov dl, 0
.digit:
    shr bx, 4
    loop .bcd
    mov al, dl
    EXPECTB "pit bcd count stays decimal", 1
    ; Mode 0 terminal count: OUT high on port 61h bit 5.
    OUTB 0x43, 0xB0                 ; ch2, LSB/MSB, mode 0, binary
    OUTB 0x42, 20
    OUTB 0x42, 0
    mov cx, 3000
    call delay
    call out2
    EXPECTB "pit mode 0 out high at terminal count", 1
    ; Mode 1: OUT high until a gate edge triggers it, low for the count, then high.
    xor al, al
    call gate2
    OUTB 0x43, 0xB2
    OUTB 0x42, 100
    OUTB 0x42, 0
    mov cx, 300
    call delay
    call out2
    EXPECTB "pit mode 1 out high before trigger", 1
    mov al, 1
    call gate2
    mov cx, 200
    call delay
    call out2
    EXPECTB "pit mode 1 out low after trigger", 0
    mov cx, 20000
    call delay
    call out2
    EXPECTB "pit mode 1 out high after count", 1
    ; Mode 2: a rate generator reloads; the count never leaves 1..N.
    OUTB 0x43, 0xB4
    OUTB 0x42, 50
    OUTB 0x42, 0
    mov si, 0
    mov cx, 40
.m2:
    push cx
    mov cx, 137
    call delay
    mov al, 2
    call pit_latch
    cmp ax, 50
    ja .m2bad
    test ax, ax
    jnz .m2ok
.m2bad:
    inc si
.m2ok:
    pop cx
    loop .m2
    mov ax, si
    EXPECT "pit mode 2 count within 1..N", 0
    ; Mode 3: the square wave is seen both high and low.
    OUTB 0x43, 0xB6
    OUTB 0x42, 0x00
    OUTB 0x42, 0x01                 ; 256
    xor bx, bx
    mov cx, 200
.m3:
    push cx
    mov cx, 200
    call delay
    call out2
    or bl, al
    xor al, 1
    or bh, al
    pop cx
    loop .m3
    mov ax, bx
    EXPECT "pit mode 3 out toggles", 0x0101
    ; Mode 4: counts on through 0 (wraps to FFFFh) after the strobe.
    OUTB 0x43, 0xB8
    OUTB 0x42, 10
    OUTB 0x42, 0
    mov cx, 3000
    call delay
    mov al, 2
    call pit_latch
    cmp ax, 0x8000
    seta al
    EXPECTB "pit mode 4 wraps after terminal count", 1
    ; Mode 5: the count is loaded only by a gate edge; read-back's null count says so.
    xor al, al
    call gate2
    OUTB 0x43, 0xBA
    OUTB 0x42, 100
    OUTB 0x42, 0
    mov cx, 300
    call delay
    OUTB 0x43, 0xE8                 ; read-back: status of channel 2
    in al, 0x42
    and al, 0x40
    EXPECTB "pit mode 5 null count before trigger", 0x40
    mov al, 1
    call gate2
    mov cx, 300
    call delay
    OUTB 0x43, 0xE8
    in al, 0x42
    and al, 0x40
    EXPECTB "pit mode 5 count loaded by gate edge", 0x00
    ; Read-back latching count and status together: status first, then the count.
    OUTB 0x43, 0x34                 ; ch0 mode 2, count 0 = 65536
    OUTB 0x40, 0
    OUTB 0x40, 0
    mov cx, 300
    call delay
    OUTB 0x43, 0xC2
    in al, 0x40
    and al, 0x3F
    EXPECTB "pit read-back status then count", 0x34
    in al, 0x40
    mov ah, al
    in al, 0x40
    xchg al, ah
    test ax, ax
    setnz al
    EXPECTB "pit read-back latched count", 1
    xor al, al
    call gate2
    ret

; ======================= MC146818A RTC =======================

cmos_read:                      ; AL = index (bit 7: NMI off) -> AL
    out 0x70, al
    in al, 0x71
    ret
cmos_write:                     ; AL = index, AH = value
    out 0x70, al
    mov al, ah
    out 0x71, al
    ret

; Wait with HLT until irq_count[8] reaches AL (or about 2 s of virtual time pass, by
; counting PIT IRQ 0 at 100 Hz... the RTC alone wakes HLT here, so count HLTs).
rtc_wait_irqs:
    mov cx, 5000
.l: cmp [irq_count + 8], al
    jae .e
    sti
    hlt
    cli
    loop .l
.e: ret

test_rtc:
    mov byte [eoi_mode], 1
    ; Registers written and read back in binary 24-hour mode, then BCD 12-hour mode.
    mov ax, 0x860B                  ; B: SET, binary, 24 h
    call cmos_write
    mov ax, 0x0F04                  ; hours 15
    call cmos_write
    mov ax, 0x2102                  ; minutes 33
    call cmos_write
    mov ax, 0x060B
    call cmos_write
    mov al, 0x04
    call cmos_read
    EXPECTB "rtc binary 24h hour", 15
    mov al, 0x02
    call cmos_read
    EXPECTB "rtc binary minutes", 33
    mov ax, 0x800B                  ; SET, BCD, 12 h
    call cmos_write
    mov ax, 0x8304                  ; 3 PM
    call cmos_write
    mov ax, 0x4502
    call cmos_write
    mov ax, 0x000B
    call cmos_write
    mov al, 0x04
    call cmos_read
    EXPECTB "rtc bcd 12h hour with pm bit", 0x83
    mov al, 0x02
    call cmos_read
    EXPECTB "rtc bcd minutes", 0x45
    mov ax, 0x020B                  ; BCD, 24 h from here on
    call cmos_write
    ; Index bit 7 is the NMI mask: the register is still selected.
    mov al, 0x8B
    call cmos_read
    EXPECTB "rtc index with nmi mask bit", 0x02
    mov al, 0x0D
    call cmos_read
    EXPECTB "rtc register d valid ram", 0x80
    ; IRQ 8 through the cascade: unmask IR2 on the master, IR0 on the slave.
    OUTB 0x21, 0xFB
    OUTB 0xA1, 0xFE
    mov al, 0x0C
    call cmos_read                  ; clear stale flags
    ; Periodic at 1024 Hz: count them over 10 ms timed by PIT channel 2 (11932 ticks).
    mov ax, 0x260A
    call cmos_write
    mov byte [rtc_c], 0
    mov byte [irq_count + 8], 0
    mov ax, 0x420B                  ; PIE
    call cmos_write
    mov al, 1
    call gate2
    OUTB 0x43, 0xB0
    OUTB 0x42, 0x9C
    OUTB 0x42, 0x2E                 ; 2E9Ch = 11932
    sti
.per:
    hlt
    call out2
    test al, al
    jz .per
    cli
    mov ax, 0x020B
    call cmos_write
    mov al, [irq_count + 8]
    cmp al, 9
    setae ah
    cmp al, 11
    setbe al
    and al, ah
    EXPECTB "rtc periodic 1024 hz gives 10 irqs in 10 ms", 1
    mov al, [rtc_c]
    and al, 0xC0
    EXPECTB "rtc periodic sets pf and irqf", 0xC0
    ; Alarm with all three "don't care" bytes: once a second, at the update.
    mov ax, 0xFF01
    call cmos_write
    mov ax, 0xFF03
    call cmos_write
    mov ax, 0xFF05
    call cmos_write
    mov byte [rtc_c], 0
    mov byte [irq_count + 8], 0
    mov ax, 0x220B                  ; AIE
    call cmos_write
    mov al, 1
    call rtc_wait_irqs
    mov al, [rtc_c]
    and al, 0xA0
    EXPECTB "rtc alarm irq sets af and irqf", 0xA0
    ; Update-ended.
    mov ax, 0x020B
    call cmos_write
    mov byte [rtc_c], 0
    mov byte [irq_count + 8], 0
    mov ax, 0x120B                  ; UIE
    call cmos_write
    mov al, 1
    call rtc_wait_irqs
    mov al, [rtc_c]
    and al, 0x90
    EXPECTB "rtc update-ended irq sets uf and irqf", 0x90
    mov ax, 0x020B
    call cmos_write
    mov al, 0x0C
    call cmos_read
    OUTB 0x21, 0xFF
    OUTB 0xA1, 0xFF
    mov byte [eoi_mode], 0
    xor al, al
    call gate2
    ret

; ======================= 8042, keyboard, mouse, A20 =======================

kbc_wait_in:                    ; until the input buffer is empty
    push ax
    push cx
    mov cx, 20000
.l: in al, 0x64
    test al, 0x02
    jz .e
    loop .l
.e: pop cx
    pop ax
    ret

kbc_read:                       ; AL = next output buffer byte, AH = status (0xFF: none)
    push cx
    mov cx, 20000
.l: in al, 0x64
    test al, 0x01
    jnz .got
    loop .l
    mov ax, 0xFFFF
    pop cx
    ret
.got:
    mov ah, al
    mov [kbc_st], al
    in al, 0x60
    pop cx
    ret
kbc_st equ VARS + 24

kbc_cmd:                        ; AL = controller command
    call kbc_wait_in
    out 0x64, al
    ret
kbc_data:                       ; AL = byte for port 60h
    call kbc_wait_in
    out 0x60, al
    ret

; Command byte 45h... with both interrupts enabled (bit 0 keyboard, bit 1 aux), XLAT on.
kbc_setup:
    mov al, 0x60
    call kbc_cmd
    mov al, 0x47
    call kbc_data
    ret

; A20: write 12345678h at 0:0600h, 9ABCh at FFFF:0610h (= 100600h); AX = what 0:0600h has.
a20_probe:
    push es
    mov word [0x600], 0x5678
    mov ax, 0xFFFF
    mov es, ax
    mov word [es:0x610], 0x9ABC
    mov ax, [0x600]
    pop es
    ret

test_kbc:
    mov al, 0xAA
    call kbc_cmd
    call kbc_read
    EXPECTB "kbc self test", 0x55
    mov al, 0xAB
    call kbc_cmd
    call kbc_read
    EXPECTB "kbc keyboard interface test", 0x00
    mov al, 0xA9
    call kbc_cmd
    call kbc_read
    EXPECTB "kbc aux interface test", 0x00
    mov al, 0x20
    call kbc_cmd
    call kbc_read
    EXPECTB "kbc command byte read back", 0x47
    ; A20 through the output port, checked by memory wrapping at 1 MiB. The PIIX3 ORs
    ; port 92h bit 1 with the 8042's gate, so 92h is tried with the 8042's gate off.
    mov al, 0xD1
    call kbc_cmd
    mov al, 0xDF
    call kbc_data
    call kbc_wait_in
    call a20_probe
    EXPECT "kbc a20 on no wrap", 0x5678
    mov al, 0xD1
    call kbc_cmd
    mov al, 0xDD
    call kbc_data
    call kbc_wait_in
    call a20_probe
    EXPECT "kbc a20 off wraps at 1 MiB", 0x9ABC
    mov al, 0xD0
    call kbc_cmd
    call kbc_read
    and al, 0x02
    EXPECTB "kbc output port a20 bit off", 0x00
    in al, 0x92
    or al, 0x02
    out 0x92, al
    call a20_probe
    EXPECT "port 92 a20 on", 0x5678
    in al, 0x92
    and al, 0x02
    EXPECTB "port 92 reads its a20 bit", 0x02
    in al, 0x92
    and al, 0xFD
    out 0x92, al
    call a20_probe
    EXPECT "port 92 a20 off wraps", 0x9ABC
    mov al, 0xD1
    call kbc_cmd
    mov al, 0xDF
    call kbc_data
    call kbc_wait_in
    ; Keyboard: reset, echo, identify.
    mov al, 0xFF
    call kbc_data
    call kbc_read
    EXPECTB "kbd reset ack", 0xFA
    call kbc_read
    EXPECTB "kbd self test passed", 0xAA
    mov al, 0xEE
    call kbc_data
    call kbc_read
    EXPECTB "kbd echo", 0xEE
    mov al, 0xF2
    call kbc_data
    call kbc_read
    EXPECTB "kbd identify ack", 0xFA
    call kbc_read
    EXPECTB "kbd id byte 1", 0xAB
    call kbc_read
    EXPECTB "kbd id byte 2 (translated)", 0x41
    ; Mouse through D4h: identify, its bytes flagged as aux data in the status.
    mov al, 0xA8
    call kbc_cmd
    mov al, 0xD4
    call kbc_cmd
    mov al, 0xF2
    call kbc_data
    call kbc_read
    EXPECTB "mouse identify ack", 0xFA
    mov al, [kbc_st]
    and al, 0x20
    EXPECTB "mouse byte flagged aux", 0x20
    call kbc_read
    EXPECTB "mouse id", 0x00
    mov al, 0xD4
    call kbc_cmd
    mov al, 0xE9                    ; status request: ack and three bytes
    call kbc_data
    call kbc_read
    EXPECTB "mouse status request ack", 0xFA
    call kbc_read
    call kbc_read
    call kbc_read
    mov al, [kbc_st]
    and al, 0x21
    EXPECTB "mouse status bytes are aux data", 0x21
    ; D3h: a byte as if from the mouse.
    mov al, 0xD3
    call kbc_cmd
    mov al, 0x5A
    call kbc_data
    call kbc_read
    EXPECTB "kbc d3 echoes as aux byte", 0x5A
    mov al, [kbc_st]
    and al, 0x20
    EXPECTB "kbc d3 byte has aux flag", 0x20
    ret

; ======================= 16550A, COM1 =======================

COM1 equ 0x3F8

uart_wait_dr:                   ; until LSR.DR (or give up); AL = LSR
    push cx
    mov cx, 30000
    mov dx, COM1 + 5
.l: in al, dx
    test al, 0x01
    jnz .e
    loop .l
.e: pop cx
    ret

test_uart:
    OUTBD COM1 + 3, 0x80            ; DLAB
    OUTBD COM1 + 0, 0x01            ; 115200 baud
    OUTBD COM1 + 1, 0x00
    OUTBD COM1 + 3, 0x03            ; 8N1
    in al, dx
    EXPECTB "uart lcr read back", 0x03
    OUTBD COM1 + 7, 0x5A
    in al, dx
    EXPECTB "uart scratch register", 0x5A
    ; Loopback: MCR outputs come back on the MSR inputs, bytes on RBR.
    OUTBD COM1 + 4, 0x1F
    mov dx, COM1 + 6
    in al, dx
    and al, 0xF0
    EXPECTB "uart loopback msr follows mcr", 0xF0
    OUTBD COM1 + 2, 0x00            ; FIFO off
    OUTBD COM1, 0xA5
    call uart_wait_dr
    mov dx, COM1
    in al, dx
    EXPECTB "uart loopback byte", 0xA5
    ; FIFO: 16 bytes queue up and come back in order.
    OUTBD COM1 + 2, 0x07
    mov dx, COM1 + 2
    in al, dx
    and al, 0xC0
    EXPECTB "uart fifo enabled in iir", 0xC0
    mov dx, COM1
    mov cx, 16
    mov al, 0x30
.tx:
    out dx, al
    inc al
    loop .tx
    mov cx, 60000
    call delay                      ; 16 bytes at 115200 baud: about 1.4 ms
    call delay
    call delay
    mov bx, 0
    mov cx, 16
    mov ah, 0x30
.rx:
    mov dx, COM1 + 5
    in al, dx
    test al, 0x01
    jz .rxbad
    mov dx, COM1
    in al, dx
    cmp al, ah
    je .rxok
.rxbad:
    inc bx
.rxok:
    inc ah
    loop .rx
    mov ax, bx
    EXPECT "uart fifo 16 bytes in order", 0
    mov dx, COM1 + 5
    in al, dx
    and al, 0x61
    EXPECTB "uart lsr empty after fifo drained", 0x60
    ; Interrupts: THRE, then received data, on IRQ 4 (OUT2 gates it), seen in the IRR.
    ; Loopback disconnects the interrupt output, so THRE is tried outside it.
    OUTBD COM1 + 4, 0x08
    OUTBD COM1 + 1, 0x02
    call read_irr
    and al, 0x10
    EXPECTB "uart thre raises irq4", 0x10
    mov dx, COM1 + 2
    in al, dx
    and al, 0x0F
    EXPECTB "uart iir thre pending", 0x02
    mov dx, COM1 + 2
    in al, dx
    and al, 0x0F
    EXPECTB "uart iir read clears thre", 0x01
    call read_irr
    and al, 0x10
    EXPECTB "uart irq4 drops", 0x00
    OUTBD COM1 + 4, 0x18            ; loopback again, for a byte to receive
    OUTBD COM1 + 1, 0x01            ; received data available
    OUTBD COM1 + 2, 0x01            ; FIFO on, trigger level 1
    OUTBD COM1, 0x77
    call uart_wait_dr
    mov dx, COM1 + 2
    in al, dx
    and al, 0x0F
    EXPECTB "uart iir rx data available", 0x04
    mov dx, COM1
    in al, dx
    EXPECTB "uart rx byte", 0x77
    mov dx, COM1 + 2
    in al, dx
    and al, 0x0F
    EXPECTB "uart iir clear after read", 0x01
    ; Edge and level (ELCR 4D0h bit 4) on the master, with THRE holding IRQ 4 high.
    OUTBD COM1 + 4, 0x08
    OUTB 0x21, 0xEF
    OUTBD COM1 + 1, 0x02
    call poll
    EXPECTB "pic edge ir4 polled", 0x84
    OUTB 0x20, 0x20
    call read_irr
    and al, 0x10
    EXPECTB "pic edge ir4 not requested again after eoi", 0x00
    OUTBD 0x4D0, 0x10
    in al, dx
    EXPECTB "elcr1 reads back irq4 level", 0x10
    call read_irr
    and al, 0x10
    EXPECTB "pic level ir4 requests while line high", 0x10
    call poll
    EXPECTB "pic level ir4 polled", 0x84
    OUTB 0x20, 0x20
    call read_irr
    and al, 0x10
    EXPECTB "pic level ir4 requests again after eoi", 0x10
    OUTBD COM1 + 1, 0x00
    call read_irr
    and al, 0x10
    EXPECTB "pic level ir4 withdrawn with its line", 0x00
    OUTBD 0x4D0, 0x00
    OUTB 0x21, 0xFF
    OUTBD COM1 + 4, 0x00
    ret

; ======================= 8237 + 82077AA floppy =======================

fdc_wait_irq6:                  ; poll the IRR for IR6 (masked), then nothing else
    push cx
    mov cx, 30000
.l: call read_irr
    test al, 0x40
    jnz .e
    loop .l
.e: pop cx
    ret

fdc_out:                        ; AL = a command byte, sent when RQM and not DIO
    push ax
    push cx
    mov ah, al
    mov cx, 20000
    mov dx, 0x3F4
.l: in al, dx
    and al, 0xC0
    cmp al, 0x80
    je .go
    loop .l
.go:
    mov al, ah
    inc dx
    out dx, al
    pop cx
    pop ax
    ret

fdc_in:                         ; AL = a result byte
    push cx
    mov cx, 20000
    mov dx, 0x3F4
.l: in al, dx
    and al, 0xC0
    cmp al, 0xC0
    je .go
    loop .l
.go:
    inc dx
    in al, dx
    pop cx
    ret

fdc_results:                    ; 7 result bytes to fd_res
    push di
    push cx
    mov di, fd_res
    mov cx, 7
.l: call fdc_in
    mov [di], al
    inc di
    loop .l
    pop cx
    pop di
    ret
fd_res equ VARS + 32

; READ DATA of C0 H0 R1 with the MT/MFM opcode AL.
fdc_read_cmd:
    call fdc_out
    mov al, 0x00
    call fdc_out
    call fdc_out                    ; C 0
    call fdc_out                    ; H 0
    mov al, 1
    call fdc_out                    ; R 1
    mov al, 2
    call fdc_out                    ; N 2
    mov al, 1
    call fdc_out                    ; EOT 1
    mov al, 0x1B
    call fdc_out
    mov al, 0xFF
    call fdc_out
    ret

test_floppy:
    OUTBD 0x3F2, 0x00               ; reset
    mov cx, 100
    call delay
    OUTBD 0x3F2, 0x1C               ; out of reset, DMA/IRQ gate, motor A
    call fdc_wait_irq6
    call read_irr
    and al, 0x40
    EXPECTB "fdc reset interrupt", 0x40
    mov bx, 0
.sense:
    mov al, 0x08
    call fdc_out
    call fdc_in
    mov ah, al
    call fdc_in
    mov al, ah
    mov ah, 0
    cmp ax, 0xC0
    jb .bad
    sub ax, 0xC0
    cmp ax, bx
    je .ok
.bad:
    or bx, 0x100
.ok:
    inc bx
    cmp bl, 4
    jb .sense
    mov ax, bx
    EXPECT "fdc four ready-change statuses", 4
    OUTB 0x20, 0x20                 ; (IR6 was never acknowledged: nothing in service)
    mov al, 0x03                    ; SPECIFY: DMA mode
    call fdc_out
    mov al, 0xDF
    call fdc_out
    mov al, 0x02
    call fdc_out
    mov al, 0x07                    ; RECALIBRATE
    call fdc_out
    mov al, 0x00
    call fdc_out
    call fdc_wait_irq6
    mov al, 0x08
    call fdc_out
    call fdc_in
    mov ah, al
    call fdc_in
    xchg al, ah
    EXPECT "fdc recalibrate sense st0 pcn", 0x0020
    ; DMA channel 2: single mode, device to memory, 512 bytes at FD_DMA_BUF. The first
    ; 8237 reaches the bus through channel 4 of the second: cascade mode, unmasked.
    OUTB 0xD6, 0xC0
    OUTB 0xD4, 0x00
    OUTB 0x0A, 0x06
    OUTB 0x0C, 0x00
    OUTB 0x0B, 0x46
    OUTB 0x04, FD_DMA_BUF & 0xFF
    OUTB 0x04, FD_DMA_BUF >> 8
    OUTB 0x81, 0x00
    OUTB 0x05, 0xFF
    OUTB 0x05, 0x01
    OUTB 0x0A, 0x02
    mov word [FD_DMA_BUF + 510], 0
    mov al, 0xE6
    call fdc_read_cmd
    call fdc_wait_irq6
    call fdc_results
    mov al, [fd_res]
    EXPECTB "fdc dma read st0 normal", 0x00
    mov ax, [FD_DMA_BUF + 510]
    EXPECT "fdc dma read boot signature", 0xAA55
    in al, 0x08
    and al, 0x04
    EXPECTB "dma ch2 terminal count", 0x04
    ; Non-DMA mode: the same sector through the FIFO.
    mov al, 0x03
    call fdc_out
    mov al, 0xDF
    call fdc_out
    mov al, 0x03                    ; ND
    call fdc_out
    mov al, 0x46
    call fdc_read_cmd
    mov di, FD_PIO_BUF
    mov cx, 512
    mov dx, 0x3F4
.pio:
    in al, dx
    and al, 0xE0
    cmp al, 0xE0                    ; RQM, DIO, NDMA
    jne .pio
    inc dx
    in al, dx
    dec dx
    stosb
    loop .pio
    call fdc_results
    mov ax, [fd_res]
    EXPECT "fdc pio read ends at eot (st0 st1)", 0x8040
    mov si, FD_DMA_BUF
    mov di, FD_PIO_BUF
    mov cx, 512
    repe cmpsb
    mov ax, cx
    EXPECT "fdc pio sector equals dma sector", 0
    ; VERIFY the sector (no data moves): a normal end at EOT.
    mov al, 0x03
    call fdc_out
    mov al, 0xDF
    call fdc_out
    mov al, 0x02
    call fdc_out
    mov al, 0x56
    call fdc_read_cmd
    call fdc_wait_irq6
    call fdc_results
    mov al, [fd_res]
    EXPECTB "fdc verify st0 normal", 0x00
    OUTBD 0x3F2, 0x0C               ; motor off
    ret

; ======================= IDE: PIO and bus-master DMA =======================

ide_wait:                       ; until BSY clears; AL = status
    push cx
    mov cx, 30000
    mov dx, 0x1F7
.l: in al, dx
    test al, 0x80
    jz .e
    loop .l
.e: pop cx
    ret

; LBA 0, one sector, command AL, on the master.
ide_lba0:
    push ax
    OUTBD 0x1F6, 0xE0
    OUTBD 0x1F2, 1
    OUTBD 0x1F3, 0
    OUTBD 0x1F4, 0
    OUTBD 0x1F5, 0
    pop ax
    mov dx, 0x1F7
    out dx, al
    ret

pci_read32:                     ; EAX = config address -> EAX
    mov dx, 0xCF8
    out dx, eax
    mov dx, 0xCFC
    in eax, dx
    ret
pci_write32:                    ; EAX = address, EBX = value
    mov dx, 0xCF8
    out dx, eax
    mov dx, 0xCFC
    mov eax, ebx
    out dx, eax
    ret

test_ide:
    OUTBD 0x3F6, 0x02               ; nIEN: polled
    call ide_wait
    OUTBD 0x1F6, 0xA0
    OUTBD 0x1F7, 0xEC               ; IDENTIFY DEVICE
    call ide_wait
    EXPECTB "ide identify drq", 0x58
    mov di, IDENT_BUF
    mov cx, 256
    mov dx, 0x1F0
    rep insw
    mov ax, [IDENT_BUF]
    and ax, 0x8000
    EXPECT "ide identify says ata", 0x0000
    call ide_wait
    EXPECTB "ide status after identify", 0x50
    ; PIO read of LBA 0.
    mov al, 0x20
    call ide_lba0
    call ide_wait
    EXPECTB "ide pio read drq", 0x58
    mov di, HD_PIO_BUF
    mov cx, 256
    mov dx, 0x1F0
    rep insw
    mov ax, [HD_PIO_BUF + 510]
    EXPECT "ide pio read boot signature", 0xAA55
    ; The absent slave: status 00h (device 0 answers for it, ATA-6 9.16.1).
    OUTBD 0x1F6, 0xB0
    in al, dx
    inc dx
    in al, dx
    EXPECTB "ide absent slave status", 0x00
    OUTBD 0x1F6, 0xA0
    ; The PIIX3 IDE function: IDs, bus-master base, I/O and bus-master enables, decode.
    mov eax, PIIX3_IDE
    call pci_read32
    cmp eax, 0x70108086
    sete al
    EXPECTB "piix3 ide vendor and device", 1
    mov eax, PIIX3_IDE | 0x20
    mov ebx, BMIBA | 1
    call pci_write32
    mov eax, PIIX3_IDE | 0x04
    mov ebx, 0x0005
    call pci_write32
    mov eax, PIIX3_IDE | 0x40
    mov ebx, 0x80008000             ; IDETIM: primary and secondary decode enable
    call pci_write32
    mov eax, PIIX3_IDE | 0x20
    call pci_read32
    EXPECT "piix3 bmiba reads back", BMIBA | 1
    ; One PRD entry: HD_DMA_BUF, 512 bytes, end of table.
    mov dword [PRD_TABLE], HD_DMA_BUF
    mov dword [PRD_TABLE + 4], 0x80000200
    mov word [HD_DMA_BUF + 510], 0
    mov dx, BMIBA + 4
    mov eax, PRD_TABLE
    out dx, eax
    OUTBD BMIBA + 2, 0x06           ; clear interrupt and error
    OUTBD 0x3F6, 0x00               ; INTRQ on: the bus master's interrupt bit follows it
    OUTBD BMIBA, 0x08               ; direction: to memory, stopped
    mov al, 0xC8                    ; READ DMA
    call ide_lba0
    OUTBD BMIBA, 0x09               ; start
    mov cx, 30000
.bm:
    mov dx, BMIBA + 2
    in al, dx
    test al, 0x04
    jnz .bmdone
    loop .bm
.bmdone:
    and al, 0x07
    EXPECTB "ide bus master status int, not active", 0x04
    OUTBD BMIBA, 0x00
    call ide_wait
    EXPECTB "ide status after dma", 0x50
    call read_slave_irr
    EXPECTB "ide irq14 cleared by the status read", 0x00
    mov si, HD_PIO_BUF
    mov di, HD_DMA_BUF
    mov cx, 512
    repe cmpsb
    mov ax, cx
    EXPECT "ide dma sector equals pio sector", 0
    mov ax, [HD_DMA_BUF + 510]
    EXPECT "ide dma boot signature", 0xAA55
    ret

    times 0xFFF0 - ($ - $$) db 0xFF
reset_vector:
    jmp 0xF000:start
    times 0x10000 - ($ - $$) db 0xFF
