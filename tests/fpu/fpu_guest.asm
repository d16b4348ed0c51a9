; A real-mode guest for test_fpu_guest.c: x87 arithmetic, FNSTSW, FSAVE/FSTENV/FRSTOR in
; the real-mode layouts (SDM vol. 1, figures 8-10 and 8-12, 16- and 32-bit operand size),
; #NM from CR0.TS, #MF with CR0.NE = 1, and FCOMI/FCMOVcc (P6; #UD on the 486). Results
; go to fixed addresses from 0x2000 that the test reads back. Loaded at 0000:1000.
bits 16
org 0x1000

start:
    xor ax, ax
    mov ds, ax
    mov word [6*4], ud_handler
    mov word [6*4+2], 0
    mov word [7*4], nm_handler
    mov word [7*4+2], 0
    mov word [16*4], mf_handler
    mov word [16*4+2], 0
    fninit
    ; 7 / 2 = 3.5: FIST rounds to even (4), FSTP m64 stores 3.5 exactly.
    fild word [c7]
    fild word [c2]
    fdivp st1, st0
    fist word [r_int]
    fstp qword [r_f64]
    ; FCOMPP of 2 against 1: greater, so C3 = C2 = C0 = 0, and TOP is back to 0.
    fld1
    fild word [c2]
    fcompp
    fnstsw ax
    mov [r_sw1], ax
    ; FSAVE with 16-bit operand size (94 bytes), then FSTENV with 32-bit (28 bytes).
    fld1
lbl_fldz:
    fldz
    fsave [img16]
lbl_fldpi:
    fldpi
    o32 fnstenv [env32]
    fninit
    ; FRSTOR brings back 0.0 and 1.0.
    frstor [img16]
    fstp tword [r_st0]
    fstp tword [r_st1]
    ; CR0.TS = 1: the next escape raises #NM; the handler clears TS and it runs again.
    mov eax, cr0
    or al, 8
    mov cr0, eax
    fld1
    fstp st0
    ; CR0.NE = 1 and ZE unmasked: 1/0 leaves an exception pending, FWAIT reports #MF.
    mov eax, cr0
    or eax, 0x20
    mov cr0, eax
    fninit
    fldcw [cw_zm]
    fld1
    fldz
    fdivp st1, st0
    fwait
    fnstsw [r_sw2]
    ; FCOMI sets CF for 0 < 1; FCMOVB then copies 1.0 into ST(0). Both #UD on a 486.
    fninit
    fld1
    fldz
    fcomi st0, st1
    pushf
    pop ax
    mov [r_flags], ax
    fcmovb st0, st1
    fstp tword [r_cmov]
    hlt

ud_handler:             ; skip the two-byte instruction
    inc word [r_ud]
    push bp
    mov bp, sp
    add word [bp+2], 2
    pop bp
    iret
nm_handler:
    clts
    inc word [r_nm]
    iret
mf_handler:
    fnstsw [r_mf_sw]
    fnclex
    inc word [r_mf]
    iret

c7: dw 7
c2: dw 2
cw_zm: dw 0x037B

    times 0x2000 - ($ - $$) - 0x1000 db 0
r_int: dw 0             ; 0x2000
    align 8
r_f64: dq 0             ; 0x2008
r_sw1: dw 0             ; 0x2010
r_sw2: dw 0             ; 0x2012
r_flags: dw 0           ; 0x2014
r_ud: dw 0              ; 0x2016
r_nm: dw 0              ; 0x2018
r_mf: dw 0              ; 0x201A
r_mf_sw: dw 0           ; 0x201C
    align 16
r_st0: times 10 db 0            ; 0x2020
    align 16
r_st1: times 10 db 0            ; 0x2030
    align 16
r_cmov: times 10 db 0           ; 0x2040
    align 16
img16: times 94 db 0    ; 0x2050
    align 16
env32: times 28 db 0    ; 0x20B0
