; Hardware task switches (SDM vol. 3A chapter 7; vol. 2 JMP, CALL, IRET, INT n): 32-bit
; and 16-bit TSSs, JMP (busy bits moved), CALL and INT (back link, NT, nesting), IRET with
; NT, a task gate in the IDT for an exception whose error code lands on the new task's
; stack, the busy-bit #GP, invalid TSSs, faults in the new task's context, CR0.TS set by
; every switch and one LDT per task.
%define GUEST_NAME "pm_tasks"
%include "guest.inc"

TSS_A   equ 0x30000                 ; 32-bit task A
TSS_B   equ 0x30200                 ; 16-bit task B
TSS_C   equ 0x30400                 ; 32-bit exception task C
TSS_D   equ 0x30600                 ; 32-bit task D with a bad DS
LDT_A   equ 0x31000                 ; task A's LDT
DATA_A  equ 0x32000                 ; what task A's LDT entry 0 maps
STACK_A equ 0x38000
STACK_B equ 0x9000                  ; below 64 KiB: task B has a 16-bit SP
STACK_C equ 0x3A000
STACK_D equ 0x3B000

T_A     equ SEL_GUEST + 0x00        ; TSS A, DPL 3
T_B     equ SEL_GUEST + 0x08        ; TSS B (16-bit)
T_C     equ SEL_GUEST + 0x10        ; TSS C
T_D     equ SEL_GUEST + 0x18        ; TSS D
T_SHORT equ SEL_GUEST + 0x20        ; 32-bit TSS with limit 66h
T_NP    equ SEL_GUEST + 0x28        ; TSS not present
T_LDTA  equ SEL_GUEST + 0x30        ; task A's LDT
T_GATEA equ SEL_GUEST + 0x38        ; task gate to T_A, DPL 3
T_GATE0 equ SEL_GUEST + 0x40        ; task gate to T_A, DPL 0
T_TSS0  equ SEL_GUEST + 0x48        ; TSS DPL 0 (for CPL 3 checks), base TSS_A
T_DATANP equ SEL_GUEST + 0x50       ; data, not present
T_SMALL equ SEL_GUEST + 0x58        ; 32-bit TSS with limit 5Eh: too small to save into
T_BEYOND equ SEL_GUEST + 0x60

guest_gdt:
    DESC TSS_A, 0x67, A_P | A_DPL3 | 0x09
    DESC TSS_B, 0x2B, A_P | 0x01
    DESC TSS_C, 0x67, A_P | 0x09
    DESC TSS_D, 0x67, A_P | 0x09
    DESC TSS_A, 0x66, A_P | 0x09
    DESC TSS_A, 0x67, 0x09
    DESC LDT_A, 0x7, A_P | 0x02
    dw 0, T_A, 0xE500, 0                ; task gate DPL 3
    dw 0, T_A, 0x8500, 0                ; task gate DPL 0
    DESC TSS_A, 0x67, A_P | 0x09
    DESC 0, 0xFFFFF, A_G | A_D | A_DATA | A_RW | A_ACC
    DESC TSS_D, 0x5E, A_P | 0x09
guest_gdt_end:

V equ guest_vars
MODE    equ V + 0                   ; what task A does next: 0 JMP back, 1 IRET
A_TR    equ V + 4
A_LDTR  equ V + 8
A_CR0   equ V + 12
A_FLAGS equ V + 16
A_EAX   equ V + 20
A_EBX   equ V + 24
A_LDTDATA equ V + 28
A_MAINTYPE equ V + 32               ; byte 5 of the main TSS descriptor, seen by A
A_ATYPE equ V + 36
A_ESP   equ V + 40
A_CPL   equ V + 44
B_AX    equ V + 48
B_FS    equ V + 52
B_SP    equ V + 56
B_FLAGS equ V + 60
C_ERR   equ V + 64
C_ESP   equ V + 68
C_LINK  equ V + 72
C_FLAGS equ V + 76
COUNT   equ V + 80
A_LIN   equ V + 84
A_CR3   equ V + 88

%define TYPE_OF(sel) byte [GDT_BASE + (sel) + 5]

guest_main:
    mov word [TSS_BASE + 0x60], SEL_LDT ; the main task's LDT, reloaded when it resumes
    mov dword [LDT_A], 0x0000FFFF | ((DATA_A & 0xFFFF) << 16)
    mov dword [LDT_A + 4], (DATA_A >> 16) & 0xFF | 0x00009300 | (DATA_A & 0xFF000000)
    mov dword [DATA_A], 0xDA7A0A
    RUN test_jmp
    RUN test_call_iret
    RUN test_busy
    RUN test_iret_nt
    RUN test_int_task_gate
    RUN test_exception_task
    RUN test_tss16
    RUN test_invalid
    RUN test_fault_in_new_task
    RUN test_cr3
    RUN test_trap_bit
    RUN test_old_tss_limit
    clts
    ret

; Fill TSS A: EIP task_a, EFLAGS CF, known registers, flat segments, FS from its LDT.
init_tss_a:
    push edi
    push ecx
    push eax
    mov edi, TSS_A
    mov ecx, 0x68 / 4
    xor eax, eax
    rep stosd
    mov dword [TSS_A + 0x20], task_a
    mov dword [TSS_A + 0x24], 0x0003    ; CF
    mov dword [TSS_A + 0x28], 0xAAAA0001
    mov dword [TSS_A + 0x34], 0xAAAA0004
    mov dword [TSS_A + 0x38], STACK_A
    mov dword [TSS_A + 0x48], SEL_DATA0
    mov dword [TSS_A + 0x4C], SEL_CODE0
    mov dword [TSS_A + 0x50], SEL_DATA0
    mov dword [TSS_A + 0x54], SEL_DATA0
    mov dword [TSS_A + 0x58], 0x04      ; FS: LDT entry 0
    mov dword [TSS_A + 0x60], T_LDTA
    mov dword [TSS_A + 0x04], STACK_A + 0x800
    mov dword [TSS_A + 0x08], SEL_DATA0
    mov word [TSS_A + 0x66], 0x68
    mov TYPE_OF(T_A), A_P | A_DPL3 | 0x09
    pop eax
    pop ecx
    pop edi
    ret

; Task A: record what it sees, then JMP back to the main task or IRET, by MODE.
task_a:
    pushfd
    pop dword [A_FLAGS]
    mov [A_EAX], eax
    mov [A_EBX], ebx
    mov [A_ESP], esp
    xor eax, eax
    str ax
    mov [A_TR], eax
    sldt ax
    mov [A_LDTR], eax
    mov eax, cr0
    mov [A_CR0], eax
    mov eax, [fs:0]
    mov [A_LDTDATA], eax
    movzx eax, TYPE_OF(SEL_TSS)
    mov [A_MAINTYPE], eax
    movzx eax, TYPE_OF(T_A)
    mov [A_ATYPE], eax
    mov eax, cs
    and eax, 3
    mov [A_CPL], eax
    mov eax, cr0
    test eax, 0x80000000
    jz .paging_off
    mov eax, [0x400000]
    mov [A_LIN], eax
    mov eax, cr3
    mov [A_CR3], eax
.paging_off:
    inc dword [COUNT]
    cmp dword [MODE], 0
    jne .iret
    jmp SEL_TSS:0
.after_jmp:
    jmp task_a
.iret:
    iretd
    jmp task_a

; ---- JMP ----
test_jmp:
    call init_tss_a
    mov dword [MODE], 0
    clts
    mov ebx, 0x13572468
    mov esi, 0x5A5A5A5A
    jmp T_A:0x12345678              ; the offset is ignored
.back:
    CHECK "JMP: main registers restored", ebx, 0x13572468
    CHECK "JMP: ESI restored", esi, 0x5A5A5A5A
    CHECK "JMP: task A EAX from its TSS", dword [A_EAX], 0xAAAA0001
    CHECK "JMP: task A EBX", dword [A_EBX], 0xAAAA0004
    CHECK "JMP: task A ESP", dword [A_ESP], STACK_A
    CHECK "JMP: TR in task A", dword [A_TR], T_A
    CHECK "JMP: LDTR in task A", dword [A_LDTR], T_LDTA
    CHECK "JMP: task A reads through its LDT", dword [A_LDTDATA], 0xDA7A0A
    mov eax, [A_CR0]
    and eax, 8
    CHECK "JMP: CR0.TS set by the switch", eax, 8
    mov eax, [A_FLAGS]
    and eax, 0x4001
    CHECK "JMP: EFLAGS from the TSS, NT clear", eax, 1
    CHECK "JMP: the old task's busy bit cleared", dword [A_MAINTYPE], A_P | 0x09
    CHECK "JMP: the new task busy", dword [A_ATYPE], A_P | A_DPL3 | 0x0B
    movzx eax, TYPE_OF(T_A)
    CHECK "JMP back: task A no longer busy", eax, A_P | A_DPL3 | 0x09
    movzx eax, TYPE_OF(SEL_TSS)
    CHECK "JMP back: main task busy", eax, A_P | 0x0B
    xor eax, eax
    sldt ax
    CHECK "JMP back: main LDTR", eax, SEL_LDT
    xor eax, eax
    str ax
    CHECK "JMP back: TR", eax, SEL_TSS
    CHECK "JMP: the main task's saved EIP", dword [TSS_BASE + 0x20], .back
    CHECK "JMP: task A's saved EIP", dword [TSS_A + 0x20], task_a.after_jmp
    movzx eax, word [TSS_A]
    CHECK "JMP: no back link written", eax, 0
    ret

; ---- CALL and IRET ----
test_call_iret:
    call init_tss_a
    mov dword [MODE], 1
    mov ebx, 0x2468ACE0
    call T_A:0
.back:
    CHECK "CALL: main registers restored", ebx, 0x2468ACE0
    mov eax, [A_FLAGS]
    and eax, 0x4000
    CHECK "CALL: NT set in the new task", eax, 0x4000
    movzx eax, word [TSS_A]
    CHECK "CALL: back link", eax, SEL_TSS
    CHECK "CALL: the caller stays busy", dword [A_MAINTYPE], A_P | 0x0B
    CHECK "CALL: the new task busy", dword [A_ATYPE], A_P | A_DPL3 | 0x0B
    movzx eax, TYPE_OF(T_A)
    CHECK "IRET: the nested task no longer busy", eax, A_P | A_DPL3 | 0x09
    mov eax, [TSS_A + 0x24]
    and eax, 0x4000
    CHECK "IRET: NT clear in the nested task's saved EFLAGS", eax, 0
    CHECK "IRET: the nested task's saved EIP", dword [TSS_A + 0x20], task_a.iret + 1
    pushfd
    pop eax
    and eax, 0x4000
    CHECK "IRET: NT of the caller", eax, 0
    ; Through a task gate in the GDT, from CPL 3: the new task runs at its own CPL 0.
    call init_tss_a
    RING3
    call T_GATEA:0
    RING0
    CHECK "CALL through a task gate from CPL 3: task CPL", dword [A_CPL], 0
    movzx eax, word [TSS_BASE + 0x4C]
    CHECK "CALL through a task gate from CPL 3: the caller's CS saved", eax, SEL_CODE3
    movzx eax, word [TSS_A]
    CHECK "CALL through a task gate: back link", eax, SEL_TSS
    ret

; ---- Busy tasks ----
test_busy:
    TRY "CALL to the running (busy) task", EXC_GP, SEL_TSS
    call SEL_TSS:0
    ENDTRY
    TRY "JMP to the running (busy) task", EXC_GP, SEL_TSS
    jmp SEL_TSS:0
    ENDTRY
    ; Task A busy (as if nested): CALL and JMP to it fault.
    call init_tss_a
    mov TYPE_OF(T_A), A_P | A_DPL3 | 0x0B
    TRY "CALL to a busy task", EXC_GP, T_A
    call T_A:0
    ENDTRY
    TRY "JMP through a task gate to a busy task", EXC_GP, T_A
    jmp T_GATEA:0
    ENDTRY
    mov TYPE_OF(T_A), A_P | A_DPL3 | 0x09
    ret

; ---- IRET with NT ----
test_iret_nt:
    ; NT set, back link to an available (not busy) TSS: #TS(link).
    mov word [TSS_BASE], T_A
    call init_tss_a
    pushfd
    or dword [esp], 0x4000
    popfd
    TRY "IRET with NT to a task that is not busy", EXC_TS, T_A
    iretd
    ENDTRY
    mov word [TSS_BASE], T_BEYOND
    pushfd
    or dword [esp], 0x4000
    popfd
    TRY "IRET with NT, back link beyond the GDT", EXC_TS, T_BEYOND
    iretd
    ENDTRY
    mov word [TSS_BASE], 0
    ret

; ---- INT n through a task gate ----
test_int_task_gate:
    call init_tss_a
    mov dword [MODE], 1
    SET_GATE 0x50, 0, T_A, T_TASK
    mov ebx, 0x11112222
    int 0x50
.back:
    CHECK "INT task gate: registers restored", ebx, 0x11112222
    movzx eax, word [TSS_A]
    CHECK "INT task gate: back link", eax, SEL_TSS
    CHECK "INT task gate: the main task's saved EIP is the next instruction", dword [TSS_BASE + 0x20], .back
    RING3
    TRY "CPL 3: INT through a DPL 0 task gate", EXC_GP, 0x50 * 8 + 2
    int 0x50
    ENDTRY
    ret

; ---- An exception through a task gate ----
; #GP goes to task C, which finds the error code on its stack, repairs the main task's
; saved EAX (the selector that faulted) and returns with IRET: MOV DS then succeeds.
task_c:
    pop dword [C_ERR]
    mov [C_ESP], esp
    movzx eax, word [TSS_C]
    mov [C_LINK], eax
    pushfd
    pop dword [C_FLAGS]
    mov dword [TSS_BASE + 0x28], SEL_DATA0
    inc dword [COUNT]
    iretd
    jmp task_c

test_exception_task:
    mov edi, TSS_C
    mov ecx, 0x68 / 4
    xor eax, eax
    rep stosd
    mov dword [TSS_C + 0x20], task_c
    mov dword [TSS_C + 0x24], 2
    mov dword [TSS_C + 0x38], STACK_C
    mov dword [TSS_C + 0x48], SEL_DATA0
    mov dword [TSS_C + 0x4C], SEL_CODE0
    mov dword [TSS_C + 0x50], SEL_DATA0
    mov dword [TSS_C + 0x54], SEL_DATA0
    mov dword [TSS_C + 0x60], SEL_LDT
    mov dword [COUNT], 0
    mov byte [IDT_BASE + EXC_GP * 8 + 5], T_TASK
    mov word [IDT_BASE + EXC_GP * 8 + 2], T_C
    mov eax, T_DATANP | 3               ; RPL 3 > DPL 0: #GP(T_DATANP)
    mov ds, ax
    mov ebx, ds
    SET_GATE EXC_GP, exc_stub_13, SEL_CODE0, T_INT32
    and ebx, 0xFFFF
    CHECK "exception task: MOV DS restarted with the repaired selector", ebx, SEL_DATA0
    CHECK "exception task: ran once", dword [COUNT], 1
    CHECK "exception task: error code on its stack", dword [C_ERR], T_DATANP
    CHECK "exception task: ESP after popping it", dword [C_ESP], STACK_C
    CHECK "exception task: back link", dword [C_LINK], SEL_TSS
    mov eax, [C_FLAGS]
    and eax, 0x4000
    CHECK "exception task: NT", eax, 0x4000
    movzx eax, TYPE_OF(T_C)
    CHECK "exception task: not busy after IRET", eax, A_P | 0x09
    ret

; ---- A 16-bit TSS ----
test_tss16:
    mov edi, TSS_B
    mov ecx, 0x2C / 4
    xor eax, eax
    rep stosd
    mov word [TSS_B + 0x0E], task_b - $$
    mov word [TSS_B + 0x10], 0x0001     ; CF
    mov word [TSS_B + 0x12], 0x2222     ; AX
    mov word [TSS_B + 0x1A], STACK_B    ; SP
    mov word [TSS_B + 0x22], SEL_DATA0  ; ES
    mov word [TSS_B + 0x24], SEL_CODE16 ; CS
    mov word [TSS_B + 0x26], SEL_DATA16 ; SS: a 16-bit stack, base 0
    mov word [TSS_B + 0x28], SEL_DATA0  ; DS
    mov word [TSS_B + 0x2A], SEL_LDT
    mov ax, SEL_DATA0
    mov fs, ax
    mov gs, ax
    mov ebx, 0x99998888
    call T_B:0
    CHECK "16-bit TSS: caller's EBX restored", ebx, 0x99998888
    CHECK "16-bit TSS: AX from the TSS", dword [B_AX], 0x2222
    CHECK "16-bit TSS: FS null in the new task", dword [B_FS], 0
    CHECK "16-bit TSS: SP", dword [B_SP], STACK_B
    mov eax, [B_FLAGS]
    and eax, 0x4001
    CHECK "16-bit TSS: FLAGS from the TSS, NT set", eax, 0x4001
    movzx eax, word [TSS_B]
    CHECK "16-bit TSS: back link", eax, SEL_TSS
    movzx eax, word [TSS_B + 0x0E]
    CHECK "16-bit TSS: saved IP", eax, task_b.after - BASE
    movzx eax, word [TSS_B + 0x10]
    and eax, 0x4000
    CHECK "16-bit TSS: saved FLAGS without NT", eax, 0
    movzx eax, TYPE_OF(T_B)
    CHECK "16-bit TSS: available again", eax, A_P | 0x01
    ret

bits 16
task_b:
    pushfd
    pop dword [dword B_FLAGS]
    movzx eax, ax
    mov [dword B_AX], eax
    xor eax, eax
    mov ax, fs
    mov [dword B_FS], eax
    movzx eax, sp
    mov [dword B_SP], eax
    iret
.after:
    jmp task_b
bits 32

; ---- Invalid targets ----
test_invalid:
    TRY "JMP to a TSS with limit 66h", EXC_TS, T_SHORT
    jmp T_SHORT:0
    ENDTRY
    TRY "JMP to a TSS that is not present", EXC_NP, T_NP
    jmp T_NP:0
    ENDTRY
    RING3
    TRY "CPL 3: JMP to a DPL 0 TSS", EXC_GP, T_TSS0
    jmp T_TSS0:0
    ENDTRY
    RING3
    TRY "CPL 3: CALL through a DPL 0 task gate", EXC_GP, T_GATE0
    call T_GATE0:0
    ENDTRY
    TRY "JMP to a TSS with RPL 3 > DPL 0", EXC_GP, T_TSS0
    jmp T_TSS0 | 3:0
    ENDTRY
    TRY "JMP to an LDT descriptor", EXC_GP, T_LDTA
    jmp T_LDTA:0
    ENDTRY
    ret

; ---- A fault after the commit point belongs to the new task ----
test_fault_in_new_task:
    mov edi, TSS_D
    mov ecx, 0x68 / 4
    xor eax, eax
    rep stosd
    mov dword [TSS_D + 0x20], task_d
    mov dword [TSS_D + 0x24], 2
    mov dword [TSS_D + 0x38], STACK_D
    mov dword [TSS_D + 0x48], SEL_DATA0
    mov dword [TSS_D + 0x4C], SEL_CODE0
    mov dword [TSS_D + 0x50], SEL_DATA0
    mov dword [TSS_D + 0x54], T_DATANP  ; DS not present: #NP in task D
    mov dword [TSS_D + 0x60], SEL_LDT
    TRY_AT "DS of the new task not present: #NP in its context", EXC_NP, T_DATANP, task_d
    jmp T_D:0
.jmp_d:
    ENDTRY
    xor eax, eax
    str ax
    CHECK "the fault is taken with TR = the new task", eax, T_D
    CHECK "the old task's state was saved", dword [TSS_BASE + 0x20], test_fault_in_new_task.jmp_d
    ; Back to the main TSS: D busy -> available, main available -> LTR.
    mov TYPE_OF(T_D), A_P | 0x09
    mov TYPE_OF(SEL_TSS), A_P | 0x09
    mov ax, SEL_TSS
    ltr ax
    ret

task_d:
    jmp task_d

; ---- A 32-bit TSS switches CR3 ----
; Two page directories share the identity map of 0-4 MiB and map linear 400000 to two
; different frames. The processor loads CR3 from the new TSS (it never stores it).
PD_MAIN equ 0x200000
PD_A    equ 0x201000
PT_ID   equ 0x202000
PT_M    equ 0x203000
PT_TA   equ 0x204000
test_cr3:
    mov edi, PD_MAIN
    mov ecx, 5 * 1024
    xor eax, eax
    rep stosd
    mov edi, PT_ID
    mov eax, 7
.fill:
    stosd
    add eax, 0x1000
    cmp edi, PT_ID + 0x1000
    jb .fill
    mov dword [PD_MAIN], PT_ID | 7
    mov dword [PD_A], PT_ID | 7
    mov dword [PD_MAIN + 4], PT_M | 7
    mov dword [PD_A + 4], PT_TA | 7
    mov dword [PT_M], 0x300000 | 7
    mov dword [PT_TA], 0x301000 | 7
    mov dword [0x300000], 0x1111
    mov dword [0x301000], 0x2222
    call init_tss_a
    mov dword [TSS_A + 0x1C], PD_A
    mov dword [TSS_BASE + 0x1C], PD_MAIN
    mov dword [MODE], 0
    mov eax, PD_MAIN
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    mov eax, [0x400000]             ; in the TLB now
    CHECK "CR3: the main mapping", eax, 0x1111
    jmp T_A:0
    mov ebx, [0x400000]
    mov ecx, cr3
    mov eax, cr0
    and eax, ~0x80000000
    mov cr0, eax
    CHECK "CR3: task A has its own CR3", dword [A_CR3], PD_A
    CHECK "CR3: task A sees its mapping (the TLB was flushed)", dword [A_LIN], 0x2222
    CHECK "CR3: back in the main task", ecx, PD_MAIN
    CHECK "CR3: the main mapping again", ebx, 0x1111
    ret

; ---- The T bit: a #DB trap in the new task before its first instruction (SDM vol. 3A,
; 7.2.1 and 17.3.1.5), with DR6.BT ----
T_EIP   equ V + 92
T_DR6   equ V + 96
T_TR    equ V + 100
test_trap_bit:
    SET_GATE EXC_DB, h_tbit, SEL_CODE0, T_INT32
    xor eax, eax
    mov dr6, eax
    mov [T_EIP], eax
    call init_tss_a
    mov word [TSS_A + 0x64], 1      ; T
    mov dword [MODE], 0
    jmp T_A:0
    CHECK "T bit: #DB at the new task's first instruction", dword [T_EIP], task_a
    mov eax, [T_DR6]
    and eax, 0x8000
    CHECK "T bit: DR6.BT", eax, 0x8000
    CHECK "T bit: the trap is taken in the new task", dword [T_TR], T_A
    ; Without the T bit: no trap.
    mov dword [T_EIP], 0
    call init_tss_a
    jmp T_A:0
    CHECK "no T bit: no trap", dword [T_EIP], 0
    SET_GATE EXC_DB, exc_stub_1, SEL_CODE0, T_INT32
    ret

h_tbit:
    push eax
    mov eax, [esp + 4]
    mov [T_EIP], eax
    mov eax, dr6
    mov [T_DR6], eax
    xor eax, eax
    mov dr6, eax
    str ax
    mov [T_TR], eax
    pop eax
    iretd

; ---- The old TSS must be large enough for the state saved into it ----
test_old_tss_limit:
    call init_tss_a
    mov TYPE_OF(SEL_TSS), A_P | 0x09
    mov ax, T_SMALL
    ltr ax
    TRY "a task switch out of a TSS with limit 5Eh: #TS with its selector", EXC_TS, T_SMALL
    jmp T_A:0
    ENDTRY
    movzx eax, TYPE_OF(T_A)
    CHECK "old TSS too small: the new task not made busy", eax, A_P | A_DPL3 | 0x09
    xor eax, eax
    str ax
    CHECK "old TSS too small: TR unchanged", eax, T_SMALL
    mov TYPE_OF(T_SMALL), A_P | 0x09
    mov ax, SEL_TSS
    ltr ax
    ret

    GUEST_END
