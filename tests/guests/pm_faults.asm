; Every exception with its error code and saved CS:EIP (SDM vol. 3A chapter 6, "Exception
; and interrupt reference"; 6.13 error codes with the EXT bit; table 6-5 for double faults):
; #DE #DB (single step, REP iterations, the MOV SS shadow; DR0-DR7 instruction and data
; breakpoints, general detect: vol. 3A chapter 17) #BP #OF #BR #UD #NM #DF #TS #NP #SS #GP
; #AC, faults that restart their instruction, the I/O permission bitmap (vol. 1, 18.5.2)
; and IOPL-sensitive CLI/STI at CPL 3, with the protected-mode virtual interrupt flag on
; the P6. #PF is in pm_paging.
%define GUEST_NAME "pm_faults"
%include "guest.inc"

F_DATANP    equ SEL_GUEST + 0x00    ; data DPL 0, not present
F_DATA1NP   equ SEL_GUEST + 0x08    ; data DPL 1, not present
F_STK3      equ SEL_GUEST + 0x10    ; data DPL 3 at SCRATCH, limit FFF
F_STK1      equ SEL_GUEST + 0x18    ; data DPL 1, base 0, limit 8DFFF

guest_gdt:
    DESC SCRATCH, 0xFFF, A_DATA | A_RW | A_ACC
    DESC 0, 0xFFFFF, A_G | A_D | A_DPL1 | A_DATA | A_RW | A_ACC
    DESC SCRATCH, 0xFFF, A_P | A_DPL3 | A_DATA | A_RW | A_ACC
    DESC 0, 0x8DFFF, A_D | A_P | A_DPL1 | A_DATA | A_RW | A_ACC
guest_gdt_end:

V0 equ guest_vars
V1 equ guest_vars + 4
V2 equ guest_vars + 8
V3 equ guest_vars + 12
TRACE equ SCRATCH + 0x1000          ; EIPs recorded by the single-step handler

guest_main:
    RUN test_de
    RUN test_single_step
    RUN test_debug_regs
    RUN test_io_breakpoints
    RUN test_rf
    RUN test_bp_of_br
    RUN test_ud
    RUN test_nm
    RUN test_np_ss_gp
    RUN test_ext_bit
    RUN test_double_fault
    RUN test_restart
    RUN test_privileged
    RUN test_iopb
    RUN test_cli_sti
    RUN test_ac
    ret

; ---- #DE ----
test_de:
    xor ecx, ecx
    mov eax, 1
    xor edx, edx
    TRY "DIV by zero", EXC_DE, NOERR
    div ecx
    ENDTRY
    CHECK "#DE: CS", dword [exc_cs], SEL_CODE0
    mov eax, 0x80000000
    mov edx, 0xFFFFFFFF
    mov ecx, -1
    TRY "IDIV overflow", EXC_DE, NOERR
    idiv ecx
    ENDTRY
    mov ax, 0x1000
    mov cl, 0x10
    TRY "DIV r/m8 quotient too big", EXC_DE, NOERR
    div cl
    ENDTRY
    TRY "AAM 0", EXC_DE, NOERR
    aam 0
    ENDTRY
    ret

; ---- #DB: single step ----
test_single_step:
    SET_GATE EXC_DB, h_step, SEL_CODE0, T_INT32
    mov dword [V0], 0
    xor eax, eax
    mov dr6, eax
    pushfd
    or dword [esp], 0x100
    popfd                           ; TF set here: the first trap follows the next instruction
.s1:
    nop
.s2:
    mov eax, 1
.s3:
    add eax, eax
.s4:
    jmp .s5
    nop
.s5:
    pushfd
.s6:
    and dword [esp], ~0x100
.s7:
    popfd                           ; TF clear, but it was set when POPF began: one more trap
.s8:
    nop
    CHECK "single step: number of traps", dword [V0], 7
    CHECK "single step: trap 1 after NOP", dword [TRACE], .s2
    CHECK "single step: trap 2", dword [TRACE + 4], .s3
    CHECK "single step: trap 3", dword [TRACE + 8], .s4
    CHECK "single step: trap 4 after JMP", dword [TRACE + 12], .s5
    CHECK "single step: trap 5", dword [TRACE + 16], .s6
    CHECK "single step: trap 6", dword [TRACE + 20], .s7
    CHECK "single step: trap 7 after the POPF that cleared TF", dword [TRACE + 24], .s8
    mov eax, [V1]
    and eax, 0x4000
    CHECK "single step: DR6.BS", eax, 0x4000
    CHECK "single step: the handler runs with TF clear", dword [V2], 0
    ; A REP string instruction traps after each iteration, EIP at the instruction until
    ; the last one.
    mov dword [V0], 0
    mov edi, SCRATCH
    mov ecx, 3
    cld
    pushfd
    or dword [esp], 0x100
    popfd
    nop
.rep:
    rep stosb
.rep_end:
    pushfd
    and dword [esp], ~0x100
    popfd
    CHECK "single step REP STOSB: traps", dword [V0], 7
    CHECK "single step REP STOSB: trap 1 after NOP", dword [TRACE], .rep
    CHECK "single step REP STOSB: trap 2 inside, at REP", dword [TRACE + 4], .rep
    CHECK "single step REP STOSB: trap 3 inside, at REP", dword [TRACE + 8], .rep
    CHECK "single step REP STOSB: trap 4 after the last", dword [TRACE + 12], .rep_end
    ; MOV SS holds off the trap for one instruction.
    mov dword [V0], 0
    mov ax, ss
    pushfd
    or dword [esp], 0x100
    popfd
    nop
.movss:
    mov ss, ax
.after_movss:
    nop
.after_nop:
    pushfd
    and dword [esp], ~0x100
    popfd
    CHECK "single step MOV SS: trap 1 at MOV SS", dword [TRACE], .movss
    CHECK "single step MOV SS: no trap after MOV SS, next after the NOP", dword [TRACE + 4], .after_nop
    ; INT1 (ICEBP) is a trap too: the saved EIP is the next instruction.
    SET_GATE EXC_DB, exc_stub_1, SEL_CODE0, T_INT32
    TRY_AT "INT1 (ICEBP)", EXC_DB, NOERR, .icebp_next
    db 0xF1
.icebp_next:
    ENDTRY
    ret

h_step:
    push eax
    push ebx
    mov ebx, [ss:V0]
    mov eax, [esp + 8]
    mov [ss:TRACE + ebx * 4], eax
    inc dword [ss:V0]
    mov eax, dr6
    mov [ss:V1], eax
    xor eax, eax
    mov dr6, eax
    pushfd
    pop eax
    and eax, 0x100
    mov [ss:V2], eax
    pop ebx
    pop eax
    iretd

; ---- Debug registers: instruction and data breakpoints, general detect ----
; h_dbg records EIP and DR6 of each #DB in TRACE / TRACE+0x40, clears DR6 and returns with
; RF set, so an instruction breakpoint lets its instruction run once.
DR6_LOG equ TRACE + 0x40
RF_LOG equ TRACE + 0x80             ; RF of the pushed EFLAGS image
h_dbg:
    push eax
    push ebx
    mov ebx, [ss:V0]
    mov eax, [esp + 8]
    mov [ss:TRACE + ebx * 4], eax
    mov eax, [esp + 16]
    and eax, 0x10000
    mov [ss:RF_LOG + ebx * 4], eax
    mov eax, dr6
    and eax, 0xE00F
    mov [ss:DR6_LOG + ebx * 4], eax
    xor eax, eax
    mov dr6, eax
    inc dword [ss:V0]
    or dword [esp + 16], 0x10000    ; RF
    pop ebx
    pop eax
    iretd

WATCH equ SCRATCH + 0x2000          ; the data breakpoints' dword
test_debug_regs:
    SET_GATE EXC_DB, h_dbg, SEL_CODE0, T_INT32
    xor eax, eax
    mov dr6, eax
    mov dword [V0], 0
    mov eax, dword [WATCH]          ; the page is in the TLB before the breakpoint is armed
    ; Instruction breakpoint on .bp, hit twice: a fault before the instruction, RF lets it
    ; run, RF clears after it.
    mov eax, .bp
    mov dr0, eax
    mov eax, 0x00000001             ; L0, R/W0 = execute, LEN0 = 1
    mov dr7, eax
    mov ecx, 2
    xor edx, edx
.loop:
    nop
.bp:
    inc edx
    loop .loop
    xor eax, eax
    mov dr7, eax
    CHECK "instruction breakpoint: hits", dword [V0], 2
    CHECK "instruction breakpoint: the instruction ran each time", edx, 2
    CHECK "instruction breakpoint: a fault at the instruction", dword [TRACE], .bp
    CHECK "instruction breakpoint: DR6.B0", dword [DR6_LOG], 1
    CHECK "instruction breakpoint: RF clear in the pushed EFLAGS", dword [RF_LOG], 0
    ; Data breakpoint on writes to the dword at WATCH: a trap after the writing instruction.
    mov dword [V0], 0
    mov eax, WATCH
    mov dr1, eax
    mov eax, 0x00D00004             ; L1, R/W1 = write, LEN1 = 4
    mov dr7, eax
    mov eax, [WATCH]                ; a read: no trap
    mov byte [WATCH + 4], 1         ; outside: no trap
    mov byte [WATCH + 2], 1
.after_write:
    mov word [WATCH - 1], 0         ; a word overlapping the first byte
.after_word:
    xor eax, eax
    mov dr7, eax
    mov byte [WATCH], 2             ; disarmed: no trap
    CHECK "data breakpoint on writes: hits", dword [V0], 2
    CHECK "data breakpoint: a trap after the write", dword [TRACE], .after_write
    CHECK "data breakpoint: DR6.B1", dword [DR6_LOG], 2
    CHECK "data breakpoint: a trap after the instruction pushes RF clear", dword [RF_LOG], 0
    CHECK "data breakpoint: an overlapping word", dword [TRACE + 4], .after_word
    ; Read/write breakpoint, 2 bytes, hit by a read.
    mov dword [V0], 0
    mov eax, WATCH + 2
    mov dr2, eax
    mov eax, 0x07000010             ; L2, R/W2 = read or write, LEN2 = 2
    mov dr7, eax
    mov eax, [WATCH]
.after_read:
    mov al, [WATCH + 1]             ; outside
    xor eax, eax
    mov dr7, eax
    CHECK "read/write breakpoint: hits", dword [V0], 1
    CHECK "read/write breakpoint: a trap after the read", dword [TRACE], .after_read
    CHECK "read/write breakpoint: DR6.B2", dword [DR6_LOG], 4
    ; A REP STOSB traps after the iteration that writes the watched byte.
    mov dword [V0], 0
    mov eax, WATCH + 3
    mov dr3, eax
    mov eax, 0x10000040             ; L3, R/W3 = write, LEN3 = 1
    mov dr7, eax
    mov edi, WATCH
    mov ecx, 8
    xor eax, eax
    cld
.rep:
    rep stosb
    mov ebx, ecx
    xor eax, eax
    mov dr7, eax
    CHECK "REP STOSB: one trap", dword [V0], 1
    CHECK "REP STOSB: trapped at the REP, not finished", dword [TRACE], .rep
    CHECK "REP STOSB: a trap between iterations pushes RF set", dword [RF_LOG], 0x10000
    CHECK "REP STOSB: then finished", ebx, 0
    ; General detect: MOV DRn with DR7.GD is a #DB fault, DR6.BD, GD cleared.
    mov dword [V0], 0
    mov eax, 0x2000
    mov dr7, eax
.gd:
    mov eax, dr0
    mov eax, dr7
    and eax, 0x2000
    CHECK "general detect: GD cleared", eax, 0
    CHECK "general detect: a fault at the MOV", dword [TRACE], .gd
    CHECK "general detect: DR6.BD", dword [DR6_LOG], 0x2000
    CHECK "general detect: a fault, RF set in the pushed EFLAGS", dword [RF_LOG], 0x10000
    SET_GATE EXC_DB, exc_stub_1, SEL_CODE0, T_INT32
    ret

; ---- I/O breakpoints: DR7 R/W = 10 with CR4.DE (the P6 model) ----
; The debug console's port E9 reads back E9 and changes nothing, so it is the port watched.
test_io_breakpoints:
    NEED_FAMILY 6
    SET_GATE EXC_DB, h_dbg, SEL_CODE0, T_INT32
    xor eax, eax
    mov dr6, eax
    mov dword [V0], 0
    mov eax, cr4
    or eax, 8                       ; DE
    mov cr4, eax
    mov eax, 0xE9
    mov dr0, eax
    mov eax, 0x00020001             ; L0, R/W0 = I/O, LEN0 = 1
    mov dr7, eax
    in al, 0xE9
.after_in:
    mov edx, 0xE9
    in al, dx
.after_in_dx:
    mov eax, 0xE8
    mov dr0, eax
    mov eax, 0x00060001             ; LEN0 = 2: ports E8-E9
    mov dr7, eax
    in al, 0xE9
.after_len2:
    mov eax, 0xEA
    mov dr0, eax
    mov eax, 0x00020001             ; port EA alone
    mov dr7, eax
    in al, 0xE9                     ; no hit
    xor eax, eax
    mov dr7, eax
    mov eax, cr4
    and eax, ~8
    mov cr4, eax
    CHECK "I/O breakpoint: hits", dword [V0], 3
    CHECK "I/O breakpoint: a trap after IN imm8", dword [TRACE], .after_in
    CHECK "I/O breakpoint: DR6.B0", dword [DR6_LOG], 1
    CHECK "I/O breakpoint: a trap after IN DX", dword [TRACE + 4], .after_in_dx
    CHECK "I/O breakpoint: LEN 2 covers the next port", dword [TRACE + 8], .after_len2
    CHECK "I/O breakpoint: RF clear in the trap's EFLAGS", dword [RF_LOG], 0
    SET_GATE EXC_DB, exc_stub_1, SEL_CODE0, T_INT32
    ret

; ---- RF in the EFLAGS image: set for faults, so that the IRET back does not stop at an
; instruction breakpoint again; as it was for traps and software interrupts ----
test_rf:
    TRY "RF: #UD", EXC_UD, NOERR
    ud2
    ENDTRY
    mov eax, [exc_eflags]
    and eax, 0x10000
    CHECK "RF: set in the EFLAGS image of a fault (#UD)", eax, 0x10000
    TRY "RF: #GP", EXC_GP, 0
    jmp 0:0                         ; a null code selector
    ENDTRY
    mov eax, [exc_eflags]
    and eax, 0x10000
    CHECK "RF: set in the EFLAGS image of a fault (#GP)", eax, 0x10000
    TRY_AT "RF: INT3", EXC_BP, NOERR, .int3_next
    int3
.int3_next:
    ENDTRY
    mov eax, [exc_eflags]
    and eax, 0x10000
    CHECK "RF: clear in the EFLAGS image of INT3", eax, 0
    pushfd
    pop eax
    and eax, 0x10000
    CHECK "RF: clear in EFLAGS after the handler's IRET", eax, 0
    ret

; ---- #BP #OF #BR ----
test_bp_of_br:
    TRY_AT "INT3 is a trap", EXC_BP, NOERR, .bp_next
    int3
.bp_next:
    ENDTRY
    TRY_AT "INT 3 (CD 03)", EXC_BP, NOERR, .bp2_next
    int 3
.bp2_next:
    ENDTRY
    mov eax, 0x7FFFFFFF
    add eax, 1
    TRY_AT "INTO with OF=1", EXC_OF, NOERR, .of_next
    into
.of_next:
    ENDTRY
    xor eax, eax
    NOFAULT "INTO with OF=0"
    into
    ENDNOFAULT
    mov dword [SCRATCH], 10
    mov dword [SCRATCH + 4], 20
    mov eax, 21
    TRY "BOUND above", EXC_BR, NOERR
    bound eax, [SCRATCH]
    ENDTRY
    mov eax, 9
    TRY "BOUND below", EXC_BR, NOERR
    bound eax, [SCRATCH]
    ENDTRY
    mov eax, 20
    NOFAULT "BOUND inside"
    bound eax, [SCRATCH]
    ENDNOFAULT
    mov word [SCRATCH], -5
    mov word [SCRATCH + 2], 5
    mov eax, 0x1234FFFB
    NOFAULT "BOUND 16-bit, signed"
    bound ax, [SCRATCH]
    ENDNOFAULT
    ret

; ---- #UD ----
test_ud:
    TRY "UD2", EXC_UD, NOERR
    ud2
    ENDTRY
    TRY "0F FF", EXC_UD, NOERR
    db 0x0F, 0xFF
    ENDTRY
    TRY "LOCK NOP", EXC_UD, NOERR
    db 0xF0, 0x90
    ENDTRY
    TRY "LOCK ADD to a register", EXC_UD, NOERR
    db 0xF0, 0x01, 0xD8
    ENDTRY
    TRY "LOCK MOV to memory", EXC_UD, NOERR
    db 0xF0, 0x89, 0x05
    dd SCRATCH
    ENDTRY
    NOFAULT "LOCK ADD to memory"
    lock add [SCRATCH], eax
    ENDNOFAULT
    TRY "LDS with a register operand", EXC_UD, NOERR
    db 0xC5, 0xC0
    ENDTRY
    TRY "MOV from CR1", EXC_UD, NOERR
    db 0x0F, 0x20, 0xC8
    ENDTRY
    TRY "16 prefixes: #GP(0)", EXC_GP, 0
    times 15 db 0x66
    nop
    ENDTRY
    cmp dword [cpu_family], 6
    jae .p6
    TRY "MOV from CR4 before the P6", EXC_UD, NOERR
    mov eax, cr4
    ENDTRY
    TRY "CMOV before the P6", EXC_UD, NOERR
    cmove eax, ebx
    ENDTRY
    ret
.p6:
    mov eax, cr4
    or eax, 8                       ; CR4.DE
    mov cr4, eax
    TRY "MOV from DR4 with CR4.DE", EXC_UD, NOERR
    mov eax, dr4
    ENDTRY
    mov eax, cr4
    and eax, ~8
    mov cr4, eax
    NOFAULT "MOV from DR4 without CR4.DE"
    mov eax, dr4
    ENDNOFAULT
    ret

; ---- #NM ----
CR0_MP equ 2
CR0_EM equ 4
CR0_TS equ 8
%macro SET_CR0_BITS 1
    mov eax, cr0
    and eax, ~(CR0_MP | CR0_EM | CR0_TS)
    or eax, %1
    mov cr0, eax
%endmacro
test_nm:
    SET_CR0_BITS CR0_TS
    TRY "FNOP with CR0.TS", EXC_NM, NOERR
    fnop
    ENDTRY
    TRY "FNINIT with CR0.TS", EXC_NM, NOERR
    fninit
    ENDTRY
    NOFAULT "WAIT with TS and MP clear"
    wait
    ENDNOFAULT
    SET_CR0_BITS CR0_TS | CR0_MP
    TRY "WAIT with TS and MP", EXC_NM, NOERR
    wait
    ENDTRY
    SET_CR0_BITS CR0_EM
    TRY "FNOP with CR0.EM", EXC_NM, NOERR
    fnop
    ENDTRY
    NOFAULT "WAIT with EM only"
    wait
    ENDNOFAULT
    SET_CR0_BITS CR0_TS | CR0_MP
    clts
    NOFAULT "FNINIT after CLTS"
    fninit
    wait
    ENDNOFAULT
    SET_CR0_BITS CR0_MP
    ret

; ---- #NP #SS #GP ----
test_np_ss_gp:
    mov ax, F_DATANP
    TRY "#NP: MOV DS not present", EXC_NP, F_DATANP
    mov es, ax
    ENDTRY
    mov ax, F_DATANP
    TRY "#SS: MOV SS not present", EXC_SS, F_DATANP
    mov ss, ax
    ENDTRY
    RING3
    mov dword [SCRATCH + 0x800], 0x1001
    mov word [SCRATCH + 0x804], F_STK3 | 3
    TRY_AT "#SS(0): CPL 3 push crossing the limit", EXC_SS, 0, .push2
    lss esp, [SCRATCH + 0x800]
.push2:
    push eax
    ENDTRY
    TRY "#GP(0): write to code", EXC_GP, 0
    mov [cs:SCRATCH], eax
    ENDTRY
    ret

; ---- The EXT bit and IDT errors of hardware exceptions ----
test_ext_bit:
    ; #BR (benign) raised at CPL 3 with a ring-1 handler whose stack is bad: the #TS is
    ; delivered serially, with EXT set and the saved EIP at the BOUND.
    SET_GATE EXC_BR, h_never, SEL_CODE1, T_INT32
    mov dword [SCRATCH], 10
    mov dword [SCRATCH + 4], 20
    mov word [TSS_BASE + 16], SEL_DATA0 | 1
    RING3
    mov eax, 30
    TRY "#TS(SS1 | EXT) delivering #BR", EXC_TS, SEL_DATA0 | 1
    bound eax, [SCRATCH]
    ENDTRY
    mov word [TSS_BASE + 16], F_DATA1NP | 1
    RING3
    mov eax, 30
    TRY "#SS(SS1 | EXT) delivering #BR", EXC_SS, F_DATA1NP | 1
    bound eax, [SCRATCH]
    ENDTRY
    mov word [TSS_BASE + 16], F_STK1 | 1
    mov dword [TSS_BASE + 12], 0x8
    RING3
    mov eax, 30
    TRY "#SS(SS1 | EXT): no room on the ring-1 stack", EXC_SS, F_STK1 | 1
    bound eax, [SCRATCH]
    ENDTRY
    mov dword [TSS_BASE + 12], ESP1_TOP
    mov word [TSS_BASE + 16], SEL_DATA1
    ; The same through software INT n: EXT clear.
    SET_GATE 0x40, h_never, SEL_CODE1, T_INT32 | 0x60
    mov word [TSS_BASE + 16], SEL_DATA0 | 1
    RING3
    TRY "#TS(SS1) delivering INT 40h", EXC_TS, SEL_DATA0
    int 0x40
    ENDTRY
    mov word [TSS_BASE + 16], SEL_DATA1
    ; Hardware exception through a not-present gate: #NP(vector * 8 + 2 + EXT).
    SET_GATE EXC_BR, exc_stub_5, SEL_CODE0, T_INT32
    mov byte [IDT_BASE + EXC_UD * 8 + 5], T_INT32 & 0x7F
    TRY "#UD through a not-present gate: #NP(33h)", EXC_NP, EXC_UD * 8 + 3
    ud2
    ENDTRY
    mov byte [IDT_BASE + EXC_UD * 8 + 5], T_INT32
    ; A hardware exception beyond the IDT limit: #GP(vector * 8 + 3). #AC (17) is the
    ; one above #GP (13) that needs no paging; the 386 has none.
    cmp dword [cpu_family], 4
    jb .no_ac
    mov eax, cr0
    or eax, 0x40000
    mov cr0, eax
    mov dword [r3_eflags], 0x40002
    mov word [idtr_limit], EXC_AC * 8 + 6
    lidt [idtr_limit]
    RING3
    TRY "#AC: gate beyond the IDT limit", EXC_GP, EXC_AC * 8 + 3
    mov eax, [SCRATCH + 1]
    ENDTRY
    mov word [idtr_limit], 256 * 8 - 1
    lidt [idtr_limit]
    mov dword [r3_eflags], 0x00002
    mov eax, cr0
    and eax, ~0x40000
    mov cr0, eax
.no_ac:
    ; An interrupt gate in the IDT whose handler is not present: #NP(selector | EXT).
    SET_GATE EXC_UD, h_never, F_DATANP, T_INT32
    TRY "#UD: handler selector a data segment", EXC_GP, F_DATANP | 1
    ud2
    ENDTRY
    SET_GATE EXC_UD, exc_stub_6, SEL_CODE0, T_INT32
    ret

h_never:
    PRINT "FAIL: h_never reached", 10
    inc dword [fail_count]
    jmp finish

; ---- #DF ----
test_double_fault:
    ; #GP whose gate is not present: #NP while delivering a contributory fault.
    mov byte [IDT_BASE + EXC_GP * 8 + 5], T_INT32 & 0x7F
    mov ax, F_DATANP | 3
    TRY_AT "#GP then #NP in its gate: #DF", EXC_DF, 0, ANYEIP
    mov ds, ax
    ENDTRY
    mov byte [IDT_BASE + EXC_GP * 8 + 5], T_INT32
    ; #UD (benign) then #NP (serially), then #NP in the #NP gate: #DF.
    mov byte [IDT_BASE + EXC_UD * 8 + 5], T_INT32 & 0x7F
    mov byte [IDT_BASE + EXC_NP * 8 + 5], T_INT32 & 0x7F
    TRY_AT "#UD, #NP in its gate, #NP in that gate: #DF", EXC_DF, 0, ANYEIP
    ud2
    ENDTRY
    mov byte [IDT_BASE + EXC_UD * 8 + 5], T_INT32
    mov byte [IDT_BASE + EXC_NP * 8 + 5], T_INT32
    ; #DE then #TS on the ring-1 stack: contributory twice.
    SET_GATE EXC_DE, h_never, SEL_CODE1, T_INT32
    mov word [TSS_BASE + 16], SEL_DATA0 | 1
    RING3
    xor ecx, ecx
    TRY_AT "#DE then #TS: #DF", EXC_DF, 0, ANYEIP
    div ecx
    ENDTRY
    mov word [TSS_BASE + 16], SEL_DATA1
    SET_GATE EXC_DE, exc_stub_0, SEL_CODE0, T_INT32
    ; #BP (benign) then #NP: serial, no #DF.
    mov byte [IDT_BASE + EXC_BP * 8 + 5], T_INT32 & 0x7F
    TRY "#BP through a not-present gate: #NP, not #DF", EXC_NP, EXC_BP * 8 + 2
    int3
    ENDTRY
    mov byte [IDT_BASE + EXC_BP * 8 + 5], T_INT32
    ret

; ---- Faults restart their instruction ----
test_restart:
    SET_GATE EXC_NP, h_np_fix, SEL_CODE0, T_INT32
    mov dword [V0], 0
    mov ax, F_DATANP
    NOFAULT "#NP handler sets P and returns"
    mov fs, ax
    mov ebx, [fs:0]
    ENDNOFAULT
    CHECK "#NP restart: handler ran once", dword [V0], 1
    xor eax, eax
    mov ax, fs
    CHECK "#NP restart: FS loaded", eax, F_DATANP
    mov byte [GDT_BASE + F_DATANP + 5], A_DATA | A_RW | A_ACC
    SET_GATE EXC_NP, exc_stub_11, SEL_CODE0, T_INT32
    ; A #GP handler that skips a HLT at CPL 3 (2-byte emulation of a 1-byte instruction).
    SET_GATE EXC_GP, h_gp_skip, SEL_CODE0, T_INT32
    mov dword [V0], 0
    RING3
    hlt
    hlt
    RING0
    SET_GATE EXC_GP, exc_stub_13, SEL_CODE0, T_INT32
    CHECK "#GP from HLT at CPL 3: handled and resumed twice", dword [V0], 2
    ret

h_np_fix:                           ; error code = the selector: set its P bit
    push eax
    mov eax, [esp + 4]
    and eax, 0xFFF8
    or byte [ss:GDT_BASE + eax + 5], A_P
    inc dword [ss:V0]
    pop eax
    add esp, 4
    iretd

h_gp_skip:
    add esp, 4                      ; the error code
    inc dword [ss:V0]
    inc dword [esp]                 ; past the 1-byte HLT
    iretd

; ---- Privileged instructions at CPL 3: #GP(0) ----
%macro PRIV 2+
    RING3
    TRY %1, EXC_GP, 0
    %2
    ENDTRY
%endmacro
test_privileged:
    PRIV "CPL 3: HLT", hlt
    PRIV "CPL 3: LGDT", lgdt [SCRATCH]
    PRIV "CPL 3: LIDT", lidt [SCRATCH]
    PRIV "CPL 3: LMSW", lmsw ax
    PRIV "CPL 3: CLTS", clts
    PRIV "CPL 3: MOV CR0", mov cr0, eax
    PRIV "CPL 3: MOV from CR0", mov eax, cr0
    PRIV "CPL 3: MOV DR7", mov dr7, eax
    PRIV "CPL 3: MOV from DR6", mov eax, dr6
    PRIV "CPL 3: LLDT", lldt ax
    PRIV "CPL 3: CLI", cli
    PRIV "CPL 3: STI", sti
    mov eax, cr0
    or eax, 0x80000000              ; PG without PE
    and eax, ~1
    TRY "MOV CR0 with PG and not PE", EXC_GP, 0
    mov cr0, eax
    ENDTRY
    cmp dword [cpu_family], 4
    jb .done
    PRIV "CPL 3: INVD", invd
    PRIV "CPL 3: WBINVD", wbinvd
    PRIV "CPL 3: INVLPG", invlpg [SCRATCH]
    mov eax, cr0
    or eax, 0x20000000              ; NW without CD
    and eax, ~0x40000000
    TRY "MOV CR0 with NW and not CD", EXC_GP, 0
    mov cr0, eax
    ENDTRY
    cmp dword [cpu_family], 6
    jb .done
    PRIV "CPL 3: RDMSR", rdmsr
    PRIV "CPL 3: WRMSR", wrmsr
    mov ecx, 0x12345
    TRY "RDMSR of an unknown MSR", EXC_GP, 0
    rdmsr
    ENDTRY
    mov eax, cr4
    or eax, 0x400000                ; a reserved bit
    TRY "MOV CR4 with a reserved bit", EXC_GP, 0
    mov cr4, eax
    ENDTRY
    mov eax, cr4
    or eax, 4                       ; TSD
    mov cr4, eax
    PRIV "CPL 3: RDTSC with CR4.TSD", rdtsc
    mov eax, cr4
    and eax, ~4
    mov cr4, eax
    RING3
    NOFAULT "CPL 3: RDTSC without CR4.TSD"
    rdtsc
    ENDNOFAULT
    RING0
.done:
    ret

; ---- The I/O permission bitmap ----
IOMAP equ TSS_BASE + TSS_IOMAP
test_iopb:
    RING3
    NOFAULT "CPL 3: IN from an allowed port"
    in al, 0xE9
    ENDNOFAULT
    movzx eax, al
    mov [V0], eax
    RING0
    CHECK "CPL 3: IN reads the port", dword [V0], 0xE9
    or byte [IOMAP + 0xE9 / 8], 1 << (0xE9 & 7)
    RING3
    TRY "CPL 3: IN from a denied port", EXC_GP, 0
    in al, 0xE9
    ENDTRY
    RING3
    mov dx, 0xE6
    TRY "CPL 3: IN dword with the last port denied", EXC_GP, 0
    in eax, dx
    ENDTRY
    RING3
    mov dx, 0xE9
    mov edi, SCRATCH
    TRY "CPL 3: INSB from a denied port", EXC_GP, 0
    insb
    ENDTRY
    ; IOPL 3: the bitmap is not consulted.
    mov dword [r3_eflags], 0x3002
    RING3
    NOFAULT "CPL 3 with IOPL 3: denied port allowed"
    in al, 0xE9
    ENDNOFAULT
    RING0
    mov dword [r3_eflags], 0x0002
    NOFAULT "CPL 0: denied port allowed"
    in al, 0xE9
    ENDNOFAULT
    and byte [IOMAP + 0xE9 / 8], ~(1 << (0xE9 & 7))
    or byte [IOMAP + 0xE8 / 8], 1 << (0xE8 & 7)
    RING3
    TRY "CPL 3: IN word whose first port is denied", EXC_GP, 0
    in ax, 0xE8
    ENDTRY
    and byte [IOMAP + 0xE8 / 8], ~(1 << (0xE8 & 7))
    ; The bitmap is read two bytes at a time: both must be within the TSS limit.
    mov word [GDT_BASE + SEL_TSS], TSS_IOMAP + 0xE9 / 8
    mov byte [GDT_BASE + SEL_TSS + 6], 0
    mov byte [GDT_BASE + SEL_TSS + 5], A_P | 0x09
    mov ax, SEL_TSS
    ltr ax
    RING3
    TRY "CPL 3: bitmap byte at the TSS limit, the next beyond", EXC_GP, 0
    in al, 0xE9
    ENDTRY
    mov word [GDT_BASE + SEL_TSS], TSS_IOMAP + 0xE9 / 8 + 1
    mov byte [GDT_BASE + SEL_TSS + 5], A_P | 0x09
    mov ax, SEL_TSS
    ltr ax
    RING3
    NOFAULT "CPL 3: both bitmap bytes within the TSS limit"
    in al, 0xE9
    ENDNOFAULT
    RING0
    mov edi, GDT_BASE + SEL_TSS
    mov eax, TSS_BASE
    mov ebx, TSS_LIMIT
    mov ecx, A_P | 0x09
    call set_desc
    mov ax, SEL_TSS
    ltr ax
    ; A bitmap base beyond the limit: every port denied.
    mov word [TSS_BASE + 0x66], TSS_LIMIT + 1
    RING3
    TRY "CPL 3: bitmap base beyond the TSS limit", EXC_GP, 0
    in al, 0xE9
    ENDTRY
    mov word [TSS_BASE + 0x66], TSS_IOMAP
    ret

; ---- CLI / STI at CPL 3 ----
test_cli_sti:
    mov dword [r3_eflags], 0x3002
    RING3
    cli
    pushfd
    pop dword [V0]
    sti
    pushfd
    pop dword [V1]
    cli
    RING0
    mov eax, [V0]
    and eax, 0x200
    CHECK "CPL 3 with IOPL 3: CLI", eax, 0
    mov eax, [V1]
    and eax, 0x200
    CHECK "CPL 3 with IOPL 3: STI", eax, 0x200
    mov dword [r3_eflags], 0x1002
    RING3
    TRY "CPL 3 with IOPL 1: CLI", EXC_GP, 0
    cli
    ENDTRY
    mov dword [r3_eflags], 0x0002
    cmp dword [cpu_family], 6
    jb .done
    ; CR4.PVI: CLI and STI at CPL 3 change VIF instead (SDM vol. 3A, 20.4).
    mov eax, cr4
    or eax, 2
    mov cr4, eax
    mov dword [r3_eflags], 0x80202  ; IF and VIF
    RING3
    cli
    pushfd
    pop dword [V0]
    sti
    pushfd
    pop dword [V1]
    RING0
    mov eax, [V0]
    and eax, 0x80200
    CHECK "PVI: CLI clears VIF only", eax, 0x200
    mov eax, [V1]
    and eax, 0x80200
    CHECK "PVI: STI sets VIF", eax, 0x80200
    mov dword [r3_eflags], 0x100002 ; VIP
    RING3
    TRY "PVI: STI with VIP", EXC_GP, 0
    sti
    ENDTRY
    mov dword [r3_eflags], 0x0002
    mov eax, cr4
    and eax, ~2
    mov cr4, eax
.done:
    ret

; ---- #AC ----
test_ac:
    NEED_FAMILY 4
    mov eax, cr0
    or eax, 0x40000                 ; AM
    mov cr0, eax
    mov dword [r3_eflags], 0x40002  ; AC
    RING3
    TRY "#AC: misaligned dword at CPL 3", EXC_AC, 0
    mov eax, [SCRATCH + 1]
    ENDTRY
    RING3
    TRY "#AC: word at an odd address", EXC_AC, 0
    mov word [SCRATCH + 3], ax
    ENDTRY
    RING3
    TRY_AT "#AC: PUSH with a misaligned ESP", EXC_AC, 0, .push
    sub esp, 2
.push:
    push eax
    ENDTRY
    RING3
    NOFAULT "#AC: aligned accesses"
    mov eax, [SCRATCH + 4]
    mov ax, [SCRATCH + 2]
    mov al, [SCRATCH + 1]
    ENDNOFAULT
    RING0
    NOFAULT "#AC: none at CPL 0"
    push dword 0x40002
    popfd
    mov eax, [SCRATCH + 1]
    push dword 2
    popfd
    ENDNOFAULT
    mov dword [r3_eflags], 0x00002
    RING3
    NOFAULT "#AC: none with EFLAGS.AC clear"
    mov eax, [SCRATCH + 1]
    ENDNOFAULT
    RING0
    mov eax, cr0
    and eax, ~0x40000
    mov cr0, eax
    mov dword [r3_eflags], 0x40002
    RING3
    NOFAULT "#AC: none with CR0.AM clear"
    mov eax, [SCRATCH + 1]
    ENDNOFAULT
    RING0
    mov dword [r3_eflags], 0x00002
    ret

    GUEST_END
