; Control transfers between code segments and privilege levels (SDM vol. 3A 5.8-5.12,
; 6.12; vol. 2 CALL, JMP, RET, INT n, IRET, SYSENTER, SYSEXIT): far JMP/CALL/RET at ring 0,
; RETF and IRET to an outer level, call gates (32- and 16-bit, parameters, stack switch
; and its faults), conforming code, IDT interrupt and trap gates (IF), gate DPL checks with
; error code vector*8+2, and SYSENTER/SYSEXIT on the P6.
%define GUEST_NAME "pm_gates"
%include "guest.inc"

G_CODE0B    equ SEL_GUEST + 0x00    ; flat code DPL 0 (a second selector)
G_GATE32    equ SEL_GUEST + 0x08    ; call gate 32, DPL 3 -> SEL_CODE0:gate32_target, 2 params
G_GATE16    equ SEL_GUEST + 0x10    ; call gate 16, DPL 3 -> SEL_CODE16:gate16_target, 2 params
G_GATESAME  equ SEL_GUEST + 0x18    ; call gate 32, DPL 0 -> SEL_CODE0:same_target
G_GATENP    equ SEL_GUEST + 0x20    ; call gate, not present
G_GATEDPL0  equ SEL_GUEST + 0x28    ; call gate DPL 0 -> SEL_CODE0:gate32_target
G_GATEDATA  equ SEL_GUEST + 0x30    ; call gate DPL 3 -> SEL_DATA0
G_GATENULL  equ SEL_GUEST + 0x38    ; call gate DPL 3 -> null
G_GATENPT   equ SEL_GUEST + 0x40    ; call gate DPL 3 -> G_CODENP
G_CODENP    equ SEL_GUEST + 0x48    ; code DPL 0, not present
G_CONF0     equ SEL_GUEST + 0x50    ; conforming code DPL 0
G_CONF3     equ SEL_GUEST + 0x58    ; conforming code DPL 3
G_GATECONF  equ SEL_GUEST + 0x60    ; call gate DPL 3 -> G_CONF0:conf_target
G_GATER1    equ SEL_GUEST + 0x68    ; call gate 32, DPL 3 -> SEL_CODE1:ring1_target, 1 param
G_STK1      equ SEL_GUEST + 0x70    ; data DPL 1, base 0, limit 8DFFF
G_DATA0RO   equ SEL_GUEST + 0x78    ; read-only data DPL 1
G_DATA1NP   equ SEL_GUEST + 0x80    ; data DPL 1, not present
G_GATETGT3  equ SEL_GUEST + 0x88    ; call gate DPL 0 -> SEL_CODE3
G_SYS       equ SEL_GUEST + 0x90    ; SYSENTER block: code 0, data 0, code 3, data 3
G_CODE16_3  equ SEL_GUEST + 0xB0 | 3 ; 16-bit code DPL 3, base F0000
G_BEYOND    equ SEL_GUEST + 0xB8

%macro CALLGATE 5   ; selector, offset (< 64 KiB for 16-bit gates), type, DPL, params
    dw (%2) & 0xFFFF
    dw %1
    db %5
    db %3 | ((%4) << 5)
    dw 0
%endmacro

guest_gdt:
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_CODE | A_RW | A_ACC
    CALLGATE SEL_CODE0, 0, T_CALL32, 3, 2               ; offset filled in at run time
    CALLGATE SEL_CODE16, 0, T_CALL16, 3, 2
    CALLGATE SEL_CODE0, 0, T_CALL32, 0, 0
    CALLGATE SEL_CODE0, 0, T_CALL32 & 0x7F, 3, 0
    CALLGATE SEL_CODE0, 0, T_CALL32, 0, 0
    CALLGATE SEL_DATA0, 0, T_CALL32, 3, 0
    CALLGATE 0, 0, T_CALL32, 3, 0
    CALLGATE G_CODENP, 0, T_CALL32, 3, 0
    DESC 0, 0xFFFFF, A_G | A_D | A_CODE | A_RW | A_ACC
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_CODE | A_CONF | A_RW | A_ACC
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_DPL3 | A_CODE | A_CONF | A_RW | A_ACC
    CALLGATE G_CONF0, 0, T_CALL32, 3, 0
    CALLGATE SEL_CODE1, 0, T_CALL32, 3, 1
    DESC 0, 0x8DFFF, A_D | A_P | A_DPL1 | A_DATA | A_RW | A_ACC
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_DPL1 | A_DATA | A_ACC
    DESC 0, 0xFFFFF, A_G | A_D | A_DPL1 | A_DATA | A_RW | A_ACC
    CALLGATE SEL_CODE3 & ~3, 0, T_CALL32, 0, 0
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_CODE | A_RW | A_ACC
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_DATA | A_RW | A_ACC
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_DPL3 | A_CODE | A_RW | A_ACC
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_DPL3 | A_DATA | A_RW | A_ACC
    DESC BASE, 0xFFFF, A_P | A_DPL3 | A_CODE | A_RW | A_ACC
guest_gdt_end:

V0 equ guest_vars
V1 equ guest_vars + 4
V2 equ guest_vars + 8
V3 equ guest_vars + 12
V4 equ guest_vars + 16
V5 equ guest_vars + 20
V6 equ guest_vars + 24
V7 equ guest_vars + 28
V8 equ guest_vars + 32
FRAME equ guest_vars + 64           ; copies of stack frames, 8 dwords

; Set the offset of the call gate at selector %1 to %2.
%macro GATE_OFFSET 2
    mov eax, %2
    mov [GDT_BASE + (%1) + 0], ax
    shr eax, 16
    mov [GDT_BASE + (%1) + 6], ax
%endmacro

guest_main:
    GATE_OFFSET G_GATE32, gate32_target
    GATE_OFFSET G_GATE16, gate16_target - BASE
    GATE_OFFSET G_GATESAME, same_target
    GATE_OFFSET G_GATEDPL0, gate32_target
    GATE_OFFSET G_GATECONF, conf_target
    GATE_OFFSET G_GATER1, ring1_target
    RUN test_far_ring0
    RUN test_outer_returns
    RUN test_call_gates
    RUN test_gate_faults
    RUN test_stack_switch_faults
    RUN test_conforming
    RUN test_idt_gates
    RUN test_iret_flags
    RUN test_sysenter
    ret

; ---- Far JMP / CALL / RET at ring 0 ----
test_far_ring0:
    jmp G_CODE0B:.there
.there:
    xor eax, eax
    mov ax, cs
    CHECK "far JMP: CS", eax, G_CODE0B
    mov [V0], esp
    push dword 0x1111
    push dword 0x2222
    call SEL_CODE0:far_proc
.ret:
    mov eax, [V0]
    sub eax, esp
    CHECK "RETF 8 releases the parameters", eax, 0
    CHECK "far CALL pushes EIP", dword [FRAME], .ret
    movzx eax, word [FRAME + 4]
    CHECK "far CALL pushes CS", eax, G_CODE0B
    CHECK "far CALL: parameter", dword [FRAME + 8], 0x2222
    xor eax, eax
    mov ax, cs
    CHECK "RETF back to CS", eax, G_CODE0B
    ; Indirect far JMP through memory (m16:32).
    mov dword [V1], .ind
    mov word [V1 + 4], SEL_CODE0
    jmp far [V1]
.ind:
    xor eax, eax
    mov ax, cs
    CHECK "indirect far JMP", eax, SEL_CODE0
    ; A 16-bit far CALL pushes a 16-bit CS:IP.
    mov [V0], esp
    call word SEL_CODE16:(call16_target - BASE)
.back16:
    CHECK "16-bit far CALL: ESP moved by 4", dword [V1], 4
    CHECK "16-bit far CALL: IP", dword [V2], (.back16 - $$ + BASE) & 0xFFFF
    CHECK "16-bit far CALL: CS", dword [V3], SEL_CODE0
    ; RETF to an outer level checks the SS popped: its RPL must be the new CPL.
    TRY_AT "RETF to ring 1 with an SS of RPL 0", EXC_GP, SEL_DATA0, .retf1
    push dword SEL_DATA0
    push dword 0
    push dword SEL_CODE1
    push dword .never
.retf1:
    retf
    ENDTRY
    TRY "far JMP to a null selector", EXC_GP, 0
    jmp 0:.never
    ENDTRY
    TRY "far JMP to data", EXC_GP, SEL_DATA0
    jmp SEL_DATA0:.never
    ENDTRY
    TRY "far JMP to a not-present code segment", EXC_NP, G_CODENP
    jmp G_CODENP:.never
    ENDTRY
    TRY "far JMP beyond the GDT", EXC_GP, G_BEYOND
    jmp G_BEYOND:.never
    ENDTRY
    TRY "far CALL to DPL 3 nonconforming code", EXC_GP, SEL_CODE3 & ~3
    call SEL_CODE3:.never
    ENDTRY
    TRY "far JMP with RPL 3 to DPL 0 code", EXC_GP, SEL_CODE0
    jmp SEL_CODE0 | 3:.never
    ENDTRY
    TRY "far JMP beyond the limit of CS", EXC_GP, 0
    jmp SEL_CODE16:0x10000
    ENDTRY
    TRY "far CALL to a conforming DPL 3 segment from CPL 0", EXC_GP, G_CONF3
    call G_CONF3:.never
    ENDTRY
.never:
    ret

far_proc:
    mov eax, [esp]
    mov [FRAME], eax
    mov eax, [esp + 4]
    mov [FRAME + 4], eax
    mov eax, [esp + 8]
    mov [FRAME + 8], eax
    push dword G_CODE0B             ; return to the same offset through another selector
    push dword [esp + 4]
    retf 16                         ; 8 for the frame just pushed over, 8 parameters

bits 16
call16_target:
    mov eax, [dword V0]
    sub eax, esp
    mov [dword V1], eax
    movzx eax, word [esp]
    mov [dword V2], eax
    movzx eax, word [esp + 2]
    mov [dword V3], eax
    add esp, 4
    jmp dword SEL_CODE0:test_far_ring0.back16
bits 32

; ---- RETF and IRET to an outer level ----
test_outer_returns:
    mov ax, SEL_DATA0
    mov es, ax
    mov ax, SEL_DATA3
    mov fs, ax
    mov [V0], esp
    push dword SEL_DATA3            ; SS
    push dword STACK3_TOP           ; ESP
    push dword 0xAAAA               ; two parameters of RETF 8
    push dword 0xBBBB
    push dword SEL_CODE3
    push dword .at3
    retf 8
.at3:
    mov [ss:V1], esp
    xor eax, eax
    mov ax, es
    mov [ss:V2], eax
    mov ax, fs
    mov [ss:V3], eax
    mov ax, cs
    mov [ss:V4], eax
    mov ax, ss
    mov [ss:V5], eax
    RING0
    mov esp, [V0]
    CHECK "RETF 8 to CPL 3: ESP", dword [V1], STACK3_TOP + 8
    CHECK "RETF to CPL 3: ES (DPL 0) nulled", dword [V2], 0
    CHECK "RETF to CPL 3: FS (DPL 3) kept", dword [V3], SEL_DATA3
    CHECK "RETF to CPL 3: CS", dword [V4], SEL_CODE3
    CHECK "RETF to CPL 3: SS", dword [V5], SEL_DATA3
    ; IRET to ring 3 and a trap gate back.
    SET_GATE 0x41, h_record, SEL_CODE0, T_TRAP32 | 0x60
    mov [V0], esp
    push dword SEL_DATA3
    push dword STACK3_TOP - 0x100
    push dword 0x3202               ; IF, IOPL 3
    push dword SEL_CODE3
    push dword .iret3
    iretd
.iret3:
    pushfd
    pop dword [ss:V1]
    int 0x41
.int_ret:
    RING0
    mov esp, [V0]
    mov eax, [V1]
    and eax, 0x3200
    CHECK "IRET to CPL 3 loads IF and IOPL", eax, 0x3200
    CHECK "INT from CPL 3: saved EIP", dword [FRAME], .int_ret
    CHECK "INT from CPL 3: saved CS", dword [FRAME + 4], SEL_CODE3
    mov eax, [FRAME + 8]
    and eax, 0x3200
    CHECK "INT from CPL 3: saved EFLAGS", eax, 0x3200
    CHECK "INT from CPL 3: saved ESP", dword [FRAME + 12], STACK3_TOP - 0x100
    CHECK "INT from CPL 3: saved SS", dword [FRAME + 16], SEL_DATA3
    CHECK "INT from CPL 3: ring-0 ESP from the TSS", dword [FRAME + 20], ESP0_TOP - 20
    CHECK "INT from CPL 3: handler CS", dword [FRAME + 24], SEL_CODE0
    CHECK "INT from CPL 3: handler SS", dword [FRAME + 28], SEL_DATA0
    ret

; Copy the 5-dword interrupt frame, the ESP, CS and SS into FRAME, then IRET.
h_record:
    push eax
    mov eax, [esp + 4]
    mov [ss:FRAME], eax
    mov eax, [esp + 8]
    mov [ss:FRAME + 4], eax
    mov eax, [esp + 12]
    mov [ss:FRAME + 8], eax
    mov eax, [esp + 16]
    mov [ss:FRAME + 12], eax
    mov eax, [esp + 20]
    mov [ss:FRAME + 16], eax
    lea eax, [esp + 4]
    mov [ss:FRAME + 20], eax
    xor eax, eax
    mov ax, cs
    mov [ss:FRAME + 24], eax
    mov ax, ss
    mov [ss:FRAME + 28], eax
    pop eax
    iretd

; ---- Call gates ----
test_call_gates:
    ; Ring 3 -> 32-bit gate with 2 parameters -> ring 0.
    RING3
    mov [V0], esp
    push dword 0x11111111
    push dword 0x22222222
    call G_GATE32:0xDEAD            ; the offset is ignored
.ret32:
    mov [V1], esp
    xor eax, eax
    mov ax, cs
    mov [V2], eax
    RING0
    mov eax, [V0]
    sub eax, [V1]
    CHECK "32-bit gate: RETF 8 releases the parameters on both stacks", eax, 0
    CHECK "32-bit gate: back at CPL 3", dword [V2], SEL_CODE3
    CHECK "32-bit gate: inner ESP", dword [FRAME + 28], ESP0_TOP - 24
    CHECK "32-bit gate: inner CS", dword [FRAME + 24], SEL_CODE0
    CHECK "32-bit gate: frame EIP", dword [FRAME], .ret32
    CHECK "32-bit gate: frame CS", dword [FRAME + 4], SEL_CODE3
    CHECK "32-bit gate: parameter 1 (last pushed)", dword [FRAME + 8], 0x22222222
    CHECK "32-bit gate: parameter 2", dword [FRAME + 12], 0x11111111
    mov eax, [V0]
    sub eax, 8
    CHECK "32-bit gate: outer ESP", dword [FRAME + 16], eax
    CHECK "32-bit gate: outer SS", dword [FRAME + 20], SEL_DATA3
    ; Ring 3 -> 16-bit gate with 2 word parameters -> 16-bit ring-0 code. A 16-bit gate
    ; saves only SP, so the ring-3 stack sits below 64 KiB here.
    RING3
    jmp G_CODE16_3:(r3_gate16_caller - BASE)
.back16:
    RING0
    CHECK "16-bit gate: RETF 4 restores SP", dword [V1], 0xF000
    CHECK "16-bit gate: inner ESP", dword [FRAME + 28], ESP0_TOP - 12
    CHECK "16-bit gate: frame IP", dword [FRAME], r3_gate16_caller.ret16 - BASE
    CHECK "16-bit gate: frame CS", dword [FRAME + 4], G_CODE16_3
    CHECK "16-bit gate: parameter 1", dword [FRAME + 8], 0x4444
    CHECK "16-bit gate: parameter 2", dword [FRAME + 12], 0x3333
    CHECK "16-bit gate: outer SP", dword [FRAME + 16], 0xF000 - 4
    CHECK "16-bit gate: outer SS", dword [FRAME + 20], SEL_DATA3
    ; Ring 0 -> DPL 0 gate -> ring 0: no stack switch.
    mov [V0], esp
    call G_GATESAME:0
.retsame:
    CHECK "same-level gate: frame EIP", dword [FRAME], .retsame
    CHECK "same-level gate: frame CS", dword [FRAME + 4], SEL_CODE0
    CHECK "same-level gate: same stack", dword [FRAME + 8], dword [V0]
    ; JMP through a call gate at the same level.
    jmp G_GATESAME:0
.jmp_back:
    ; Ring 3 -> ring 1 through a gate with one parameter, the stack of ring 1 from the TSS.
    RING3
    mov [V0], esp
    push dword 0x5555
    call G_GATER1:0
    mov [V1], esp
    RING0
    mov eax, [V0]
    CHECK "ring-1 gate: back on the ring-3 stack", dword [V1], eax
    CHECK "ring-1 gate: CS", dword [FRAME + 24], SEL_CODE1
    CHECK "ring-1 gate: SS from TSS.SS1", dword [FRAME + 28], SEL_DATA1
    CHECK "ring-1 gate: ESP from TSS.ESP1", dword [FRAME + 20], ESP1_TOP - 20
    CHECK "ring-1 gate: parameter", dword [FRAME + 8], 0x5555
    ret

gate32_target:                      ; ring 0, 32-bit frame with 2 parameters
    push eax
    mov eax, [esp + 4]
    mov [ss:FRAME], eax
    mov eax, [esp + 8]
    mov [ss:FRAME + 4], eax
    mov eax, [esp + 12]
    mov [ss:FRAME + 8], eax
    mov eax, [esp + 16]
    mov [ss:FRAME + 12], eax
    mov eax, [esp + 20]
    mov [ss:FRAME + 16], eax
    mov eax, [esp + 24]
    mov [ss:FRAME + 20], eax
    xor eax, eax
    mov ax, cs
    mov [ss:FRAME + 24], eax
    lea eax, [esp + 4]
    mov [ss:FRAME + 28], eax
    pop eax
    retf 8

same_target:                        ; ring 0 via a DPL 0 gate, or JMP through it
    cmp dword [esp], test_call_gates.retsame
    jne .jumped
    mov eax, [esp]
    mov [FRAME], eax
    mov eax, [esp + 4]
    mov [FRAME + 4], eax
    lea eax, [esp + 8]
    mov [FRAME + 8], eax
    retf
.jumped:
    jmp test_call_gates.jmp_back

ring1_target:                       ; ring 1, 32-bit frame with 1 parameter
    push eax
    mov eax, [esp + 12]
    mov [ss:FRAME + 8], eax
    xor eax, eax
    mov ax, cs
    mov [ss:FRAME + 24], eax
    mov ax, ss
    mov [ss:FRAME + 28], eax
    lea eax, [esp + 4]
    mov [ss:FRAME + 20], eax
    pop eax
    retf 4

bits 16
r3_gate16_caller:                   ; CPL 3, 16-bit code
    mov [dword V0], esp
    mov esp, 0xF000
    push word 0x3333
    push word 0x4444
    call G_GATE16:0
.ret16:
    mov [dword V1], esp
    mov esp, [dword V0]
    jmp dword SEL_CODE3:test_call_gates.back16

gate16_target:                      ; ring 0, 16-bit code, 16-bit frame with 2 parameters
    push eax
    movzx eax, word [esp + 4]
    mov [ss:dword FRAME], eax
    movzx eax, word [esp + 6]
    mov [ss:dword FRAME + 4], eax
    movzx eax, word [esp + 8]
    mov [ss:dword FRAME + 8], eax
    movzx eax, word [esp + 10]
    mov [ss:dword FRAME + 12], eax
    movzx eax, word [esp + 12]
    mov [ss:dword FRAME + 16], eax
    movzx eax, word [esp + 14]
    mov [ss:dword FRAME + 20], eax
    lea eax, [esp + 4]
    mov [ss:dword FRAME + 28], eax
    pop eax
    retf 4
bits 32

; ---- Faults of call gates ----
test_gate_faults:
    RING3
    TRY "CPL 3: gate DPL 0", EXC_GP, G_GATEDPL0
    call G_GATEDPL0:0
    ENDTRY
    TRY "gate RPL 3 > DPL 0", EXC_GP, G_GATESAME
    call G_GATESAME | 3:0
    ENDTRY
    RING3
    TRY "CPL 3: gate not present", EXC_NP, G_GATENP
    call G_GATENP:0
    ENDTRY
    RING3
    TRY "CPL 3: gate to data", EXC_GP, SEL_DATA0
    call G_GATEDATA:0
    ENDTRY
    RING3
    TRY "CPL 3: gate to null", EXC_GP, 0
    call G_GATENULL:0
    ENDTRY
    RING3
    TRY "CPL 3: gate to a not-present segment", EXC_NP, G_CODENP
    call G_GATENPT:0
    ENDTRY
    RING3
    TRY "CPL 3: JMP through a gate to ring 0 code", EXC_GP, SEL_CODE0
    jmp G_GATE32:0
    ENDTRY
    TRY "CPL 0: gate to DPL 3 code", EXC_GP, SEL_CODE3 & ~3
    call G_GATETGT3:0
    ENDTRY
    ret

; ---- Faults of the stack switch (TSS.SS1:ESP1) ----
%macro SS1_TRY 4    ; name, SS1, vector, error
    mov word [TSS_BASE + 16], %2
    RING3
    TRY %1, %3, %4
    call G_GATER1:0
    ENDTRY
%endmacro
test_stack_switch_faults:
    SS1_TRY "TSS SS1 null", 0, EXC_TS, 0
    SS1_TRY "TSS SS1 RPL 0", SEL_DATA1 & ~3, EXC_TS, SEL_DATA1 & ~3
    SS1_TRY "TSS SS1 DPL 0", SEL_DATA0 | 1, EXC_TS, SEL_DATA0
    SS1_TRY "TSS SS1 read-only", G_DATA0RO | 1, EXC_TS, G_DATA0RO
    SS1_TRY "TSS SS1 code", SEL_CODE1, EXC_TS, SEL_CODE1 & ~3
    SS1_TRY "TSS SS1 beyond the GDT", G_BEYOND | 1, EXC_TS, G_BEYOND
    SS1_TRY "TSS SS1 not present", G_DATA1NP | 1, EXC_SS, G_DATA1NP
    ; A new stack too small for the frame: #SS(new SS).
    mov dword [TSS_BASE + 12], 0x10
    SS1_TRY "TSS ESP1 too low for the frame", G_STK1 | 1, EXC_SS, G_STK1
    mov dword [TSS_BASE + 12], ESP1_TOP
    mov word [TSS_BASE + 16], SEL_DATA1
    ; The TSS limit must cover ESP1 and SS1 with its padding (offsets 12..19, SDM vol. 2,
    ; CALL: TSSstackAddress + 7): #TS(TSS selector).
    mov word [GDT_BASE + SEL_TSS], 0x12
    mov byte [GDT_BASE + SEL_TSS + 6], 0
    mov ax, SEL_TSS
    mov byte [GDT_BASE + SEL_TSS + 5], A_P | 0x09
    ltr ax
    RING3
    TRY "TSS limit 12h: SS1 padding beyond it", EXC_TS, SEL_TSS
    call G_GATER1:0
    ENDTRY
    mov word [GDT_BASE + SEL_TSS], 0x13
    mov ax, SEL_TSS
    mov byte [GDT_BASE + SEL_TSS + 5], A_P | 0x09
    ltr ax
    RING3
    NOFAULT "TSS limit 13h covers SS1:ESP1"
    push dword 0x5555
    call G_GATER1:0
    ENDNOFAULT
    RING0
    mov edi, GDT_BASE + SEL_TSS
    mov eax, TSS_BASE
    mov ebx, TSS_LIMIT
    mov ecx, A_P | 0x09
    call set_desc
    mov ax, SEL_TSS
    ltr ax
    ret

; ---- Conforming code ----
test_conforming:
    mov dword [V0], 0
    RING3
    call G_CONF0:conf_target
    mov [V1], esp
    call G_GATECONF:0
    RING0
    CHECK "conforming DPL 0 from CPL 3: CS keeps RPL 3", dword [V0], G_CONF0 | 3
    CHECK "conforming through a gate: no stack switch", dword [V2], G_CONF0 | 3
    mov eax, [V1]
    sub eax, 8
    CHECK "conforming through a gate: same stack", dword [V3], eax
    RING3
    jmp G_CONF0:.conf_jmp
.conf_jmp:
    xor eax, eax
    mov ax, cs
    mov [V4], eax
    RING0
    CHECK "JMP to conforming from CPL 3", dword [V4], G_CONF0 | 3
    call G_CONF0:.conf0
.conf0:
    xor eax, eax
    mov ax, cs
    add esp, 8
    CHECK "conforming DPL 0 from CPL 0", eax, G_CONF0
    jmp SEL_CODE0:.back
.back:
    ret

conf_target:
    xor eax, eax
    mov ax, cs
    cmp dword [V0], 0
    jne .second
    mov [V0], eax
    retf
.second:
    mov [V2], eax
    mov [V3], esp
    retf

; ---- IDT gates ----
test_idt_gates:
    SET_GATE 0x40, h_flags, SEL_CODE0, T_INT32 | 0x60
    SET_GATE 0x41, h_flags, SEL_CODE0, T_TRAP32 | 0x60
    SET_GATE 0x42, h_flags, SEL_CODE0, T_INT32
    SET_GATE 0x43, h_flags, SEL_CODE0, T_INT32 & 0x7F | 0x60
    SET_GATE 0x44, h_trap16 - BASE, SEL_CODE16, T_TRAP16 | 0x60
    SET_GATE 0x45, h_flags, SEL_CODE0, T_CALL32 | 0x60
    SET_GATE 0x46, h_flags, SEL_CODE3, T_INT32 | 0x60
    SET_GATE 0x47, h_flags, G_BEYOND, T_INT32 | 0x60
    SET_GATE 0x48, h_flags, 0, T_INT32 | 0x60
    SET_GATE 0x49, h_flags, G_CODENP, T_INT32 | 0x60
    SET_GATE 0x4A, h_conf, G_CONF0, T_INT32 | 0x60
    sti
    int 0x40
    cli
    mov eax, [V0]
    and eax, 0x200
    CHECK "interrupt gate clears IF", eax, 0
    sti
    int 0x41
    cli
    mov eax, [V0]
    and eax, 0x200
    CHECK "trap gate keeps IF", eax, 0x200
    sti
    int 0x40
    pushfd
    pop eax
    cli
    and eax, 0x200
    CHECK "IRET restores IF", eax, 0x200
    ; A 16-bit trap gate pushes a 16-bit frame.
    mov [V1], esp
    int 0x44
.int44_ret equ $
.after44:
    CHECK "16-bit trap gate: ESP moved by 6", dword [V2], 6
    CHECK "16-bit trap gate: IP truncated to 16 bits", dword [V3], .int44_ret - BASE
    ; Software INT: gate DPL below CPL is #GP(vector * 8 + 2).
    RING3
    TRY "CPL 3: INT 42h through a DPL 0 gate", EXC_GP, 0x42 * 8 + 2
    int 0x42
    ENDTRY
    SET_GATE EXC_BP, h_flags, SEL_CODE0, T_INT32
    RING3
    TRY "CPL 3: INT3 through a DPL 0 gate", EXC_GP, EXC_BP * 8 + 2
    int3
    ENDTRY
    SET_GATE EXC_OF, h_flags, SEL_CODE0, T_INT32
    RING3
    mov eax, 0x7FFFFFFF
    add eax, 1
    TRY "CPL 3: INTO through a DPL 0 gate", EXC_GP, EXC_OF * 8 + 2
    into
    ENDTRY
    TRY "INT 43h: gate not present", EXC_NP, 0x43 * 8 + 2
    int 0x43
    ENDTRY
    TRY "INT 45h: a call gate in the IDT", EXC_GP, 0x45 * 8 + 2
    int 0x45
    ENDTRY
    TRY "INT 46h: handler DPL 3 > CPL 0", EXC_GP, SEL_CODE3 & ~3
    int 0x46
    ENDTRY
    TRY "INT 47h: handler beyond the GDT", EXC_GP, G_BEYOND
    int 0x47
    ENDTRY
    TRY "INT 48h: null handler selector", EXC_GP, 0
    int 0x48
    ENDTRY
    TRY "INT 49h: handler not present", EXC_NP, G_CODENP
    int 0x49
    ENDTRY
    mov word [idtr_limit], 0x40 * 8 - 1
    lidt [idtr_limit]
    TRY "INT 40h beyond the IDT limit", EXC_GP, 0x40 * 8 + 2
    int 0x40
    ENDTRY
    mov word [idtr_limit], 256 * 8 - 1
    lidt [idtr_limit]
    ; An interrupt gate to conforming code from CPL 3 stays at CPL 3.
    RING3
    mov [V1], esp
    int 0x4A
    RING0
    CHECK "INT to conforming code: CS", dword [V2], G_CONF0 | 3
    mov eax, [V1]
    sub eax, 12
    CHECK "INT to conforming code: same stack", dword [V3], eax
    SET_GATE EXC_BP, exc_stub_3, SEL_CODE0, T_INT32
    SET_GATE EXC_OF, exc_stub_4, SEL_CODE0, T_INT32
    ret

h_flags:                            ; records the handler's own EFLAGS
    pushfd
    pop dword [ss:V0]
    iretd

h_conf:
    push eax
    xor eax, eax
    mov ax, cs
    mov [V2], eax
    lea eax, [esp + 4]
    mov [V3], eax
    pop eax
    iretd

bits 16
h_trap16:                           ; a 16-bit IRET would return to the truncated IP
    push eax
    mov eax, [dword V1]
    sub eax, esp
    sub eax, 4
    mov [dword V2], eax
    movzx eax, word [esp + 4]
    mov [dword V3], eax
    pop eax
    add esp, 6
    jmp dword SEL_CODE0:test_idt_gates.after44
bits 32

; ---- IRET and POPF at CPL 3 cannot change IF or IOPL ----
test_iret_flags:
    RING3
    push dword 0x3202
    popfd
    pushfd
    pop dword [V0]
    pushfd
    or dword [esp], 0x3200
    push dword SEL_CODE3
    push dword .after
    iretd
.after:
    pushfd
    pop dword [V1]
    RING0
    mov eax, [V0]
    and eax, 0x3200
    CHECK "CPL 3: POPF leaves IF and IOPL", eax, 0
    mov eax, [V1]
    and eax, 0x3200
    CHECK "CPL 3: IRET leaves IF and IOPL", eax, 0
    ; At CPL 0 POPF sets IOPL.
    push dword 0x3002
    popfd
    pushfd
    pop eax
    push dword 2
    popfd
    and eax, 0x3000
    CHECK "CPL 0: POPF sets IOPL", eax, 0x3000
    ; IRET at CPL 3 to CPL 0 code: #GP(selector).
    RING3
    TRY_AT "CPL 3: IRET to ring 0", EXC_GP, SEL_CODE0, .iret0
    pushfd
    push dword SEL_CODE0
    push dword .after
.iret0:
    iretd
    ENDTRY
    ret

; ---- SYSENTER / SYSEXIT ----
MSR_CS  equ 0x174
MSR_ESP equ 0x175
MSR_EIP equ 0x176
MSR_APIC_BASE equ 0x1B
test_sysenter:
    cmp dword [cpu_family], 6
    jae .p6
    TRY "SYSENTER is #UD before the P6", EXC_UD, NOERR
    sysenter
    ENDTRY
    ret
.p6:
    mov ecx, MSR_CS
    xor edx, edx
    mov eax, G_SYS
    wrmsr
    mov ecx, MSR_ESP
    mov eax, ESP0_TOP - 0x40
    wrmsr
    mov ecx, MSR_EIP
    mov eax, sysenter_target
    wrmsr
    mov ecx, MSR_CS
    rdmsr
    CHECK "RDMSR SYSENTER_CS", eax, G_SYS
    ; IA32_APIC_BASE: no local APIC is modelled, so it reads as one that is disabled
    ; (global enable clear, default base, BSP); it moves, but stays disabled until reset.
    mov ecx, MSR_APIC_BASE
    rdmsr
    CHECK "RDMSR APIC_BASE", eax, 0xFEE00100
    CHECK "RDMSR APIC_BASE high", edx, 0
    mov eax, 0xFED00800                 ; a new base, and an attempt to enable it
    xor edx, edx
    wrmsr
    rdmsr
    CHECK "APIC_BASE keeps a new base, not the enable", eax, 0xFED00100
    mov ecx, MSR_APIC_BASE
    mov eax, 0xFEE00200
    xor edx, edx
    TRY "WRMSR APIC_BASE with a reserved bit", EXC_GP, 0
    wrmsr
    ENDTRY
    mov ecx, MSR_APIC_BASE
    mov eax, 0xFEE00000
    mov edx, 1
    TRY "WRMSR APIC_BASE above 4 GiB", EXC_GP, 0
    wrmsr
    ENDTRY
    mov ecx, MSR_APIC_BASE
    mov eax, 0xFEE00000
    xor edx, edx
    wrmsr
    ; SYSEXIT to ring 3 at EDX with ESP = ECX.
    mov [V0], esp
    mov ecx, STACK3_TOP - 0x200
    mov edx, .at3
    sti
    sysexit
.at3:
    xor eax, eax
    mov ax, cs
    mov [V1], eax
    mov ax, ss
    mov [V2], eax
    mov [V3], esp
    pushfd
    pop dword [V8]
    sysenter
.after_enter:
    ; sysenter_target continues here at ring 0
    cli
    mov esp, [V0]
    CHECK "SYSEXIT: CS", dword [V1], G_SYS + 16 + 3
    CHECK "SYSEXIT: SS", dword [V2], G_SYS + 24 + 3
    CHECK "SYSEXIT: ESP = ECX", dword [V3], STACK3_TOP - 0x200
    CHECK "SYSENTER: CS", dword [V4], G_SYS
    CHECK "SYSENTER: SS", dword [V5], G_SYS + 8
    CHECK "SYSENTER: ESP", dword [V6], ESP0_TOP - 0x40
    mov eax, [V7]
    and eax, 0x200
    CHECK "SYSENTER clears IF", eax, 0
    RING3
    TRY "SYSEXIT at CPL 3", EXC_GP, 0
    sysexit
    ENDTRY
    mov ecx, MSR_CS
    xor eax, eax
    xor edx, edx
    wrmsr
    RING3
    TRY "SYSENTER with SYSENTER_CS = 0", EXC_GP, 0
    sysenter
    ENDTRY
    ret

sysenter_target:
    xor eax, eax
    mov ax, cs
    mov [ss:V4], eax
    mov ax, ss
    mov [ss:V5], eax
    mov [ss:V6], esp
    pushfd
    pop dword [ss:V7]
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    jmp test_sysenter.after_enter

    GUEST_END
