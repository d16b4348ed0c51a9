; The window test's guest (tests/frontend/window_test.sh): a floppy boot sector that draws
; four pictures through the VGA BIOS and the Bochs VBE registers, and marks each finished
; one with Bochs's magic breakpoint (xchg bx, bx) so the test can find the instruction
; count to take its screenshot at:
;   1. text mode 3: all 256 characters with varied attributes (blinking ones too), a
;      title, the cursor at row 12, column 40; marked twice, about 17 frames apart, so
;      that blinking characters are seen in both phases;
;   2. mode 13h: colour (x xor y), with DAC entries 200-255 reprogrammed;
;   3. mode 12h: 640x480 in 16 colours, each plane written on its own (SR2 map mask);
;   4. Bochs VBE (DISPI ports 1CEh/1CFh) 640x480 at 32 bits, written through the banked
;      window at A0000, every pixel a different colour.
; Then it writes 0 to the exit port 0xF4.
        bits 16
        org 0x7C00

start:
        cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7C00
        cld

        ; ---- 1. text mode 3 ----
        mov ax, 0x0003
        int 0x10
        push 0xB800
        pop es
        xor di, di
        xor cx, cx                      ; cell number
.cell:  mov al, cl
        mov bl, 13
        mul bl                          ; attribute: low byte of cell * 13, xor cell / 256
        xor al, ch
        mov ah, al
        mov al, cl                      ; character: the cell number
        stosw
        inc cx
        cmp cx, 80 * 25
        jb .cell
        mov si, title
        xor di, di
        mov ah, 0x1E
.title: lodsb
        test al, al
        jz .cursor
        stosw
        jmp .title
.cursor:
        mov ah, 0x02
        xor bh, bh
        mov dx, 0x0C28
        int 0x10
        xchg bx, bx                     ; picture 1
        sti                             ; five BIOS timer ticks (55 ms each) later, 15 to
        mov cx, 5                       ; 20 frames on, blinking characters are hidden:
.tick:  hlt                             ; idle time costs no instructions
        loop .tick
        cli
        xchg bx, bx                     ; picture 2: the same text, the other blink phase

        ; ---- 2. mode 13h ----
        mov ax, 0x0013
        int 0x10
        mov dx, 0x3C8
        mov al, 200
        out dx, al
        inc dx
        mov cl, 200
.dac:   mov al, cl                      ; red i, green 3i, blue not i (6 bits each)
        and al, 63
        out dx, al
        mov al, cl
        add al, al
        add al, cl
        and al, 63
        out dx, al
        mov al, cl
        not al
        and al, 63
        out dx, al
        inc cl
        jnz .dac
        push 0xA000
        pop es
        xor di, di
        xor dx, dx                      ; y
.row:   xor cx, cx                      ; x
.px:    mov ax, cx
        xor al, dl
        stosb
        inc cx
        cmp cx, 320
        jb .px
        inc dx
        cmp dx, 200
        jb .row
        xchg bx, bx                     ; picture 3

        ; ---- 3. mode 12h ----
        mov ax, 0x0012
        int 0x10
        mov dx, 0x3C4
        mov ch, 8                       ; plane 3 first
.plane: mov al, 2
        mov ah, ch
        out dx, ax                      ; SR2, map mask: this plane only
        xor di, di
.pb:    mov ax, di
        xor al, ah
        add al, ch
        stosb
        cmp di, 640 * 480 / 8
        jb .pb
        shr ch, 1
        jnz .plane
        xchg bx, bx                     ; picture 4

        ; ---- 4. VBE 640x480x32, banked ----
        mov si, dispi
        mov cx, 5
.reg:   lodsw
        mov dx, 0x1CE
        out dx, ax
        lodsw
        inc dx
        out dx, ax
        loop .reg
        xor esi, esi                    ; pixel number
        xor bp, bp                      ; 64 KiB bank
.bank:  mov ax, 5
        mov dx, 0x1CE
        out dx, ax
        mov ax, bp
        inc dx
        out dx, ax
        xor di, di
.pix:   imul eax, esi, 0x00050301
        stosd
        inc esi
        cmp esi, 640 * 480
        jae .drawn
        test di, di
        jnz .pix
        inc bp
        jmp .bank
.drawn: xchg bx, bx                     ; picture 5

        xor al, al
        out 0xF4, al
.stop:  cli
        hlt
        jmp .stop

title:  db " glass86 window test ", 0
dispi:  dw 4, 0                         ; DISPI: disable, 640 x 480 x 32, enable (banked)
        dw 1, 640
        dw 2, 480
        dw 3, 32
        dw 4, 1

        times 510 - ($ - $$) db 0
        dw 0xAA55
