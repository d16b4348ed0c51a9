; The boot tests' guest: a boot sector that the BIOS loads at 0000:7C00 from a hard disk
; (MBR), a floppy or a CD (El Torito no-emulation image). It prints one line through the
; BIOS (INT 10h teletype) and on the debug port 0xE9, reads more of its medium through
; INT 13h and checks the sector markers mkbootimg put there, prints the verdict and ends
; the run through the exit port 0xF4: status 0 when all is well, 1 when INT 13h failed,
; 2 when a sector came back with the wrong contents. Build with -DDEVICE='"floppy"' etc.
;
; The reads cross what a BIOS has to get right: on a floppy or disk (CHS, AH=02h) the
; rest of track 0 head 0, all of head 1 and all of cylinder 1 head 0, each as one
; multi-sector call; on a CD (AH=42h, 2048-byte sectors) four sectors after the image.
; Every 512-byte block of the media starts "G86" + kind + its 32-bit LBA (in 512-byte
; units on disks, in 2048-byte units on the CD).
        bits 16
        org 0x7C00

%ifndef DEVICE
%define DEVICE "unknown device"
%endif

BUF_SEG equ 0x1000              ; reads land at 1000:0000 (physical 0x10000)

start:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7C00
        mov [drive], dl
        sti
        mov si, message
        call print
        mov al, [drive]
        call print_hex
        mov si, newline
        call print

        cmp byte [drive], 0xE0
        jae cd_check

        ; CHS media: the geometry from AH=08h.
        mov ah, 0x08
        mov dl, [drive]
        push es
        int 0x13
        pop es
        jc fail_io
        mov al, cl
        and al, 0x3F
        mov [spt], al
        inc dh
        mov [heads], dh

        ; Cylinder 0, head 0, sectors 2..spt: LBA 1..spt-1.
        mov al, [spt]
        dec al
        mov cx, 0x0002
        xor dh, dh
        mov ebx, 1
        call read_chs
        ; Cylinder 0, head 1 (when there is one), sectors 1..spt.
        cmp byte [heads], 2
        jb .cyl1
        mov al, [spt]
        mov cx, 0x0001
        mov dh, 1
        movzx ebx, byte [spt]
        call read_chs
.cyl1:
        ; Cylinder 1, head 0, sectors 1..spt: LBA heads*spt.
        mov al, [spt]
        mul byte [heads]
        movzx ebx, ax
        mov al, [spt]
        mov cx, 0x0101
        xor dh, dh
        call read_chs
        jmp pass

; Read AL sectors at CH/CL/DH to BUF_SEG:0 and check that they are LBA EBX onwards.
read_chs:
        mov [count], al
        mov [lba], ebx
        push ax
        mov ax, BUF_SEG
        mov es, ax
        pop ax
        xor bx, bx
        mov ah, 0x02
        mov dl, [drive]
        int 0x13
        jc fail_io
        movzx cx, byte [count]
        mov ebx, [lba]
        mov dx, 512
        mov al, 'S'
        jmp check

; Read four 2048-byte sectors from LBA 24 of the CD with the EDD packet call.
cd_check:
        mov si, packet
        mov ah, 0x42
        mov dl, [drive]
        int 0x13
        jc fail_io
        mov cx, 4
        mov ebx, 24
        mov dx, 2048
        mov al, 'C'
        call check
        jmp pass

; Check CX blocks of DX bytes at BUF_SEG:0: "G86" + AL + LBA, the LBA counting up from
; EBX. Returns on success; exits with status 2 on a mismatch.
check:
        push ds
        push ax
        mov ax, BUF_SEG
        mov ds, ax
        pop ax
        xor si, si
.next:
        cmp word [si], 'G8'
        jne .bad
        cmp byte [si + 2], '6'
        jne .bad
        cmp [si + 3], al
        jne .bad
        cmp [si + 4], ebx
        jne .bad
        inc ebx
        add si, dx
        loop .next
        pop ds
        ret
.bad:
        pop ds
        mov si, bad_data
        call print
        mov al, 2
        jmp finish

fail_io:
        push ax
        mov si, io_error
        call print
        pop ax
        mov al, ah
        call print_hex
        mov si, newline
        call print
        mov al, 1
        jmp finish

pass:
        mov si, read_ok
        call print
        mov al, 0
finish:
        out 0xF4, al            ; the run ends here
.hang:
        hlt
        jmp .hang

; Print the NUL-terminated string at DS:SI on the screen and the debug port.
print:
        lodsb
        test al, al
        jz .done
        call putc
        jmp print
.done:
        ret

putc:
        out 0xE9, al
        pusha
        mov ah, 0x0E            ; teletype output, page 0
        mov bx, 0x0007
        int 0x10
        popa
        ret

print_hex:
        push ax
        shr al, 4
        call nibble
        pop ax
        and al, 0x0F
nibble:
        add al, '0'
        cmp al, '9'
        jbe .digit
        add al, 'A' - '9' - 1
.digit:
        jmp putc

message:  db "glass86 boot OK from ", DEVICE, " (drive ", 0
newline:  db "h)", 13, 10, 0
read_ok:  db "glass86 read check OK", 13, 10, 0
io_error: db "read error (AH=", 0
bad_data: db "read check: bad data", 13, 10, 0

packet:   db 16, 0              ; EDD disk address packet
          dw 4                  ; sectors
          dw 0, BUF_SEG         ; buffer
          dq 24                 ; LBA
drive:    db 0
spt:      db 0
heads:    db 0
count:    db 0
lba:      dd 0

        times 510 - ($ - $$) db 0
        dw 0xAA55
