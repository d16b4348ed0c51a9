; Protected-mode segmentation: every check of MOV to a segment register (SDM vol. 2, MOV;
; vol. 3A 5.5-5.7), limit checks with #GP(0) and #SS(0) (vol. 3A 5.3, 6.15), expand-down,
; read-only and execute-only segments, the G bit, the accessed bit, the LDT, LAR LSL VERR
; VERW ARPL, SGDT SIDT SLDT STR, 16-bit code and stack segments, and unreal mode.
%define GUEST_NAME "pm_segments"
%include "guest.inc"

S_XO        equ SEL_GUEST + 0x00    ; execute-only code, flat 32-bit
S_RO        equ SEL_GUEST + 0x08    ; read-only data at SCRATCH, limit FFF
S_NP        equ SEL_GUEST + 0x10    ; not present data
S_LIM       equ SEL_GUEST + 0x18    ; data at SCRATCH, limit FFF
S_ED32      equ SEL_GUEST + 0x20    ; expand-down, B=1, limit FFF: 1000..FFFFFFFF
S_ED16      equ SEL_GUEST + 0x28    ; expand-down, B=0, limit FFF: 1000..FFFF
S_STK       equ SEL_GUEST + 0x30    ; stack at SCRATCH, limit FFF
S_CONF      equ SEL_GUEST + 0x38    ; conforming readable code, DPL 0
S_GRAN      equ SEL_GUEST + 0x40    ; data at SCRATCH, limit 0 with G: FFF
S_RO3       equ SEL_GUEST + 0x48    ; read-only data, DPL 3
S_CONFXO    equ SEL_GUEST + 0x50    ; conforming execute-only code
S_NOACC     equ SEL_GUEST + 0x58    ; data with the accessed bit clear
S_GATE      equ SEL_GUEST + 0x60    ; a call gate (LAR yes, LSL no)
S_DATA1     equ SEL_GUEST + 0x68    ; data DPL 1
S_STK16     equ SEL_GUEST + 0x70    ; 16-bit stack (B=0) at SCRATCH, limit FFFF
S_LDTNP     equ SEL_GUEST + 0x78    ; LDT descriptor, not present
S_CODE16X   equ SEL_GUEST + 0x80    ; 16-bit code, base F0000 (like SEL_CODE16)
S_DATA3     equ SEL_GUEST + 0x88    ; RW data DPL 3 at SCRATCH, limit FFF
S_CODE3NC   equ SEL_GUEST + 0x90    ; non-conforming readable code DPL 3
S_BEYOND    equ SEL_GUEST + 0x98    ; first selector beyond the GDT limit

L_FLAT      equ 0x04                ; LDT entry 0: flat data DPL 0
L_SCR3      equ 0x0C | 3            ; LDT entry 1: data at SCRATCH, DPL 3
L_BEYOND    equ LDT_ENTRIES * 8 | 4

guest_gdt:
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_CODE | A_ACC
    DESC SCRATCH, 0xFFF, A_P | A_DATA | A_ACC
    DESC SCRATCH, 0xFFF, A_DATA | A_RW | A_ACC
    DESC SCRATCH, 0xFFF, A_P | A_DATA | A_RW | A_ACC
    DESC SCRATCH - 0x1000, 0xFFF, A_D | A_P | A_DATA | A_RW | A_EXPDOWN | A_ACC
    DESC SCRATCH - 0x1000, 0xFFF, A_P | A_DATA | A_RW | A_EXPDOWN | A_ACC
    DESC SCRATCH, 0xFFF, A_D | A_P | A_DATA | A_RW | A_ACC
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_CODE | A_CONF | A_RW | A_ACC
    DESC SCRATCH, 0, A_G | A_P | A_DATA | A_RW | A_ACC
    DESC SCRATCH, 0xFFF, A_P | A_DPL3 | A_DATA | A_ACC
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_CODE | A_CONF | A_ACC
    DESC SCRATCH, 0xFFF, A_P | A_DATA | A_RW
    dw 0x1234, SEL_CODE0, 0xEC00, 0             ; call gate, DPL 3
    DESC SCRATCH, 0xFFF, A_P | A_DPL1 | A_DATA | A_RW | A_ACC
    DESC SCRATCH, 0xFFFF, A_P | A_DATA | A_RW | A_ACC
    DESC LDT_BASE, 0xFF, 0x02
    DESC BASE, 0xFFFF, A_P | A_CODE | A_RW | A_ACC
    DESC SCRATCH, 0xFFF, A_P | A_DPL3 | A_DATA | A_RW | A_ACC
    DESC 0, 0xFFFFF, A_G | A_D | A_P | A_DPL3 | A_CODE | A_RW | A_ACC
guest_gdt_end:

guest_main:
    ; LDT entries.
    mov edi, LDT_BASE
    xor eax, eax
    mov ebx, 0xFFFFF
    mov ecx, A_G | A_D | A_P | A_DATA | A_RW | A_ACC
    call set_desc
    add edi, 8
    mov eax, SCRATCH
    mov ebx, 0xFFF
    mov ecx, A_P | A_DPL3 | A_DATA | A_RW | A_ACC
    call set_desc
    RUN test_data_loads
    RUN test_stack_loads
    RUN test_ring3_loads
    RUN test_limits
    RUN test_rights
    RUN test_ldt
    RUN test_lar_lsl
    RUN test_verr_verw
    RUN test_arpl
    RUN test_store_tables
    RUN test_code16
    RUN test_unreal
    ret

; ---- MOV DS/ES/FS/GS ----
test_data_loads:
    NOFAULT "null into ES FS GS"
    xor eax, eax
    mov es, ax
    mov ax, 3
    mov fs, ax
    mov gs, ax
    mov ax, SEL_DATA0
    mov es, ax
    ENDNOFAULT
    TRY "read through null FS", EXC_GP, 0
    mov eax, [fs:0]
    ENDTRY
    TRY "write through null GS", EXC_GP, 0
    mov [gs:0x100], eax
    ENDTRY
    xor ecx, ecx
    TRY_AT "read through null DS", EXC_GP, 0, .nullds
    mov ds, cx
.nullds:
    mov eax, [ecx]
    ENDTRY
    mov ax, S_BEYOND
    TRY "DS beyond GDT limit", EXC_GP, S_BEYOND
    mov fs, ax
    ENDTRY
    mov ax, S_BEYOND | 3
    TRY "DS beyond GDT limit, RPL 3", EXC_GP, S_BEYOND
    mov fs, ax
    ENDTRY
    mov ax, S_XO
    TRY "DS execute-only code", EXC_GP, S_XO
    mov es, ax
    ENDTRY
    mov ax, SEL_TSS
    TRY "DS TSS descriptor", EXC_GP, SEL_TSS
    mov es, ax
    ENDTRY
    mov ax, SEL_LDT
    TRY "DS LDT descriptor", EXC_GP, SEL_LDT
    mov gs, ax
    ENDTRY
    mov ax, S_GATE
    TRY "DS call gate", EXC_GP, S_GATE
    mov gs, ax
    ENDTRY
    mov ax, SEL_DATA0 | 3
    TRY "DS RPL 3 > DPL 0", EXC_GP, SEL_DATA0
    mov fs, ax
    ENDTRY
    mov ax, S_DATA1 | 2
    TRY "DS RPL 2 > DPL 1", EXC_GP, S_DATA1
    mov fs, ax
    ENDTRY
    mov ax, SEL_CODE0 | 3
    TRY "DS nonconforming code RPL 3 > DPL 0", EXC_GP, SEL_CODE0
    mov fs, ax
    ENDTRY
    mov ax, S_NP
    TRY "DS not present", EXC_NP, S_NP
    mov fs, ax
    ENDTRY
    mov ax, S_NP | 3
    TRY "DS not present, RPL 3 > DPL: #GP first", EXC_GP, S_NP
    mov fs, ax
    ENDTRY
    mov ax, S_BEYOND
    TRY_AT "POP DS beyond limit", EXC_GP, S_BEYOND, .popds
    push eax
.popds:
    pop ds
    ENDTRY
    mov ax, S_NP
    TRY_AT "LES not present", EXC_NP, S_NP, .les
    mov [SCRATCH + 0x800], ax
.les:
    les ebx, [SCRATCH + 0x7FC]
    ENDTRY
    TRY "MOV CS is #UD", EXC_UD, NOERR
    db 0x8E, 0xC8                   ; mov cs, ax
    ENDTRY
    NOFAULT "DS readable code, DS conforming, RPL 3 conforming"
    mov cx, SEL_CODE0
    mov fs, cx
    mov eax, [fs:start32]
    mov cx, S_CONF | 3
    mov gs, cx
    mov ebx, [gs:start32]
    ENDNOFAULT
    CHECK "read through readable code", eax, [start32]
    CHECK "read through conforming code", ebx, [start32]
    NOFAULT "DS RPL 1 <= DPL 1"
    mov ax, S_DATA1 | 1
    mov fs, ax
    ENDNOFAULT
    ; The accessed bit is set in the descriptor by the load.
    mov byte [GDT_BASE + S_NOACC + 5], A_P | A_DATA | A_RW
    mov ax, S_NOACC
    mov fs, ax
    movzx eax, byte [GDT_BASE + S_NOACC + 5]
    CHECK "accessed bit set by the load", eax, A_P | A_DATA | A_RW | A_ACC
    ; A loaded segment keeps working when its descriptor changes.
    mov ax, S_LIM
    mov fs, ax
    mov byte [GDT_BASE + S_LIM + 5], A_DATA | A_RW | A_ACC
    mov dword [SCRATCH + 0x10], 0xCAFE
    mov eax, [fs:0x10]
    mov byte [GDT_BASE + S_LIM + 5], A_P | A_DATA | A_RW | A_ACC
    CHECK "cached descriptor used", eax, 0xCAFE
    ret

; ---- MOV SS ----
test_stack_loads:
    xor eax, eax
    TRY "SS null", EXC_GP, 0
    mov ss, ax
    ENDTRY
    mov ax, 3
    TRY "SS null RPL 3", EXC_GP, 0
    mov ss, ax
    ENDTRY
    mov ax, S_BEYOND
    TRY "SS beyond GDT limit", EXC_GP, S_BEYOND
    mov ss, ax
    ENDTRY
    mov ax, SEL_DATA0 | 1
    TRY "SS RPL != CPL", EXC_GP, SEL_DATA0
    mov ss, ax
    ENDTRY
    mov ax, S_RO
    TRY "SS read-only data", EXC_GP, S_RO
    mov ss, ax
    ENDTRY
    mov ax, SEL_CODE0
    TRY "SS code", EXC_GP, SEL_CODE0
    mov ss, ax
    ENDTRY
    mov ax, S_DATA1
    TRY "SS DPL != CPL", EXC_GP, S_DATA1
    mov ss, ax
    ENDTRY
    mov ax, S_NP
    TRY "SS not present", EXC_SS, S_NP
    mov ss, ax
    ENDTRY
    mov ax, SEL_TSS
    TRY "SS TSS", EXC_GP, SEL_TSS
    mov ss, ax
    ENDTRY
    mov ax, S_NP
    TRY_AT "POP SS not present", EXC_SS, S_NP, .popss
    push eax
.popss:
    pop ss
    ENDTRY
    NOFAULT "SS with the LSS of a good selector"
    mov ebp, esp
    mov dword [SCRATCH + 0x800], 0xF00
    mov word [SCRATCH + 0x804], S_STK
    lss esp, [SCRATCH + 0x800]
    push dword 0x5A5A5A5A
    mov ebx, esp
    mov ecx, [SCRATCH + 0xEFC]
    mov ax, SEL_DATA0
    mov ss, ax
    mov esp, ebp
    ENDNOFAULT
    CHECK "push on the S_STK stack: ESP", ebx, 0xEFC
    CHECK "push on the S_STK stack: memory", ecx, 0x5A5A5A5A
    ret

; ---- Ring 3 ----
test_ring3_loads:
    RING3
    mov ax, SEL_DATA0
    TRY "CPL 3: DS DPL 0", EXC_GP, SEL_DATA0
    mov ds, ax
    ENDTRY
    RING3
    mov ax, SEL_DATA3 & ~3
    TRY_AT "CPL 3: DS RPL 0 DPL 3 is fine, SS RPL 0 is not", EXC_GP, SEL_DATA3 & ~3, .ss
    mov ds, ax
.ss:
    mov ss, ax
    ENDTRY
    RING3
    mov ax, SEL_CODE0
    TRY "CPL 3: DS nonconforming code DPL 0", EXC_GP, SEL_CODE0
    mov ds, ax
    ENDTRY
    RING3
    mov ax, S_DATA3
    TRY "CPL 3: SS DPL 3 RPL 0", EXC_GP, S_DATA3
    mov ss, ax
    ENDTRY
    RING3
    mov ax, S_RO3 | 3
    TRY "CPL 3: SS read-only", EXC_GP, S_RO3
    mov ss, ax
    ENDTRY
    RING3
    NOFAULT "CPL 3: conforming code and DPL 3 data"
    mov ax, S_CONF
    mov fs, ax
    mov ebx, [fs:start32]
    mov ax, S_DATA3 | 3
    mov gs, ax
    mov ecx, [gs:0]
    mov ax, S_CODE3NC | 3
    mov fs, ax
    ENDNOFAULT
    RING0
    ; Returning to an outer level nulls data registers the new CPL may not use
    ; (SDM vol. 2, IRET / RET): ES with DPL 0 data becomes null, FS with DPL 3 stays.
    mov ax, SEL_DATA0
    mov es, ax
    mov ax, S_DATA3 | 3
    mov fs, ax
    mov ax, SEL_CODE0
    mov gs, ax                      ; nonconforming code, DPL 0: nulled too
    mov [r3_tmp], esp
    push dword SEL_DATA3
    push dword [r3_tmp]
    push dword 2
    push dword SEL_CODE3
    push dword .at3
    iretd
.at3:
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor esi, esi
    mov bx, es
    mov cx, fs
    mov dx, gs
    mov si, ds
    and ebx, 0xFFFC
    and edx, 0xFFFC
    and esi, 0xFFFC
    mov ax, SEL_DATA3
    mov ds, ax
    mov [SCRATCH + 0x900], ebx
    mov [SCRATCH + 0x904], ecx
    mov [SCRATCH + 0x908], edx
    mov [SCRATCH + 0x90C], esi
    RING0
    CHECK "IRET to CPL 3 nulls ES (DPL 0 data)", dword [SCRATCH + 0x900], 0
    CHECK "IRET to CPL 3 keeps FS (DPL 3 data)", dword [SCRATCH + 0x904], S_DATA3 | 3
    CHECK "IRET to CPL 3 nulls GS (DPL 0 code)", dword [SCRATCH + 0x908], 0
    CHECK "IRET to CPL 3 nulls DS (DPL 0 data)", dword [SCRATCH + 0x90C], 0
    ret

; ---- Limits ----
test_limits:
    mov ax, S_LIM
    mov fs, ax
    NOFAULT "last byte and dword inside the limit"
    mov al, [fs:0xFFF]
    mov eax, [fs:0xFFC]
    mov [fs:0xFFC], eax
    ENDNOFAULT
    TRY "dword crossing the limit", EXC_GP, 0
    mov eax, [fs:0xFFD]
    ENDTRY
    TRY "byte beyond the limit", EXC_GP, 0
    mov byte [fs:0x1000], 1
    ENDTRY
    TRY "offset FFFFFFFF", EXC_GP, 0
    mov al, [fs:0xFFFFFFFF]
    ENDTRY
    mov ax, S_LIM
    mov es, ax
    mov edi, 0xFFE
    cld
    TRY "STOSD across the limit", EXC_GP, 0
    stosd
    ENDTRY
    ; The G bit: limit 0 means FFF.
    mov ax, S_GRAN
    mov gs, ax
    NOFAULT "G=1 limit 0: offset FFF"
    mov al, [gs:0xFFF]
    ENDNOFAULT
    TRY "G=1 limit 0: offset 1000", EXC_GP, 0
    mov al, [gs:0x1000]
    ENDTRY
    ; Expand-down, B=1: offsets 1000..FFFFFFFF.
    mov ax, S_ED32
    mov fs, ax
    mov dword [SCRATCH], 0x11223344
    NOFAULT "expand-down 32: offsets 1000 and FFFFFFFC"
    mov eax, [fs:0x1000]
    mov ebx, [fs:0xFFFFFFFC]
    ENDNOFAULT
    CHECK "expand-down 32: base + 1000", eax, 0x11223344
    TRY "expand-down 32: offset FFF", EXC_GP, 0
    mov al, [fs:0xFFF]
    ENDTRY
    TRY "expand-down 32: dword at FFE", EXC_GP, 0
    mov eax, [fs:0xFFE]
    ENDTRY
    TRY "expand-down 32: offset 0", EXC_GP, 0
    mov al, [fs:0]
    ENDTRY
    ; Expand-down, B=0: offsets 1000..FFFF.
    mov ax, S_ED16
    mov gs, ax
    NOFAULT "expand-down 16: offsets 1000 and FFFF"
    mov eax, [gs:0x1000]
    mov bl, [gs:0xFFFF]
    ENDNOFAULT
    TRY "expand-down 16: offset 10000", EXC_GP, 0
    mov al, [gs:0x10000]
    ENDTRY
    TRY "expand-down 16: word at FFFF", EXC_GP, 0
    mov ax, [gs:0xFFFF]
    ENDTRY
    TRY "expand-down 16: offset FFF", EXC_GP, 0
    mov al, [gs:0xFFF]
    ENDTRY
    ; The stack segment: #SS(0) for SS-relative accesses beyond the limit (the exception
    ; frame still fits below ESP).
    mov dword [SCRATCH + 0x800], 0xF00
    mov word [SCRATCH + 0x804], S_STK
    mov ebp, 0xFFE
    TRY_AT "SS-relative read crossing the limit", EXC_SS, 0, .ssread
    lss esp, [SCRATCH + 0x800]
.ssread:
    mov eax, [ebp]
    ENDTRY
    mov ebx, 0x1000
    TRY_AT "SS: override beyond the limit", EXC_SS, 0, .sswrite
    lss esp, [SCRATCH + 0x800]
.sswrite:
    mov [ss:ebx], eax
    ENDTRY
    mov ax, S_LIM
    mov fs, ax
    TRY "[EBP] with an FS override beyond the limit is #GP", EXC_GP, 0
    mov eax, [fs:ebp + 4]
    ENDTRY
    ; At CPL 3 a push beyond the limit of SS is #SS(0); the handler runs on the ring-0
    ; stack from the TSS.
    RING3
    mov dword [SCRATCH + 0x800], 0x1002
    mov word [SCRATCH + 0x804], S_DATA3 | 3
    TRY_AT "CPL 3: PUSH crossing the SS limit", EXC_SS, 0, .push3
    lss esp, [SCRATCH + 0x800]
.push3:
    push eax
    ENDTRY
    RING3
    mov dword [SCRATCH + 0x800], 0x2
    TRY_AT "CPL 3: PUSH wrapping below offset 0", EXC_SS, 0, .push4
    lss esp, [SCRATCH + 0x800]
.push4:
    push eax
    ENDTRY
    ret

; ---- Rights ----
test_rights:
    mov ax, S_RO
    mov fs, ax
    NOFAULT "read-only data: read"
    mov eax, [fs:0]
    ENDNOFAULT
    TRY "read-only data: write", EXC_GP, 0
    mov [fs:0], eax
    ENDTRY
    TRY "read-only data: INC", EXC_GP, 0
    inc dword [fs:4]
    ENDTRY
    mov ax, SEL_CODE0
    mov gs, ax
    TRY "readable code: write", EXC_GP, 0
    mov [gs:SCRATCH], eax
    ENDTRY
    ; Execute-only code: runs, but a CS-relative read is #GP(0).
    TRY_AT "execute-only code: CS read", EXC_GP, 0, xo_read
    jmp S_XO:xo_code
    ENDTRY
    CHECK "execute-only code: CS after the fault", dword [exc_cs], S_XO
    ret

xo_code:
    mov ebx, 1
xo_read:
    mov eax, [cs:start32]
    jmp SEL_CODE0:xo_back
xo_back:
    ret

; ---- The LDT ----
test_ldt:
    NOFAULT "LDT: load flat and DPL 3 entries"
    mov ax, L_FLAT
    mov fs, ax
    mov ax, L_SCR3
    mov gs, ax
    mov dword [SCRATCH + 0x20], 0xABCD
    mov eax, [fs:SCRATCH + 0x20]
    mov ebx, [gs:0x20]
    ENDNOFAULT
    CHECK "LDT flat entry reads", eax, 0xABCD
    CHECK "LDT DPL 3 entry reads", ebx, 0xABCD
    mov ax, L_BEYOND
    TRY "LDT: beyond LDT limit", EXC_GP, L_BEYOND & ~3
    mov fs, ax
    ENDTRY
    mov ax, S_LDTNP
    TRY "LLDT not present", EXC_NP, S_LDTNP
    lldt ax
    ENDTRY
    mov ax, SEL_TSS
    TRY "LLDT a TSS", EXC_GP, SEL_TSS
    lldt ax
    ENDTRY
    mov ax, L_FLAT
    TRY "LLDT a selector in the LDT", EXC_GP, L_FLAT
    lldt ax
    ENDTRY
    mov ax, S_BEYOND
    TRY "LLDT beyond GDT limit", EXC_GP, S_BEYOND
    lldt ax
    ENDTRY
    ; A null LDT: TI=1 selectors fault with their own error code.
    xor eax, eax
    lldt ax
    mov ax, L_FLAT
    TRY "TI=1 with a null LDT", EXC_GP, L_FLAT
    mov fs, ax
    ENDTRY
    sldt eax
    CHECK "SLDT after LLDT 0", eax, 0
    mov ax, SEL_LDT
    lldt ax
    RING3
    mov ax, SEL_LDT
    TRY "LLDT at CPL 3", EXC_GP, 0
    lldt ax
    ENDTRY
    ret

; ---- LAR / LSL ----
%macro LAR_CHECK 3  ; name, selector, expected (masked by 00F0FF00) or -1 for ZF=0
    mov ecx, %2
    mov eax, 0x55555555
    lar eax, ecx
    setz bl
  %if %3 == -1
    movzx ebx, bl
    CHECK %1, ebx, 0
  %else
    and eax, 0x00F0FF00
    CHECK %1, eax, %3
    movzx ebx, bl
    CHECK %1, ebx, 1
  %endif
%endmacro
%macro LSL_CHECK 3
    mov ecx, %2
    mov eax, 0x55555555
    lsl eax, ecx
    setz bl
  %if %3 == -1
    movzx ebx, bl
    CHECK %1, ebx, 0
    CHECK %1, eax, 0x55555555
  %else
    CHECK %1, eax, %3
    movzx ebx, bl
    CHECK %1, ebx, 1
  %endif
%endmacro

test_lar_lsl:
    LAR_CHECK "LAR flat data", SEL_DATA0, 0x00C09300
    LAR_CHECK "LAR flat code", SEL_CODE0, 0x00C09B00
    LAR_CHECK "LAR DPL 3 code", SEL_CODE3, 0x00C0FB00
    LAR_CHECK "LAR TSS (busy)", SEL_TSS, 0x00008B00
    LAR_CHECK "LAR LDT", SEL_LDT, 0x00008200
    LAR_CHECK "LAR call gate", S_GATE, 0x0000EC00
    LAR_CHECK "LAR not present", S_NP, 0x00001300
    LAR_CHECK "LAR null", 0, -1
    LAR_CHECK "LAR beyond limit", S_BEYOND, -1
    LAR_CHECK "LAR RPL 2 > DPL 1", S_DATA1 | 2, -1
    LAR_CHECK "LAR RPL 1 = DPL 1", S_DATA1 | 1, 0x0000B300
    LAR_CHECK "LAR conforming, RPL 3", S_CONF | 3, 0x00C09F00
    LAR_CHECK "LAR LDT entry", L_SCR3, 0x0000F300
    ; An interrupt gate in the GDT is not accepted.
    mov dword [GDT_BASE + S_NP], 0x00081234
    mov dword [GDT_BASE + S_NP + 4], 0x00008E00
    LAR_CHECK "LAR interrupt gate", S_NP, -1
    mov ecx, S_NP
    lsl eax, ecx
    setz bl
    movzx ebx, bl
    CHECK "LSL interrupt gate", ebx, 0
    mov ecx, SEL_CODE0
    mov eax, 0x12345678
    o16 lar ax, cx
    CHECK "LAR 16-bit operand", eax, 0x12349B00
    LSL_CHECK "LSL flat data", SEL_DATA0, 0xFFFFFFFF
    LSL_CHECK "LSL G=1 limit 0", S_GRAN, 0xFFF
    LSL_CHECK "LSL byte limit", S_LIM, 0xFFF
    LSL_CHECK "LSL TSS", SEL_TSS, TSS_LIMIT
    LSL_CHECK "LSL LDT", SEL_LDT, LDT_ENTRIES * 8 - 1
    LSL_CHECK "LSL call gate", S_GATE, -1
    LSL_CHECK "LSL null", 0, -1
    LSL_CHECK "LSL RPL 3 on DPL 0", SEL_DATA0 | 3, -1
    RING3
    LAR_CHECK "CPL 3: LAR DPL 0 data", SEL_DATA0, -1
    LAR_CHECK "CPL 3: LAR DPL 3 data", SEL_DATA3, 0x00C0F300
    LAR_CHECK "CPL 3: LAR conforming DPL 0", S_CONF, 0x00C09F00
    LSL_CHECK "CPL 3: LSL TSS", SEL_TSS, -1
    RING0
    ; Restore S_NP.
    mov edi, GDT_BASE + S_NP
    mov eax, SCRATCH
    mov ebx, 0xFFF
    mov ecx, A_DATA | A_RW | A_ACC
    call set_desc
    ret

; ---- VERR / VERW ----
%macro VER_CHECK 4   ; name, verr|verw, selector, expected ZF
    mov ecx, %3
    %2 cx
    setz bl
    movzx ebx, bl
    CHECK %1, ebx, %4
%endmacro
test_verr_verw:
    VER_CHECK "VERR data", verr, SEL_DATA0, 1
    VER_CHECK "VERW data", verw, SEL_DATA0, 1
    VER_CHECK "VERR readable code", verr, SEL_CODE0, 1
    VER_CHECK "VERW readable code", verw, SEL_CODE0, 0
    VER_CHECK "VERR execute-only", verr, S_XO, 0
    VER_CHECK "VERR read-only data", verr, S_RO, 1
    VER_CHECK "VERW read-only data", verw, S_RO, 0
    VER_CHECK "VERR conforming execute-only", verr, S_CONFXO, 0
    VER_CHECK "VERR conforming readable", verr, S_CONF | 3, 1
    VER_CHECK "VERR null", verr, 0, 0
    VER_CHECK "VERR beyond", verr, S_BEYOND, 0
    VER_CHECK "VERR TSS", verr, SEL_TSS, 0
    VER_CHECK "VERW RPL 3 on DPL 0", verw, SEL_DATA0 | 3, 0
    VER_CHECK "VERR not present (no P check)", verr, S_NP, 1
    RING3
    VER_CHECK "CPL 3: VERR DPL 0 data", verr, SEL_DATA0, 0
    VER_CHECK "CPL 3: VERW DPL 3 data", verw, SEL_DATA3, 1
    VER_CHECK "CPL 3: VERR DPL 0 conforming readable", verr, S_CONF, 1
    RING0
    ret

; ---- ARPL ----
test_arpl:
    mov eax, 0x1238
    mov ebx, 0x0003
    arpl ax, bx
    setz cl
    movzx ecx, cl
    CHECK "ARPL raises RPL", eax, 0x123B
    CHECK "ARPL raises RPL: ZF", ecx, 1
    mov eax, 0x123A
    mov ebx, 0x0001
    arpl ax, bx
    setz cl
    movzx ecx, cl
    CHECK "ARPL keeps a higher RPL", eax, 0x123A
    CHECK "ARPL keeps a higher RPL: ZF", ecx, 0
    mov word [SCRATCH + 0x40], 0x4440
    mov ebx, 2
    arpl [SCRATCH + 0x40], bx
    movzx eax, word [SCRATCH + 0x40]
    CHECK "ARPL memory", eax, 0x4442
    ret

; ---- SGDT SIDT SLDT STR SMSW ----
test_store_tables:
    mov dword [SCRATCH + 0x50], 0
    mov dword [SCRATCH + 0x54], 0
    sgdt [SCRATCH + 0x50]
    movzx eax, word [SCRATCH + 0x50]
    CHECK "SGDT limit", eax, guest_gdt_end - guest_gdt + common_gdt_end - common_gdt - 1
    CHECK "SGDT base", dword [SCRATCH + 0x52], GDT_BASE
    sidt [SCRATCH + 0x50]
    movzx eax, word [SCRATCH + 0x50]
    CHECK "SIDT limit", eax, 0x7FF
    CHECK "SIDT base", dword [SCRATCH + 0x52], IDT_BASE
    sldt eax
    and eax, 0xFFFF
    CHECK "SLDT", eax, SEL_LDT
    mov word [SCRATCH + 0x60], 0xFFFF
    str [SCRATCH + 0x60]
    movzx eax, word [SCRATCH + 0x60]
    CHECK "STR memory", eax, SEL_TSS
    mov eax, 0xFFFFFFFF
    o16 str ax
    CHECK "STR 16-bit register", eax, 0xFFFF0000 | SEL_TSS
    smsw eax
    and eax, 1
    CHECK "SMSW PE", eax, 1
    RING3
    NOFAULT "CPL 3: SGDT SIDT SLDT STR SMSW are allowed"
    sgdt [SCRATCH + 0x50]
    sidt [SCRATCH + 0x50]
    sldt eax
    str eax
    smsw eax
    ENDNOFAULT
    RING3
    TRY "CPL 3: LGDT", EXC_GP, 0
    lgdt [SCRATCH + 0x50]
    ENDTRY
    RING3
    TRY "CPL 3: LTR", EXC_GP, 0
    ltr ax
    ENDTRY
    mov ax, SEL_TSS
    TRY "LTR busy TSS", EXC_GP, SEL_TSS
    ltr ax
    ENDTRY
    mov ax, SEL_DATA0
    TRY "LTR data segment", EXC_GP, SEL_DATA0
    ltr ax
    ENDTRY
    xor eax, eax
    TRY "LTR null", EXC_GP, 0
    ltr ax
    ENDTRY
    ret

; ---- 16-bit code and stack segments ----
test_code16:
    mov dword [SCRATCH + 0x70], 0
    call SEL_CODE16:(code16 - BASE)
    CHECK "16-bit code: PUSH imm is 2 bytes", dword [SCRATCH + 0x70], 2
    CHECK "16-bit code: CALL pushes IP", dword [SCRATCH + 0x74], 2
    CHECK "16-bit code: 32-bit address with a67 prefix", dword [SCRATCH + 0x78], 0x77
    ; A 16-bit stack: SP wraps at 64 KiB and the high half of ESP is kept.
    mov dword [SCRATCH + 0x800], 0x12340000
    mov word [SCRATCH + 0x804], S_STK16
    mov ebx, esp
    lss esp, [SCRATCH + 0x800]
    push word 0xBEEF
    mov ecx, esp
    mov edx, 0x10000
    mov ax, SEL_DATA0
    mov ss, ax
    mov esp, ebx
    CHECK "16-bit stack: SP wraps, ESP high half kept", ecx, 0x1234FFFE
    movzx eax, word [SCRATCH + 0xFFFE]
    CHECK "16-bit stack: pushed at FFFE", eax, 0xBEEF
    ; A code segment whose limit ends inside an instruction: #GP(0) at that instruction;
    ; a far JMP beyond the limit: #GP(0) at the JMP.
    mov edi, GDT_BASE + S_CODE16X
    mov eax, BASE
    mov ebx, code16_lim - BASE
    mov ecx, A_P | A_CODE | A_RW | A_ACC
    call set_desc
    TRY_AT "16-bit code: instruction crossing the CS limit", EXC_GP, 0, code16_lim - BASE
    jmp S_CODE16X:(code16_lim - BASE)
    ENDTRY
    CHECK "16-bit code: CS of the fault", dword [exc_cs], S_CODE16X
    TRY "far JMP beyond the CS limit", EXC_GP, 0
    jmp S_CODE16X:(code16_lim - BASE + 1)
    ENDTRY
    ret

bits 16
code16:
    mov ax, SEL_DATA0
    mov ds, ax
    mov bx, sp
    push word 5
    sub bx, sp
    movzx ebx, bx
    mov [dword SCRATCH + 0x70], ebx
    pop ax
    mov bx, sp
    call .near
.near:
    sub bx, sp
    movzx ebx, bx
    mov [dword SCRATCH + 0x74], ebx
    pop ax
    mov ebx, SCRATCH
    mov dword [ebx + 0x78], 0x77
    o32 retf
code16_lim:
    mov ax, bx                      ; 2 bytes: the second is beyond the limit
bits 32

; ---- Unreal mode ----
; Load FS with a 4 GiB limit in protected mode, return to real mode: the limit stays and
; 32-bit offsets above 64 KiB work; ES reloaded with a 64 KiB limit faults with #GP in
; real mode (through the IVT).
test_unreal:
    mov dword [SCRATCH + 0x200000 - SCRATCH + 0x100], 0
    mov dword [guest_vars], 0
    mov dword [guest_vars + 4], 0
    mov dword [guest_vars + 8], 0
    ; Real-mode IVT entry 13.
    mov word [13 * 4], rm_gp - BASE
    mov word [13 * 4 + 2], 0xF000
    sidt [guest_vars + 16]
    mov word [SCRATCH + 0xA0], 0x3FF
    mov dword [SCRATCH + 0xA2], 0
    lidt [SCRATCH + 0xA0]
    mov [guest_vars + 24], esp
    jmp SEL_CODE16:(unreal16 - BASE)
unreal_back:
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, [guest_vars + 24]
    lidt [guest_vars + 16]
    mov ax, SEL_LDT
    lldt ax
    CHECK "unreal: write above 1 MiB through FS", dword [0x200100], 0x600DF00D
    CHECK "unreal: read back", dword [guest_vars], 0x600DF00D
    CHECK "unreal: real-mode #GP beyond a 64 KiB limit", dword [guest_vars + 4], 1
    CHECK "unreal: real-mode segment load keeps the 4 GiB limit", dword [guest_vars + 8], 0x600DF00D
    ret

bits 16
unreal16:
    mov ax, SEL_DATA0               ; 4 GiB limit
    mov fs, ax
    mov gs, ax
    mov ax, SEL_DATA16              ; 64 KiB limit
    mov es, ax
    mov ss, ax
    mov eax, cr0
    and al, ~1
    mov cr0, eax
    jmp 0xF000:(.real - BASE)
.real:
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    mov fs, ax                      ; real-mode load: base 0, the limit stays 4 GiB
    mov ebx, 0x200100
    mov dword [fs:ebx], 0x600DF00D
    mov eax, [fs:ebx]
    mov [guest_vars], eax
    mov ax, 0x1000
    mov gs, ax                      ; base 0x10000, still 4 GiB
    mov ebx, 0x1F0100
    mov eax, [gs:ebx]
    mov [guest_vars + 8], eax
    mov ax, 0
    mov es, ax
    mov ebx, 0x10000
    mov [guest_vars + 28], sp
    mov eax, [es:ebx]               ; beyond ES's 64 KiB limit: #GP -> rm_gp
rm_after:
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword SEL_CODE0:unreal_back

rm_gp:
    mov word [guest_vars + 4], 1
    mov sp, [guest_vars + 28]
    jmp rm_after
bits 32

    GUEST_END
