; Virtual-8086 mode (SDM vol. 3A chapter 20): entering it with IRET and VM=1, real-mode
; segment arithmetic and limits, the IOPL-sensitive instructions (CLI STI PUSHF POPF INT n
; IRET) with IOPL 3 (they run) and IOPL 0 (#GP to a ring-0 monitor that emulates them),
; IN/OUT through the I/O permission bitmap whatever the IOPL, the interrupt frame of an
; exit to the monitor (segment registers pushed, then nulled), and on the P6 the VME
; extension: the virtual interrupt flag in CLI STI PUSHF POPF IRET and INT n redirection
; through the TSS bitmap to the V86 task's own vector table.
%define GUEST_NAME "pm_v86"
%include "guest.inc"

guest_gdt:
guest_gdt_end:

VM      equ 0x20000
IOPL3   equ 0x3000
VIF     equ 0x80000
VIP     equ 0x100000
V86_SP  equ 0x7000                  ; V86 stack: SS 0, SP 7000
REDIR   equ TSS_BASE + TSS_IOMAP - 32 ; the VME interrupt redirection bitmap
IOMAP   equ TSS_BASE + TSS_IOMAP

V       equ guest_vars              ; below 64 KiB: V86 code reaches it with DS = 0
R       equ V                       ; R + 2n: words the V86 code stores
LOG_N   equ V + 64                  ; monitor log: opcodes of the #GP faults it saw
LOG     equ V + 68                  ; 32 bytes
VIRT_IF equ V + 100                 ; the monitor's virtual IF
RET_ESP equ V + 104                 ; ring-0 ESP of enter_v86
EXIT    equ V + 108                 ; frame of the exit: EIP CS EFLAGS ESP SS ES DS FS GS
EXIT_SEGS equ V + 144               ; DS ES FS GS as the exit handler found them
INT32_N equ V + 160                 ; INT 32h handler (protected mode) count
INT40_N equ V + 164                 ; V86 INT 40h handler count (a word)
INT40_F equ V + 166                 ; FLAGS image the V86 INT 40h handler found (a word)

%macro R16 1                        ; word n of R, as a dword operand for CHECK
    movzx eax, word [R + 2 * (%1)]
%endmacro

guest_main:
    ; The V86 task's vector table at linear 0.
    mov word [0x40 * 4], v86_int40 - BASE
    mov word [0x40 * 4 + 2], 0xF000
    mov word [0x41 * 4], v86_int40 - BASE
    mov word [0x41 * 4 + 2], 0xF000
    mov word [0x42 * 4], v86_int42 - BASE
    mov word [0x42 * 4 + 2], 0xF000
    SET_GATE EXC_GP, gp_monitor, SEL_CODE0, T_INT32
    SET_GATE 0x31, v86_exit, SEL_CODE0, T_INT32 | 0x60
    SET_GATE 0x32, h_int32, SEL_CODE0, T_INT32 | 0x60
    SET_GATE 0x33, h_int32, SEL_CODE0, T_INT32          ; DPL 0
    SET_GATE 0x34, h_int32, SEL_CODE3, T_INT32 | 0x60   ; handler at DPL 3
    RUN test_iopl3
    RUN test_exit_frame
    RUN test_iopl0
    RUN test_io
    RUN test_v86_faults
    RUN test_vme
    ret

; enter_v86: run the V86 code at F000:EAX with EFLAGS = EBX | VM, SS:SP = 0:7000, data
; segments 0. Returns when the V86 code leaves through INT 31h or HLT.
enter_v86:
    mov [RET_ESP], esp
    push dword 0                    ; GS
    push dword 0                    ; FS
    push dword 0                    ; DS
    push dword 0                    ; ES
    push dword 0                    ; SS
    push dword V86_SP
    or ebx, VM
    push ebx
    push dword 0xF000
    push eax
    mov dword [LOG_N], 0
    iretd

; Back to the caller of enter_v86 at CPL 0.
leave_v86:
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, [RET_ESP]
    push dword 2
    popfd
    ret

; INT 31h from V86 (gate DPL 3): record the frame and the data registers, then leave.
v86_exit:
    push eax
    push ecx
    xor eax, eax
    mov ax, ds
    mov [ss:EXIT_SEGS], eax
    mov ax, es
    mov [ss:EXIT_SEGS + 4], eax
    mov ax, fs
    mov [ss:EXIT_SEGS + 8], eax
    mov ax, gs
    mov [ss:EXIT_SEGS + 12], eax
    xor ecx, ecx
.copy:
    mov eax, [esp + 8 + ecx * 4]
    mov [ss:EXIT + ecx * 4], eax
    inc ecx
    cmp ecx, 9
    jb .copy
    jmp leave_v86

; INT 32h from V86 with IOPL 3: a protected-mode handler that returns to V86 mode.
h_int32:
    inc dword [ss:INT32_N]
    iretd

; ---- The monitor: #GP from V86 mode with IOPL < 3 ----
; Frame after PUSHAD: [ebp+32] error code, +36 EIP, +40 CS, +44 EFLAGS, +48 ESP, +52 SS.
F_ERR equ 32
F_EIP equ 36
F_CS  equ 40
F_FL  equ 44
F_SP  equ 48
F_SS  equ 52

gp_monitor:
    test dword [esp + 12], VM
    jz .not_v86
    cmp dword [esp], 0
    jne .not_v86                    ; INT n through a gate: an error code, not for us
    pushad
    mov ebp, esp
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    movzx esi, word [ebp + F_CS]
    shl esi, 4
    movzx eax, word [ebp + F_EIP]
    add esi, eax
    movzx eax, byte [esi]
    mov ecx, [LOG_N]
    mov [LOG + ecx], al
    inc dword [LOG_N]
    cmp al, 0xFA
    je .cli
    cmp al, 0xFB
    je .sti
    cmp al, 0x9C
    je .pushf
    cmp al, 0x9D
    je .popf
    cmp al, 0xCD
    je .int
    cmp al, 0xCF
    je .iret
    cmp al, 0xF4
    je leave_v86
    cmp al, 0x66
    je .skip2
    popad                           ; anything else is a real fault
.not_v86:
    jmp exc_stub_13
.cli:
    mov dword [VIRT_IF], 0
    jmp .next1
.sti:
    mov dword [VIRT_IF], 0x200
    jmp .next1
.pushf:
    call flags_image
    call v86_push
    jmp .next1
.popf:
    call v86_pop
    call set_flags
    jmp .next1
.skip2:
    add word [ebp + F_EIP], 2
    jmp .resume
.int:
    movzx ebx, byte [esi + 1]
    cmp ebx, 0x31
    je leave_v86
    call flags_image
    call v86_push
    mov eax, [ebp + F_CS]
    call v86_push
    movzx eax, word [ebp + F_EIP]
    add eax, 2
    call v86_push
    mov dword [VIRT_IF], 0
    movzx eax, word [ebx * 4]
    mov [ebp + F_EIP], eax
    movzx eax, word [ebx * 4 + 2]
    mov [ebp + F_CS], eax
    jmp .resume
.iret:
    call v86_pop
    mov [ebp + F_EIP], eax
    call v86_pop
    mov [ebp + F_CS], eax
    call v86_pop
    call set_flags
    jmp .resume
.next1:
    inc word [ebp + F_EIP]
.resume:
    popad
    add esp, 4
    iretd

; The FLAGS image the V86 code sees: the real low word with IF from VIRT_IF.
flags_image:
    mov eax, [ebp + F_FL]
    and eax, 0xFDFF
    or eax, [VIRT_IF]
    ret
; POPF/IRET: IF goes to VIRT_IF, the arithmetic flags, DF and TF to the frame.
set_flags:
    mov ecx, eax
    and ecx, 0x200
    mov [VIRT_IF], ecx
    and eax, 0x0CD5                 ; not TF: this monitor does not single-step its guest
    and dword [ebp + F_FL], ~0x0CD5
    or [ebp + F_FL], eax
    ret
v86_push:                           ; AX onto SS:SP of the V86 frame
    sub word [ebp + F_SP], 2
    movzx edi, word [ebp + F_SS]
    shl edi, 4
    movzx ecx, word [ebp + F_SP]
    mov [edi + ecx], ax
    ret
v86_pop:                            ; EAX = the word at SS:SP, SP += 2
    movzx edi, word [ebp + F_SS]
    shl edi, 4
    movzx ecx, word [ebp + F_SP]
    movzx eax, word [edi + ecx]
    add word [ebp + F_SP], 2
    ret

; ---- IOPL 3: the sensitive instructions run in V86 mode ----
test_iopl3:
    mov dword [INT32_N], 0
    mov eax, v86_iopl3 - BASE
    mov ebx, IOPL3 | 0x200
    call enter_v86
    CHECK "V86: segment arithmetic (1234:0010 = 12350)", dword [0x12350], 0xBEEF
    R16 0
    CHECK "V86: MOV AX, CS", eax, 0xF000
    R16 1
    and eax, 0x3200
    CHECK "V86 IOPL 3: PUSHF shows IF and IOPL 3", eax, 0x3200
    R16 2
    and eax, 0x0200
    CHECK "V86 IOPL 3: CLI", eax, 0
    R16 3
    and eax, 0x3200
    CHECK "V86 IOPL 3: POPF cannot change IOPL", eax, 0x3200
    R16 4
    CHECK "V86 IOPL 3: IRET to the pushed CS:IP", eax, 0x1234
    CHECK "V86 IOPL 3: INT 32h through the IDT, back by IRETD", dword [INT32_N], 1
    CHECK "V86 IOPL 3: no #GP", dword [LOG_N], 0
    ret

bits 16
v86_iopl3:
    mov ax, 0x1234
    mov ds, ax
    mov word [0x0010], 0xBEEF
    xor ax, ax
    mov ds, ax
    mov ax, cs
    mov [R], ax
    pushf
    pop word [R + 2]
    cli
    pushf
    pop word [R + 4]
    push word 0x0200                ; IF, IOPL 0
    popf
    pushf
    pop word [R + 6]
    pushf
    push cs
    push word .after_iret - BASE
    iret
    mov word [R + 8], 0xDEAD
.after_iret:
    mov word [R + 8], 0x1234
    int 0x32
    int 0x31
bits 32

; ---- The frame of an exit from V86 mode ----
test_exit_frame:
    mov eax, v86_exit_frame - BASE
    mov ebx, IOPL3
    call enter_v86
    CHECK "V86 exit: EIP", dword [EXIT], v86_exit_frame.after - BASE
    CHECK "V86 exit: CS", dword [EXIT + 4], 0xF000
    mov eax, [EXIT + 8]
    and eax, VM | IOPL3
    CHECK "V86 exit: EFLAGS has VM", eax, VM | IOPL3
    CHECK "V86 exit: ESP", dword [EXIT + 12], V86_SP - 2
    CHECK "V86 exit: SS", dword [EXIT + 16], 0x0050
    CHECK "V86 exit: ES", dword [EXIT + 20], 0x1111
    CHECK "V86 exit: DS", dword [EXIT + 24], 0x2222
    CHECK "V86 exit: FS", dword [EXIT + 28], 0x3333
    CHECK "V86 exit: GS", dword [EXIT + 32], 0x4444
    CHECK "V86 exit: DS null in the handler", dword [EXIT_SEGS], 0
    CHECK "V86 exit: ES null in the handler", dword [EXIT_SEGS + 4], 0
    CHECK "V86 exit: FS null in the handler", dword [EXIT_SEGS + 8], 0
    CHECK "V86 exit: GS null in the handler", dword [EXIT_SEGS + 12], 0
    ; Gates a V86 INT n may not use: DPL 0 (#GP(vector*8+2)), a handler not at DPL 0.
    TRY_AT "V86: INT 33h through a DPL 0 gate", EXC_GP, 0x33 * 8 + 2, v86_int33 - BASE
    mov eax, v86_int33 - BASE
    mov ebx, IOPL3
    call enter_v86
    ENDTRY
    TRY_AT "V86: INT 34h to a DPL 3 handler", EXC_GP, SEL_CODE3 & ~3, v86_int34 - BASE
    mov eax, v86_int34 - BASE
    mov ebx, IOPL3
    call enter_v86
    ENDTRY
    mov eax, [exc_eflags]
    and eax, VM
    CHECK "V86: a fault's saved EFLAGS has VM", eax, VM
    CHECK "V86: a fault's saved CS", dword [exc_cs], 0xF000
    ; INT3 and INTO are not IOPL-sensitive (only INT n is): with IOPL 0 they go through
    ; the IDT, whose gate must have DPL 3.
    SET_GATE EXC_BP, exc_stub_3, SEL_CODE0, T_INT32 | 0x60
    SET_GATE EXC_OF, exc_stub_4, SEL_CODE0, T_INT32 | 0x60
    TRY_AT "V86 IOPL 0: INT3 goes to the IDT", EXC_BP, NOERR, v86_int3.next - BASE
    mov eax, v86_int3 - BASE
    xor ebx, ebx
    call enter_v86
    ENDTRY
    TRY_AT "V86 IOPL 0: INTO goes to the IDT", EXC_OF, NOERR, v86_into.next - BASE
    mov eax, v86_into - BASE
    xor ebx, ebx
    call enter_v86
    ENDTRY
    SET_GATE EXC_BP, exc_stub_3, SEL_CODE0, T_INT32
    TRY_AT "V86 IOPL 0: INT3 through a DPL 0 gate", EXC_GP, EXC_BP * 8 + 2, v86_int3 - BASE
    mov eax, v86_int3 - BASE
    xor ebx, ebx
    call enter_v86
    ENDTRY
    SET_GATE EXC_OF, exc_stub_4, SEL_CODE0, T_INT32
    ret

bits 16
v86_exit_frame:
    mov ax, 0x1111
    mov es, ax
    mov ax, 0x2222
    mov ds, ax
    mov ax, 0x3333
    mov fs, ax
    mov ax, 0x4444
    mov gs, ax
    mov ax, 0x0050
    mov ss, ax
    mov sp, V86_SP - 2
    int 0x31
.after:
v86_int3:
    int3
.next:
v86_into:
    mov al, 0x7F
    add al, 1
    into
.next:
v86_int33:
    int 0x33
v86_int34:
    int 0x34
bits 32

; ---- IOPL 0: every sensitive instruction traps to the monitor ----
test_iopl0:
    mov word [INT40_N], 0
    mov dword [VIRT_IF], 0x200
    mov eax, v86_iopl0 - BASE
    mov ebx, 0x200
    call enter_v86
    R16 0
    and eax, 0x200
    CHECK "V86 IOPL 0: emulated PUSHF after STI", eax, 0x200
    R16 1
    and eax, 0x200
    CHECK "V86 IOPL 0: emulated PUSHF after CLI", eax, 0
    CHECK "V86 IOPL 0: emulated POPF sets the virtual IF", dword [VIRT_IF], 0x200
    movzx eax, word [INT40_N]
    CHECK "V86 IOPL 0: emulated INT 40h through the IVT", eax, 1
    R16 2
    CHECK "V86 IOPL 0: back after the emulated IRET", eax, 0x4040
    R16 3
    CHECK "V86 IOPL 0: IN from an allowed port", eax, 0xE9
    CHECK "V86 IOPL 0: faults seen by the monitor", dword [LOG_N], 9
    CHECK "V86 IOPL 0: #GP 1-4", dword [LOG], 0xFA_9C_FB_FA
    CHECK "V86 IOPL 0: #GP 4-7", dword [LOG + 4], 0xCF_CD_9D_9C
    movzx eax, byte [LOG + 8]
    CHECK "V86 IOPL 0: #GP 9 is HLT", eax, 0xF4
    ret

bits 16
v86_iopl0:
    cli
    sti
    pushf
    pop word [R]
    cli
    pushf
    pop word [R + 2]
    push word 0x0200
    popf
    int 0x40
    mov word [R + 4], 0x4040
    in al, 0xE9
    xor ah, ah
    mov [R + 6], ax
    hlt

v86_int40:                          ; the V86 task's handler of INT 40h and 41h
    push bp
    mov bp, sp
    push ax
    mov ax, [bp + 6]
    mov [INT40_F], ax
    inc word [INT40_N]
    pop ax
    pop bp
    iret
bits 32

; ---- I/O in V86 mode: the bitmap decides, whatever the IOPL ----
test_io:
    or byte [IOMAP + 0xE9 / 8], 1 << (0xE9 & 7)
    TRY_AT "V86 IOPL 3: IN from a denied port", EXC_GP, 0, v86_in - BASE
    mov eax, v86_in - BASE
    mov ebx, IOPL3
    call enter_v86
    ENDTRY
    TRY_AT "V86 IOPL 0: OUT to a denied port", EXC_GP, 0, v86_out.out - BASE
    mov eax, v86_out - BASE
    xor ebx, ebx
    call enter_v86
    ENDTRY
    and byte [IOMAP + 0xE9 / 8], ~(1 << (0xE9 & 7))
    mov word [R], 0
    mov eax, v86_in - BASE
    mov ebx, IOPL3
    call enter_v86
    R16 0
    CHECK "V86 IOPL 3: IN from an allowed port", eax, 0xE9
    ret

bits 16
v86_in:
    in al, 0xE9
    xor ah, ah
    mov [R], ax
    int 0x31
v86_out:
    mov dx, 0xE9
.out:
    out dx, al
    int 0x31
bits 32

; ---- Faults in V86 mode ----
test_v86_faults:
    TRY_AT "V86: word at offset FFFF", EXC_GP, 0, v86_limit - BASE
    mov eax, v86_limit - BASE
    mov ebx, IOPL3
    call enter_v86
    ENDTRY
    TRY_AT "V86: stack word at offset FFFF", EXC_SS, 0, v86_stack_limit.push - BASE
    mov eax, v86_stack_limit - BASE
    mov ebx, IOPL3
    call enter_v86
    ENDTRY
    TRY_AT "V86: protected-mode instruction LLDT", EXC_UD, NOERR, v86_lldt - BASE
    mov eax, v86_lldt - BASE
    mov ebx, IOPL3
    call enter_v86
    ENDTRY
    TRY_AT "V86: MOV to CR0", EXC_GP, 0, v86_movcr - BASE
    mov eax, v86_movcr - BASE
    mov ebx, IOPL3
    call enter_v86
    ENDTRY
    ret

bits 16
v86_limit:
    mov ax, [0xFFFF]
v86_stack_limit:
    mov sp, 1
.push:
    push ax
v86_lldt:
    lldt ax
v86_movcr:
    mov cr0, eax
bits 32

; ---- VME (P6) ----
test_vme:
    NEED_FAMILY 6
    mov eax, cr4
    or eax, 1
    mov cr4, eax
    ; Redirection bitmap: INT 40h and 42h go to the V86 IVT, INT 41h and 31h do not.
    mov edi, REDIR
    mov ecx, 8
    xor eax, eax
    rep stosd
    or byte [REDIR + 0x41 / 8], 1 << (0x41 & 7)
    or byte [REDIR + 0x31 / 8], 1 << (0x31 & 7) ; the exit to the monitor
    mov word [INT40_N], 0
    mov dword [VIRT_IF], 0
    mov eax, v86_vme - BASE
    mov ebx, VIF | 0x200            ; IOPL 0, IF and VIF set
    call enter_v86
    R16 0
    and eax, 0x3200
    CHECK "VME: PUSHF after CLI: IF = VIF = 0, IOPL reads 3", eax, 0x3000
    R16 1
    and eax, 0x0200
    CHECK "VME: PUSHF after STI: IF = VIF = 1", eax, 0x200
    R16 2
    and eax, 0x0200
    CHECK "VME: POPF clears VIF", eax, 0
    movzx eax, word [INT40_N]
    CHECK "VME: INT 40h redirected to the V86 IVT (and INT 41h emulated)", eax, 2
    R16 3
    and eax, 0x3200
    CHECK "VME: the redirected INT pushed IF = VIF and IOPL 3", eax, 0x3000
    R16 4
    and eax, 0x0200
    CHECK "VME: IRET loaded VIF from the stack", eax, 0x200
    CHECK "VME: faults seen by the monitor", dword [LOG_N], 3
    mov eax, [LOG]
    and eax, 0xFFFFFF
    CHECK "VME: #GP for INT 41h (redirection bit set), PUSHFD, HLT", eax, 0xF4_66_CD
    ; STI with VIP set and POPF setting TF fault; CLI does not.
    mov eax, v86_vme_vip - BASE
    mov ebx, VIP
    call enter_v86
    CHECK "VME: faults with VIP", dword [LOG_N], 3
    mov eax, [LOG]
    and eax, 0xFFFFFF
    CHECK "VME: #GP for STI with VIP, POPF with TF, HLT", eax, 0xF4_9D_FB
    ; With IOPL 3 a redirected INT clears the real IF; a non-redirected one goes to the IDT.
    SET_GATE 0x41, h_int32, SEL_CODE0, T_INT32 | 0x60
    mov dword [INT32_N], 0
    mov word [INT40_N], 0
    mov eax, v86_vme3 - BASE
    mov ebx, IOPL3 | 0x200
    call enter_v86
    movzx eax, word [INT40_N]
    CHECK "VME IOPL 3: INT 40h redirected", eax, 1
    movzx eax, word [INT40_F]
    and eax, 0x200
    CHECK "VME IOPL 3: the redirected INT pushed the real IF", eax, 0x200
    R16 10
    and eax, 0x200
    CHECK "VME IOPL 3: IF inside the redirected handler was clear", eax, 0
    CHECK "VME IOPL 3: INT 41h to the protected-mode handler", dword [INT32_N], 1
    ; INT3 is never redirected, even with its bit clear.
    SET_GATE EXC_BP, exc_stub_3, SEL_CODE0, T_INT32 | 0x60
    TRY_AT "VME: INT3 goes to the IDT, not the V86 IVT", EXC_BP, NOERR, v86_int3.next - BASE
    mov eax, v86_int3 - BASE
    xor ebx, ebx
    call enter_v86
    ENDTRY
    SET_GATE EXC_BP, exc_stub_3, SEL_CODE0, T_INT32
    mov eax, cr4
    and eax, ~1
    mov cr4, eax
    ret

bits 16
v86_vme:
    cli
    pushf
    pop word [R]
    sti
    pushf
    pop word [R + 2]
    push word 0
    popf
    pushf
    pop word [R + 4]
    int 0x40                        ; VIF = 0 here: the handler sees IF = 0
    mov ax, [INT40_F]
    mov [R + 6], ax
    push word 0x0200                ; IRET with IF set: VIF = 1
    push cs
    push word .after_iret - BASE
    iret
.after_iret:
    pushf
    pop word [R + 8]
    int 0x41                        ; bit set, IOPL 0: #GP, the monitor emulates it
    pushfd                          ; 32-bit: not virtualised, #GP (the monitor skips it)
    hlt                             ; #GP: leave
v86_vme_vip:
    sti
    cli
    push word 0x0100
    popf
    hlt
v86_vme3:
    int 0x40
    int 0x42
    int 0x41
    int 0x31
v86_int42:                          ; records its own FLAGS
    pushf
    pop word [R + 20]
    iret
bits 32

    GUEST_END
