; The x87 as the system sees it (Intel SDM vol. 1 chapter 8 and appendix D; vol. 3A 2.5 and
; table 2-2): the FNSTENV/FLDENV and FNSAVE/FRSTOR images in real mode, V86 mode, 16-bit
; and 32-bit protected mode, with 16- and 32-bit operand size (vol. 1, 8.1.10, figures 8-9
; to 8-12);
; #NM from CR0.EM/TS/MP; #MF with CR0.NE = 1; with NE = 0 the PC way: FERR# to IRQ 13,
; the freeze of the next waiting instruction, port F0h and IGNNE#, and the 486's FERR#
; pulse from a no-wait instruction (D.2.1.3); the masked and unmasked responses to IE
; (stack overflow and underflow, C1), DE, ZE, OE, UE and PE with the last-instruction and
; operand pointers; FCMOVcc and FCOMI/FUCOMI(P), P6 only; denormals, pseudo-denormals and
; the unsupported encodings (unnormals, pseudo-NaN, pseudo-infinity).
; It needs the PC board's interrupt controllers: glass86 runs it with --firmware.
%define GUEST_NAME "pm_fpu"
%include "guest.inc"

D_SCR16     equ SEL_GUEST           ; 16-bit data, base SCRATCH, limit FFFF

guest_gdt:
    DESC SCRATCH, 0xFFFF, A_P | A_DATA | A_RW | A_ACC
guest_gdt_end:

CR0_MP      equ 0x02
CR0_EM      equ 0x04
CR0_TS      equ 0x08
CR0_NE      equ 0x20
ES_B        equ 0x8080              ; error summary and busy
SW_ESB      equ 0x80
VEC_IRQ13   equ 0x2D                ; slave PIC based at 0x28

S           equ SCRATCH
ENV         equ S + 0x800           ; FNSTENV / FNSAVE images of the 32-bit tests
CWTMP       equ S + 0x7F0
DATA        equ S + 0x10            ; 1.0f, read by the loads whose pointers are checked
V           equ guest_vars
IRQ_N       equ V + 0               ; IRQ 13 handler: count, return EIP, status word, mode
IRQ_EIP     equ V + 4
IRQ_SW      equ V + 8
IRQ_MODE    equ V + 12              ; bit 0: write port F0h, bit 1: FNCLEX
SAVED_ESP   equ V + 16
TMP         equ V + 20

; The status word without C0, C2, C3 (undefined after most instructions).
%macro SW_IS 2
    fnstsw ax
    movzx eax, ax
    and eax, ~0x4500
    CHECK %1, eax, %2
%endmacro
%macro SW_FULL_IS 2
    fnstsw ax
    movzx eax, ax
    CHECK %1, eax, %2
%endmacro
%macro LDCW 1
    mov word [CWTMP], %1
    fldcw [CWTMP]
%endmacro
%macro CHECKW 3                     ; name, word address, expected
    movzx eax, word [%2]
    CHECK %1, eax, %3
%endmacro

guest_main:
    mov dword [DATA], 0x3F800000
    call init_pic
    RUN test_nm
    RUN test_irq13
    ; Native error reporting from here on where the chip has it.
    cmp dword [cpu_family], 4
    jb .no_ne
    mov eax, cr0
    or eax, CR0_NE
    mov cr0, eax
.no_ne:
    RUN test_env32
    RUN test_save32
    RUN test_modes16
    RUN test_v86
    RUN test_mf
    RUN test_exc_stack
    RUN test_exc_arith
    RUN test_exc_ovf_unf
    RUN test_encodings
    RUN test_p6_only
    fninit
    ret

; ---- The interrupt controllers: IRQ 13 (and the cascade) only, slave at 0x28 ----
init_pic:
    mov al, 0x11
    out 0x20, al
    out 0xA0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xA1, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01
    out 0x21, al
    out 0xA1, al
    mov al, 0xFB
    out 0x21, al
    mov al, 0xDF
    out 0xA1, al
    in al, 0x21
    movzx eax, al
    CHECK "the PC board's PIC is there (run with --firmware)", eax, 0xFB
    SET_GATE VEC_IRQ13, irq13_handler, SEL_CODE0, T_INT32
    ret

irq13_handler:
    push eax
    inc dword [IRQ_N]
    mov eax, [esp + 4]
    mov [IRQ_EIP], eax
    fnstsw ax
    mov [IRQ_SW], ax
    test byte [IRQ_MODE], 1
    jz .no_f0
    xor al, al
    out 0xF0, al
.no_f0:
    test byte [IRQ_MODE], 2
    jz .no_clex
    fnclex
.no_clex:
    mov al, 0x20
    out 0xA0, al
    out 0x20, al
    pop eax
    iretd

%macro IRQ_RESET 1                  ; handler mode
    mov dword [IRQ_N], 0
    mov dword [IRQ_EIP], 0
    mov dword [IRQ_SW], 0
    mov dword [IRQ_MODE], %1
%endmacro

; EAX = the first of three addresses, chosen by family: 386, 486, P6.
%macro BY_FAMILY 3
    mov eax, %1
    cmp dword [cpu_family], 4
    jb %%done
    mov eax, %2
    je %%done
    mov eax, %3
%%done:
%endmacro

; ---- #NM: SDM vol. 3A table 2-2 ----
test_nm:
    fninit
    mov ebx, cr0
    and ebx, ~(CR0_MP | CR0_EM | CR0_TS)
    lea eax, [ebx + CR0_EM]
    mov cr0, eax
    TRY "EM=1: FNOP raises #NM", EXC_NM, NOERR
    fnop
    ENDTRY
    TRY "EM=1: FNINIT (no-wait) raises #NM", EXC_NM, NOERR
    fninit
    ENDTRY
    TRY "EM=1: FNSTSW AX raises #NM", EXC_NM, NOERR
    fnstsw ax
    ENDTRY
    NOFAULT "EM=1 MP=0: WAIT runs"
    fwait
    ENDNOFAULT
    lea eax, [ebx + CR0_EM + CR0_MP]
    mov cr0, eax
    NOFAULT "EM=1 MP=1 TS=0: WAIT runs"
    fwait
    ENDNOFAULT
    lea eax, [ebx + CR0_TS]
    mov cr0, eax
    TRY "TS=1: FLD1 raises #NM", EXC_NM, NOERR
    fld1
    ENDTRY
    TRY "TS=1: FNSAVE raises #NM", EXC_NM, NOERR
    fnsave [ENV]
    ENDTRY
    NOFAULT "TS=1 MP=0: WAIT runs"
    fwait
    ENDNOFAULT
    lea eax, [ebx + CR0_TS + CR0_MP]
    mov cr0, eax
    TRY "TS=1 MP=1: WAIT raises #NM", EXC_NM, NOERR
    fwait
    ENDTRY
    TRY "TS=1 MP=1: FNOP raises #NM", EXC_NM, NOERR
    fnop
    ENDTRY
    clts
    NOFAULT "CLTS: FLD1 and WAIT run again"
    fld1
    fwait
    ENDNOFAULT
    mov cr0, ebx
    fninit
    ret

; ---- CR0.NE = 0: FERR# to IRQ 13 (SDM vol. 1, D.2) ----
test_irq13:
    mov eax, cr0
    and eax, ~CR0_NE
    mov cr0, eax
    ; The error goes out when it happens (386 + 387) or when the next waiting instruction
    ; freezes (486, P6); the handler writes F0h and clears the error, the frozen FWAIT
    ; then runs.
    IRQ_RESET 3
    fninit
    LDCW 0x037B                     ; ZE unmasked
    fld1
    fldz
    sti
    fdivp st1
.after_div:
    nop
    nop
.wait:
    fwait
    cli
    CHECK "NE=0: one IRQ 13 for 1/0", dword [IRQ_N], 1
    BY_FAMILY .after_div, .wait, .wait
    CHECK "NE=0: IRQ 13 returns to (386: after the FDIV, 486/P6: the frozen FWAIT)", dword [IRQ_EIP], eax
    movzx eax, word [IRQ_SW]
    and eax, 0x80BF
    CHECK "NE=0: the handler sees ES, B and ZE", eax, 0x8084
    SW_IS "NE=0: FNCLEX in the handler cleared the error", 0x3000
    ; Port F0h alone: IGNNE# lets waiting instructions run with the error pending, until
    ; FNCLEX takes FERR# (and with it IGNNE#) away; the next error freezes again.
    IRQ_RESET 1
    fninit
    LDCW 0x037B
    fld1
    fldz
    sti
    fdivp st1
.after_div2:
    fwait
    fld1
    cli
    CHECK "IGNNE#: one IRQ 13", dword [IRQ_N], 1
    BY_FAMILY .after_div2, .after_div2, .after_div2
    CHECK "IGNNE#: IRQ 13 returns to the FWAIT", dword [IRQ_EIP], eax
    SW_IS "IGNNE#: FLD1 ran with the error pending", 0x2800 | 0x04 | ES_B
    fnclex
    fldz
    sti
    fdivp st1
.after_div3:
    fwait
    cli
    CHECK "IGNNE# gone with FERR#: the next error interrupts again", dword [IRQ_N], 2
    BY_FAMILY .after_div3, .after_div3, .after_div3
    CHECK "IGNNE# gone: IRQ 13 returns to the FWAIT", dword [IRQ_EIP], eax
    ; A no-wait instruction meets a pending error: the 387's ERROR# is already up and
    ; IRQ 13 comes before FNSTSW; the 486 pulses FERR#, IRQ 13 comes after FNSTSW; the P6
    ; does not pulse and the IRQ waits for the next waiting instruction.
    IRQ_RESET 3
    fninit
    LDCW 0x037B
    fld1
    fldz
    fdivp st1
    sti
    nop
.nowait:
    fnstsw ax
.after_nowait:
    mov [TMP], eax
    nop
.wait4:
    fwait
    cli
    ; On the 486 the handler's own FNSTSW and FNCLEX meet the error with IGNNE# off (FERR#
    ; is down again after the pulse, so the F0h write does not assert it) and pulse FERR#
    ; too: IRQ 13 is latched again and comes once more after the handler's IRET.
    BY_FAMILY 1, 2, 1
    CHECK "no-wait window: IRQ 13 count (486: a second one from the handler's FNCLEX)", dword [IRQ_N], eax
    BY_FAMILY .nowait, .after_nowait, .wait4
    CHECK "no-wait window: IRQ 13 returns to (386: FNSTSW, 486: after it, P6: FWAIT)", dword [IRQ_EIP], eax
    BY_FAMILY 0, SW_ESB, SW_ESB
    movzx ecx, word [TMP]
    and ecx, SW_ESB
    CHECK "no-wait window: ES in FNSTSW's AX (none on the 386: the handler ran first)", ecx, eax
    fninit
    mov eax, cr0
    and eax, ~CR0_NE
    mov cr0, eax
    ret

; ---- 32-bit protected mode environment (figure 8-9) ----
test_env32:
    fninit
    LDCW 0x0360                     ; every exception unmasked, none pending
    mov ax, SEL_DATA1
    mov fs, ax
.fld:
    fld dword [fs:DATA]             ; FIP points at the FS prefix (vol. 3A 22.18.6.5)
    fnstenv [ENV]
    CHECKW "env32: CW", ENV, 0x0360
    CHECKW "env32: SW", ENV + 4, 0x3800
    CHECKW "env32: TW (R7 valid, the rest empty)", ENV + 8, 0x3FFF
    CHECK "env32: FIP (the prefix)", dword [ENV + 12], .fld
    CHECK "env32: FOP and FCS", dword [ENV + 16], (0x105 << 16) | SEL_CODE0
    CHECK "env32: FDP", dword [ENV + 20], DATA
    CHECKW "env32: FDS", ENV + 24, SEL_DATA1
    fnstcw [TMP]
    CHECKW "env32: FNSTENV masks every exception", TMP, 0x037F
    mov ax, SEL_DATA0
    mov fs, ax
    ; A register instruction: FOP from its ModRM, FDP/FDS of the last memory operand kept
    ; is not architectural, only FIP/FCS/FOP are checked.
.fadd:
    fadd st0, st0                   ; nasm: DC C0
    fnstenv [ENV]
    CHECK "env32: FIP of FADD ST0,ST0", dword [ENV + 12], .fadd
    CHECK "env32: FOP of FADD ST0,ST0 (DC C0)", dword [ENV + 16], (0x4C0 << 16) | SEL_CODE0
    ; Control instructions leave the pointers alone.
    fnclex
    fldcw [TMP]
    fnstenv [ENV]
    CHECK "env32: FLDCW/FNCLEX do not move FIP", dword [ENV + 12], .fadd
    ; 16-bit operand size in 32-bit code (figure 8-10).
.fld16:
    fld dword [DATA]
    o16 fnstenv [ENV + 0x40]
    CHECKW "env16pm: CW", ENV + 0x40, 0x037F
    CHECKW "env16pm: SW", ENV + 0x42, 0x3000
    CHECKW "env16pm: TW", ENV + 0x44, 0x0FFF
    CHECKW "env16pm: FIP", ENV + 0x46, (.fld16 - $$) & 0xFFFF
    CHECKW "env16pm: FCS", ENV + 0x48, SEL_CODE0
    CHECKW "env16pm: FDP", ENV + 0x4A, DATA & 0xFFFF
    CHECKW "env16pm: FDS", ENV + 0x4C, SEL_DATA0
    ; FLDENV: an image with pointers of our own comes back the same.
    mov dword [ENV + 0x80], 0x0000037F
    mov dword [ENV + 0x84], 0x00002000
    mov dword [ENV + 0x88], 0x0000FFFF
    mov dword [ENV + 0x8C], 0x12345678
    mov dword [ENV + 0x90], (0x7AB << 16) | 0x4321
    mov dword [ENV + 0x94], 0x9ABCDEF0
    mov dword [ENV + 0x98], 0x00005555
    fldenv [ENV + 0x80]
    fnstenv [ENV]
    CHECK "fldenv32: FIP", dword [ENV + 12], 0x12345678
    CHECK "fldenv32: FOP and FCS", dword [ENV + 16], (0x7AB << 16) | 0x4321
    CHECK "fldenv32: FDP", dword [ENV + 20], 0x9ABCDEF0
    CHECKW "fldenv32: FDS", ENV + 24, 0x5555
    CHECKW "fldenv32: SW (TOP 4)", ENV + 4, 0x2000
    CHECKW "fldenv32: TW", ENV + 8, 0xFFFF
    ; FLDENV with an unmasked exception flag set: pending, and #MF (or a freeze) at the
    ; next waiting instruction; FNSTSW still runs.
    mov dword [ENV + 0x80], 0x0000037B
    mov dword [ENV + 0x84], 0x00000004
    fldenv [ENV + 0x80]
    SW_FULL_IS "fldenv32: ES and B follow the loaded flags and masks", 0x8084
    fninit
    ret

; ---- FNSAVE/FRSTOR in 32-bit protected mode, both operand sizes ----
test_save32:
    fninit
    fld1                            ; ST2
    fldz                            ; ST1
    fldpi                           ; ST0
    fnsave [ENV]
    CHECKW "fnsave32: TW", ENV + 8, 0x13FF    ; R5 valid, R6 zero, R7 valid
    CHECK "fnsave32: ST0 (pi) significand high", dword [ENV + 28 + 4], 0xC90FDAA2
    CHECKW "fnsave32: ST0 exponent", ENV + 28 + 8, 0x4000
    CHECKW "fnsave32: ST1 exponent (zero)", ENV + 38 + 8, 0x0000
    CHECK "fnsave32: ST2 (1.0) significand high", dword [ENV + 48 + 4], 0x80000000
    fnstenv [ENV + 0x100]
    CHECKW "fnsave32: then FNINIT's CW", ENV + 0x100, 0x037F
    CHECKW "fnsave32: then FNINIT's SW", ENV + 0x104, 0x0000
    CHECKW "fnsave32: then FNINIT's TW", ENV + 0x108, 0xFFFF
    frstor [ENV]
    fnstsw ax
    movzx eax, ax
    CHECK "frstor32: TOP 5", eax, 0x2800
    fstp tword [ENV + 0x200]
    CHECK "frstor32: ST0 is pi again", dword [ENV + 0x204], 0xC90FDAA2
    fstp st0
    fld1
    fadd st0, st0                   ; ST0 = 2 above the restored 1.0
    o16 fnsave [ENV + 0x300]
    CHECKW "fnsave16: TW", ENV + 0x304, 0x0FFF
    CHECKW "fnsave16: ST0 exponent (2.0)", ENV + 0x300 + 14 + 8, 0x4000
    CHECKW "fnsave16: ST1 exponent (1.0)", ENV + 0x300 + 24 + 8, 0x3FFF
    o16 frstor [ENV + 0x300]
    fstp tword [ENV + 0x200]
    CHECKW "frstor16: ST0 is 2.0", ENV + 0x208, 0x4000
    fninit
    ret

; ---- 16-bit protected mode and real mode (figures 8-10 to 8-12) ----
test_modes16:
    mov dword [S + 0x10], 0x3F800000
    ; A real-mode image for FLDENV: FIP 5:1234, FOP 7AB, FDP A:5678.
    mov dword [S + 0x500], 0x0000037F
    mov dword [S + 0x504], 0x1234FFFF
    mov dword [S + 0x508], 0x567857AB
    mov word [S + 0x50C], 0xA000
    mov [SAVED_ESP], esp
    jmp SEL_CODE16:(pm16 - BASE)
modes16_back:
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, [SAVED_ESP]
    CHECKW "pm16: CW", S + 0x100, 0x037F
    CHECKW "pm16: SW", S + 0x102, 0x3800
    CHECKW "pm16: TW", S + 0x104, 0x3FFF
    CHECKW "pm16: FIP", S + 0x106, pm16_fld - BASE
    CHECKW "pm16: FCS", S + 0x108, SEL_CODE16
    CHECKW "pm16: FDP", S + 0x10A, 0x0010
    CHECKW "pm16: FDS", S + 0x10C, D_SCR16
    CHECK "pm16 o32: FIP", dword [S + 0x12C], pm16_fld - BASE
    CHECK "pm16 o32: FOP and FCS", dword [S + 0x130], (0x106 << 16) | SEL_CODE16
    CHECK "pm16 o32: FDP", dword [S + 0x134], 0x0010
    CHECKW "pm16 o32: FDS", S + 0x138, D_SCR16
    CHECKW "pm16 fnsave: ST0 exponent", S + 0x200 + 14 + 8, 0x3FFF
    CHECK "pm16 frstor: environment back (FIP)", dword [S + 0x166], dword [S + 0x106]
    CHECK "pm16 frstor: environment back (FDP, FDS)", dword [S + 0x16A], dword [S + 0x10A]
    ; Real mode, 16-bit image: linear pointers, bits 19-16 above the opcode.
    CHECKW "real16: FIP 15-0", S + 0x306, (rm_fld - $$) & 0xFFFF
    CHECKW "real16: FIP 19-16 and FOP", S + 0x308, 0xF000 | 0x106
    CHECKW "real16: FDP 15-0", S + 0x30A, 0x0010
    CHECKW "real16: FDP 19-16", S + 0x30C, 0x2000
    ; Real mode, 32-bit image.
    CHECKW "real32: FIP 15-0", S + 0x32C, (rm_fld - $$) & 0xFFFF
    CHECK "real32: FIP 31-16 and FOP", dword [S + 0x330], 0xF000 | 0x106
    CHECKW "real32: FDP 15-0", S + 0x334, 0x0010
    CHECK "real32: FDP 31-16", dword [S + 0x338], 0x2000
    CHECK "real32 frstor: FIP back", dword [S + 0x490], dword [S + 0x330]
    CHECK "real32 frstor: FDP back", dword [S + 0x498], dword [S + 0x338]
    CHECKW "real32 fnsave: ST0 exponent", S + 0x400 + 28 + 8, 0x3FFF
    CHECK "real16 fldenv: FIP and FOP back", dword [S + 0x526], 0x57AB1234
    CHECK "real16 fldenv: FDP back", dword [S + 0x52A], 0xA0005678
    ret

bits 16
pm16:
    mov ax, D_SCR16
    mov ds, ax
    fninit
pm16_fld:
    fld dword [0x10]
    fnstenv [0x100]
    o32 fnstenv [0x120]
    fnsave [0x200]
    frstor [0x200]
    fnstenv [0x160]
    mov eax, cr0
    and al, ~1
    mov cr0, eax
    jmp 0xF000:(rm16 - BASE)
rm16:
    mov ax, 0x2000
    mov ds, ax
    fninit
rm_fld:
    fld dword [0x10]
    fnstenv [0x300]
    o32 fnstenv [0x320]
    o32 fnsave [0x400]
    o32 frstor [0x400]
    o32 fnstenv [0x480]
    fninit
    fldenv [0x500]
    fnstenv [0x520]
    fninit
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword SEL_CODE0:modes16_back
bits 32

; ---- Virtual-8086 mode: the real-mode layouts, linear pointers from CS and DS ----
test_v86:
    SET_GATE 0x31, v86_exit, SEL_CODE0, T_INT32 | 0x60
    mov dword [S + 0x10], 0x3F800000
    mov [SAVED_ESP], esp
    push dword 0                    ; GS
    push dword 0                    ; FS
    push dword 0x2000               ; DS: linear 0x20000 = SCRATCH
    push dword 0                    ; ES
    push dword 0                    ; SS
    push dword 0x7000               ; SP
    push dword 0x23002              ; VM, IOPL 3 (INT 31h goes to its gate)
    push dword 0xF000
    push dword v86_code - BASE
    iretd
v86_exit:
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, [SAVED_ESP]
    CHECKW "v86 env16: FIP 15-0", S + 0x606, (v86_fld - $$) & 0xFFFF
    CHECKW "v86 env16: FIP 19-16 and FOP", S + 0x608, 0xF000 | 0x106
    CHECKW "v86 env16: FDP 15-0", S + 0x60A, 0x0010
    CHECKW "v86 env16: FDP 19-16", S + 0x60C, 0x2000
    CHECK "v86 env32: FIP 31-16 and FOP", dword [S + 0x630], 0xF000 | 0x106
    CHECK "v86 env32: FDP 31-16", dword [S + 0x638], 0x2000
    CHECK "v86 frstor: FIP back", dword [S + 0x790], dword [S + 0x630]
    ret

bits 16
v86_code:
    fninit
v86_fld:
    fld dword [0x10]
    fnstenv [0x600]
    o32 fnstenv [0x620]
    o32 fnsave [0x700]
    o32 frstor [0x700]
    o32 fnstenv [0x780]
    fninit
    int 0x31
bits 32

; ---- #MF with CR0.NE = 1 (486 and P6) ----
test_mf:
    NEED_FAMILY 4
    fninit
    LDCW 0x037B
    fld1
    fldz
    NOFAULT "NE=1: the faulting FDIV itself completes"
.div:
    fdivp st1
    ENDNOFAULT
    NOFAULT "NE=1: no-wait instructions run with the error pending"
    fnstsw ax
    fnstcw [TMP]
    ENDNOFAULT
    TRY "NE=1: #MF at the next FWAIT", 16, NOERR
    fwait
    ENDTRY
    TRY "NE=1: #MF at the next FLD1, before it runs", 16, NOERR
    fld1
    ENDTRY
    SW_IS "NE=1: FLD1 did not run (TOP 6)", 0x3000 | 0x04 | ES_B
    fnstenv [ENV]
    CHECK "NE=1: FIP names the FDIVP", dword [ENV + 12], .div
    CHECK "NE=1: FOP of FDIVP ST1", dword [ENV + 16], (0x6F9 << 16) | SEL_CODE0
    fnclex
    NOFAULT "NE=1: FNCLEX clears the pending error"
    fwait
    ENDNOFAULT
    ; A masked flag that a new control word unmasks is pending at once.
    fninit
    fld1
    fldz
    fdivp st1
    LDCW 0x037B
    SW_FULL_IS "FLDCW unmasking a set flag: ES and B", 0xB884
    TRY "FLDCW unmasking a set flag: #MF at FWAIT", 16, NOERR
    fwait
    ENDTRY
    TRY "FLDCW is a waiting instruction", 16, NOERR
    fldcw [CWTMP]
    ENDTRY
    fninit
    NOFAULT "FNINIT clears the pending error"
    fwait
    ENDNOFAULT
    ret

; ---- IE: stack underflow and overflow (C1), masked and unmasked ----
; Unmasked errors are read only with no-wait instructions: on the 386 (CR0.NE = 0) a
; waiting one would freeze.
test_exc_stack:
    fninit
    fadd st0, st1
    SW_IS "underflow masked: IE SF, C1=0", 0x0041
    fnsave [ENV]
    CHECKW "underflow masked: ST0 tagged special", ENV + 8, 0xFFFE
    CHECK "underflow masked: ST0 is the indefinite", dword [ENV + 28 + 4], 0xC0000000
    CHECKW "underflow masked: indefinite exponent", ENV + 28 + 8, 0xFFFF
    LDCW 0x037E
.uf:
    fadd st0, st1
    SW_IS "underflow unmasked: IE SF ES B", 0x0041 | ES_B
    fnsave [ENV]
    CHECKW "underflow unmasked: ST0 stays empty", ENV + 8, 0xFFFF
    CHECK "underflow unmasked: FIP", dword [ENV + 12], .uf
    CHECK "underflow unmasked: FOP of FADD ST0,ST1", dword [ENV + 16], (0x0C1 << 16) | SEL_CODE0
    ; Overflow: a ninth push.
%rep 8
    fld1
%endrep
    fld1
    SW_IS "overflow masked: IE SF C1=1, TOP 7", 0x3800 | 0x0200 | 0x0041
    fnsave [ENV]
    CHECK "overflow masked: the indefinite pushed", dword [ENV + 28 + 4], 0xC0000000
    LDCW 0x037E
%rep 8
    fld1
%endrep
.of:
    fldz
    SW_IS "overflow unmasked: IE SF C1 ES B, TOP 0", 0x0200 | 0x0041 | ES_B
    fnsave [ENV]
    CHECKW "overflow unmasked: nothing pushed (all valid)", ENV + 8, 0x0000
    CHECKW "overflow unmasked: ST0 still 1.0", ENV + 28 + 8, 0x3FFF
    CHECK "overflow unmasked: FIP", dword [ENV + 12], .of
    ret

; ---- DE, ZE, PE ----
test_exc_arith:
    fninit
    mov dword [S + 0x20], 0x00000001 ; the smallest single denormal
    mov dword [S + 0x24], 0x40400000 ; 3.0f
    fld dword [S + 0x20]
    SW_IS "DE masked: FLD of a single denormal", 0x3800 | 0x02
    fnsave [ENV]
    CHECKW "DE masked: normalized in the register", ENV + 28 + 8, 0x3F6A
    CHECK "DE masked: significand", dword [ENV + 28 + 4], 0x80000000
    LDCW 0x037D
.de:
    fld dword [S + 0x20]
    SW_IS "DE unmasked: nothing pushed", 0x0002 | ES_B
    fnstenv [ENV]
    CHECKW "DE unmasked: TW all empty", ENV + 8, 0xFFFF
    CHECK "DE unmasked: FIP", dword [ENV + 12], .de
    CHECK "DE unmasked: FOP", dword [ENV + 16], (0x105 << 16) | SEL_CODE0
    CHECK "DE unmasked: FDP", dword [ENV + 20], S + 0x20
    CHECKW "DE unmasked: FDS", ENV + 24, SEL_DATA0
    fninit
    fld1
    fldz
    fdivp st1
    SW_IS "ZE masked: 1/0", 0x3800 | 0x04
    fnsave [ENV]
    CHECKW "ZE masked: +infinity", ENV + 28 + 8, 0x7FFF
    CHECK "ZE masked: infinity significand", dword [ENV + 28 + 4], 0x80000000
    LDCW 0x037B
    fld1
    fldz
.ze:
    fdivp st1
    SW_IS "ZE unmasked: no pop", 0x3000 | 0x04 | ES_B
    fnsave [ENV]
    CHECKW "ZE unmasked: operands kept (TW)", ENV + 8, 0x1FFF
    CHECK "ZE unmasked: FIP", dword [ENV + 12], .ze
    CHECK "ZE unmasked: FOP", dword [ENV + 16], (0x6F9 << 16) | SEL_CODE0
    ; 1/3 rounds up: PE with C1 = 1.
    fld1
    fld dword [S + 0x24]
    fdivp st1
    SW_IS "PE masked: 1/3, C1 = 1 (rounded up)", 0x3800 | 0x0200 | 0x20
    fnsave [ENV]
    CHECK "PE masked: significand low", dword [ENV + 28], 0xAAAAAAAB
    LDCW 0x035F
    fld1
    fld dword [S + 0x24]
    fdivp st1
    SW_IS "PE unmasked: result stored all the same", 0x3800 | 0x0200 | 0x20 | ES_B
    fnsave [ENV]
    CHECK "PE unmasked: significand low", dword [ENV + 28], 0xAAAAAAAB
    ret

; ---- OE and UE: masked results, the unmasked results scaled by 2^-+24576 ----
test_exc_ovf_unf:
    mov dword [S + 0x30], 0xFFFFFFFF ; the largest extended
    mov dword [S + 0x34], 0xFFFFFFFF
    mov word [S + 0x38], 0x7FFE
    mov dword [S + 0x40], 0          ; the smallest normal extended
    mov dword [S + 0x44], 0x80000000
    mov word [S + 0x48], 0x0001
    fninit
    fld tword [S + 0x30]
    fmul st0, st0
    SW_IS "OE masked: infinity, OE PE, C1 = 1", 0x3800 | 0x0200 | 0x28
    fnsave [ENV]
    CHECKW "OE masked: +infinity", ENV + 28 + 8, 0x7FFF
    LDCW 0x0377
    fld tword [S + 0x30]
    fmul st0, st0
    SW_IS "OE unmasked: OE PE ES, C1 = 0", 0x3800 | 0x28 | ES_B
    fnsave [ENV]
    CHECKW "OE unmasked: exponent less 24576", ENV + 28 + 8, 0x5FFE
    CHECK "OE unmasked: significand", dword [ENV + 28], 0xFFFFFFFE
    LDCW 0x0377
    fld tword [S + 0x30]
    mov dword [S + 0x50], 0x12345678
    fst dword [S + 0x50]
    CHECK "OE unmasked, FST m32: memory unchanged", dword [S + 0x50], 0x12345678
    SW_IS "OE unmasked, FST m32: OE ES (no PE)", 0x3800 | 0x08 | ES_B
    fninit
    fld tword [S + 0x40]
    fmul st0, st0
    SW_IS "UE masked: flushed to +0, UE PE", 0x3800 | 0x30
    fnsave [ENV]
    CHECKW "UE masked: +0", ENV + 8, 0x7FFF
    LDCW 0x036F
    fld tword [S + 0x40]
    fmul st0, st0
    SW_IS "UE unmasked: UE ES, exact so no PE", 0x3800 | 0x10 | ES_B
    fnsave [ENV]
    CHECKW "UE unmasked: exponent plus 24576", ENV + 28 + 8, 0x2003
    CHECK "UE unmasked: significand", dword [ENV + 28 + 4], 0x80000000
    LDCW 0x036F
    fld tword [S + 0x40]
    mov dword [S + 0x50], 0x12345678
    fst dword [S + 0x50]
    CHECK "UE unmasked, FST m32: memory unchanged", dword [S + 0x50], 0x12345678
    SW_IS "UE unmasked, FST m32: UE ES (no PE, C1 = 0)", 0x3800 | 0x10 | ES_B
    fninit
    ret

; ---- Encodings loaded from memory (vol. 1, 8.2.2; vol. 2 FXAM; vol. 3A 22.18.5) ----
; The 387, the 486 and the P6 agree here: unnormals, pseudo-NaNs and pseudo-infinities
; raise IE as operands, pseudo-denormals are read with exponent 1 and raise DE; only the
; 287 differed.
; Class from FXAM: C3 C2 C0 = 000 unsupported, 010 normal, 110 denormal, 011 infinity.
%macro LOAD80 3                     ; exponent word, significand high, low
    mov dword [S + 0x60], %3
    mov dword [S + 0x64], %2
    mov word [S + 0x68], %1
    fld tword [S + 0x60]
%endmacro
%macro FXAM_IS 2
    fxam
    fnstsw ax
    movzx eax, ax
    and eax, 0x4500
    CHECK %1, eax, %2
%endmacro

test_encodings:
    fninit
    LOAD80 0x0000, 0x80000000, 0    ; pseudo-denormal
    SW_IS "pseudo-denormal: FLD m80 raises nothing", 0x3800
    FXAM_IS "pseudo-denormal: FXAM says denormal", 0x4400
    fnstenv [ENV]
    CHECKW "pseudo-denormal: tagged special", ENV + 8, 0xBFFF
    fadd st0, st0
    SW_IS "pseudo-denormal: DE when used", 0x3800 | 0x02
    fnsave [ENV]
    CHECKW "pseudo-denormal: read as 2^-16382 (sum exponent 2)", ENV + 28 + 8, 0x0002
    CHECK "pseudo-denormal: sum significand", dword [ENV + 28 + 4], 0x80000000
    fninit
    LOAD80 0x0000, 0, 1             ; extended denormal
    SW_IS "extended denormal: FLD m80 raises no DE", 0x3800
    FXAM_IS "extended denormal: FXAM says denormal", 0x4400
    fld1
    fmulp st1
    SW_IS "extended denormal: DE when used, exact so no UE", 0x3800 | 0x02
    fninit
    mov dword [S + 0x70], 1
    mov dword [S + 0x74], 0
    fld qword [S + 0x70]
    SW_IS "double denormal: DE", 0x3800 | 0x02
    fnsave [ENV]
    CHECKW "double denormal: normalized exponent", ENV + 28 + 8, 0x3BCD
    fninit
    LOAD80 0x3FFF, 0x40000000, 0    ; unnormal
    SW_IS "unnormal: FLD m80 raises nothing", 0x3800
    FXAM_IS "unnormal: FXAM says unsupported", 0x0000
    fnstenv [ENV]
    CHECKW "unnormal: tagged special (valid on the 287, 22.18.4)", ENV + 8, 0xBFFF
    fadd st0, st0
    SW_IS "unnormal: IE when used", 0x3800 | 0x01
    fnsave [ENV]
    CHECK "unnormal: the indefinite", dword [ENV + 28 + 4], 0xC0000000
    CHECKW "unnormal: indefinite exponent", ENV + 28 + 8, 0xFFFF
    fninit
    LOAD80 0x7FFF, 0x40000000, 1    ; pseudo-NaN
    FXAM_IS "pseudo-NaN: FXAM says unsupported", 0x0000
    fadd st0, st0
    SW_IS "pseudo-NaN: IE when used", 0x3800 | 0x01
    fninit
    LOAD80 0x7FFF, 0, 0             ; pseudo-infinity
    FXAM_IS "pseudo-infinity: FXAM says unsupported", 0x0000
    fld1
    LDCW 0x037E
    faddp st1
    SW_IS "pseudo-infinity unmasked: IE ES, no pop", 0x3000 | 0x01 | ES_B
    fnsave [ENV]
    CHECKW "pseudo-infinity unmasked: operands kept", ENV + 28 + 8, 0x3FFF
    ret

; ---- P6 only: FCMOVcc, FCOMI, FUCOMI, FCOMIP, FUCOMIP (#UD before) ----
test_p6_only:
    fninit
    fld1
    fldz                            ; ST0 = 0, ST1 = 1
    cmp dword [cpu_family], 6
    jae .p6
    TRY "386/486: FCMOVB is #UD", EXC_UD, NOERR
    fcmovb st0, st1
    ENDTRY
    TRY "386/486: FCMOVNBE is #UD", EXC_UD, NOERR
    fcmovnbe st0, st1
    ENDTRY
    TRY "386/486: FCOMI is #UD", EXC_UD, NOERR
    fcomi st0, st1
    ENDTRY
    TRY "386/486: FUCOMI is #UD", EXC_UD, NOERR
    fucomi st0, st1
    ENDTRY
    TRY "386/486: FCOMIP is #UD", EXC_UD, NOERR
    fcomip st0, st1
    ENDTRY
    TRY "386/486: FUCOMIP is #UD", EXC_UD, NOERR
    fucomip st0, st1
    ENDTRY
    fninit
    ret
.p6:
    fcomi st0, st1                  ; 0 < 1: CF=1 ZF=0 PF=0
    pushfd
    fcmovnb st0, st1                ; CF=1: no move
    fst dword [TMP]
    fcmovb st0, st1                 ; moves 1.0
    fst dword [TMP + 4]
    pop eax
    and eax, 0x45
    CHECK "P6: FCOMI 0 < 1", eax, 0x01
    CHECK "P6: FCMOVNB with CF=1 does not move", dword [TMP], 0
    CHECK "P6: FCMOVB with CF=1 moves", dword [TMP + 4], 0x3F800000
    fucomip st0, st1                ; 1 = 1: ZF=1, pops
    pushfd
    pop eax
    and eax, 0x45
    CHECK "P6: FUCOMIP equal", eax, 0x40
    SW_IS "P6: FUCOMIP popped", 0x3800
    fldz
    fdiv st0, st0                   ; NaN (masked IE)
    fnclex
    fcomip st0, st1                 ; unordered: ZF PF CF, IE (FCOMI signals on QNaN)
    pushfd
    pop eax
    and eax, 0x45
    CHECK "P6: FCOMIP unordered", eax, 0x45
    SW_IS "P6: FCOMIP on a NaN raises IE", 0x3800 | 0x01
    fninit
    ret

    GUEST_END
