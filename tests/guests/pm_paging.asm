; 32-bit paging (SDM vol. 3A chapter 4): translation with 4 KiB pages and, where CPUID says
; PSE, 4 MiB pages; the accessed and dirty bits (4.8); U/S and R/W checks at CPL 3 and
; CPL 0 with CR0.WP (4.6); #PF error codes and CR2 (4.7, 6.15); TLB invalidation by
; INVLPG and CR3 loads, global pages with CR4.PGE (4.10); self-modifying code through a
; second linear alias of a physical page; page-straddling accesses; #PF inside the
; delivery of #PF (#DF).
%define GUEST_NAME "pm_paging"
%include "guest.inc"

guest_gdt:
guest_gdt_end:

PD      equ 0x200000                ; page directory
PT0     equ 0x201000                ; identity map of 0-4 MiB, P W U
PT1     equ 0x202000                ; linear 4-8 MiB: the test pages, set by each test
PT3     equ 0x203000                ; linear C00000: a 4 KiB view of physical C00000
LIN     equ 0x400000                ; first linear test page
PHYS    equ 0x300000                ; physical test pages (seen 1:1 through PT0)
BIG_LIN equ 0x800000                ; the 4 MiB page, PD[2]
BIG_PHYS equ 0xC00000

P equ 1
W equ 2
U equ 4
A equ 0x20
D equ 0x40
PS equ 0x80
G equ 0x100
PF_P equ 1
PF_W equ 2
PF_U equ 4
PF_RSVD equ 8

%define PTE(lin) (PT1 + (((lin) - LIN) >> 10))
; MAP lin, phys, flags: set the PTE (no TLB flush).
%macro MAP 3
    mov dword [PTE(%1)], (%2) | (%3)
%endmacro

V0 equ guest_vars
V1 equ guest_vars + 4
V2 equ guest_vars + 8

guest_main:
    call paging_on
    RUN test_translate
    RUN test_accessed_dirty
    RUN test_protection
    RUN test_not_present
    RUN test_tlb
    RUN test_global
    RUN test_pse
    RUN test_alias_smc
    RUN test_straddle
    RUN test_double_fault
    mov eax, cr0
    and eax, ~0x80000000
    mov cr0, eax
    ret

paging_on:
    mov edi, PD
    mov ecx, 4 * 1024
    xor eax, eax
    rep stosd                       ; PD, PT0, PT1, PT3 zeroed
    mov edi, PT0
    mov eax, P | W | U
.fill:
    stosd
    add eax, 0x1000
    cmp edi, PT0 + 0x1000
    jb .fill
    mov dword [PD], PT0 | P | W | U
    mov dword [PD + 4], PT1 | P | W | U
    mov dword [PD + 12], PT3 | P | W | U
    mov dword [PT3], BIG_PHYS | P | W | U
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ret

; Flush the TLB entry of a linear address: INVLPG on the 486 and later, CR3 on the 386.
%macro FLUSH 1
    cmp dword [cpu_family], 4
    jb %%cr3
    invlpg [%1]
    jmp %%done
%%cr3:
    mov eax, cr3
    mov cr3, eax
%%done:
%endmacro
%macro FLUSH_ALL 0
    mov eax, cr3
    mov cr3, eax
%endmacro

; ---- Translation ----
test_translate:
    MAP LIN, PHYS, P | W | U
    FLUSH LIN
    mov dword [LIN + 0x10], 0x12345678
    CHECK "write through LIN lands at PHYS", dword [PHYS + 0x10], 0x12345678
    mov dword [PHYS + 0x14], 0x9ABCDEF0
    CHECK "read through LIN", dword [LIN + 0x14], 0x9ABCDEF0
    MAP LIN + 0x1000, PHYS, P | W | U
    FLUSH LIN + 0x1000
    CHECK "two linear pages, one physical page", dword [LIN + 0x1010], 0x12345678
    ret

; ---- Accessed and dirty ----
test_accessed_dirty:
    MAP LIN + 0x2000, PHYS + 0x2000, P | W | U
    and dword [PD + 4], ~(A | D)
    FLUSH_ALL
    mov eax, [LIN + 0x2000]
    mov eax, [PTE(LIN + 0x2000)]
    and eax, A | D
    CHECK "read sets A, not D", eax, A
    mov eax, [PD + 4]
    and eax, A | D
    CHECK "read sets A in the PDE", eax, A
    mov dword [LIN + 0x2000], 1
    mov eax, [PTE(LIN + 0x2000)]
    and eax, A | D
    CHECK "write after a read sets D", eax, A | D
    mov eax, [PD + 4]
    and eax, D
    CHECK "D is never set in a PDE that points to a table", eax, 0
    ; A write first sets both.
    MAP LIN + 0x3000, PHYS + 0x3000, P | W | U
    FLUSH LIN + 0x3000
    mov byte [LIN + 0x3000], 1
    mov eax, [PTE(LIN + 0x3000)]
    and eax, A | D
    CHECK "a first write sets A and D", eax, A | D
    ; A fetch sets A.
    MAP LIN + 0x4000, PHYS + 0x4000, P | W | U
    FLUSH LIN + 0x4000
    mov byte [PHYS + 0x4000], 0xC3 ; ret
    call LIN + 0x4000
    mov eax, [PTE(LIN + 0x4000)]
    and eax, A | D
    CHECK "an instruction fetch sets A", eax, A
    ; A faulting write sets neither.
    MAP LIN + 0x5000, PHYS + 0x5000, P | U
    FLUSH LIN + 0x5000
    RING3
    TRY "CPL 3 write to a read-only page", EXC_PF, PF_P | PF_W | PF_U
    mov dword [LIN + 0x5000], 1
    ENDTRY
    mov eax, [PTE(LIN + 0x5000)]
    and eax, A | D
    CHECK "a faulting write sets neither A nor D", eax, 0
    ; A faulting access to a supervisor page: no A.
    MAP LIN + 0x5000, PHYS + 0x5000, P | W
    FLUSH LIN + 0x5000
    RING3
    TRY "CPL 3 read of a supervisor page", EXC_PF, PF_P | PF_U
    mov eax, [LIN + 0x5000]
    ENDTRY
    mov eax, [PTE(LIN + 0x5000)]
    and eax, A | D
    CHECK "a faulting read sets no A", eax, 0
    ret

; ---- U/S and R/W ----
%macro PF_TRY 4+     ; name, error, cr2, instruction
    TRY %1, EXC_PF, %2
    %4
    ENDTRY
    CHECK %1, dword [exc_cr2], %3
%endmacro
test_protection:
    MAP LIN + 0x6000, PHYS + 0x6000, P | W          ; supervisor, writable
    MAP LIN + 0x7000, PHYS + 0x7000, P | U          ; user, read-only
    MAP LIN + 0x8000, PHYS + 0x8000, P              ; supervisor, read-only
    MAP LIN + 0x9000, PHYS + 0x9000, P | W | U      ; user, writable
    FLUSH_ALL
    RING3
    PF_TRY "CPL 3 write to a supervisor page", PF_P | PF_W | PF_U, LIN + 0x6004, mov dword [LIN + 0x6004], 1
    RING3
    PF_TRY "CPL 3 write to a user read-only page", PF_P | PF_W | PF_U, LIN + 0x7008, mov byte [LIN + 0x7008], 1
    RING3
    PF_TRY "CPL 3 read of a supervisor read-only page", PF_P | PF_U, LIN + 0x8000, mov eax, [LIN + 0x8000]
    RING3
    NOFAULT "CPL 3 read of a user read-only page, write to a user writable page"
    mov eax, [LIN + 0x7000]
    mov [LIN + 0x9000], eax
    ENDNOFAULT
    RING0
    ; CPL 0: writes to read-only pages work with CR0.WP clear.
    NOFAULT "CPL 0 writes to read-only pages, WP clear"
    mov dword [LIN + 0x7000], 2
    mov dword [LIN + 0x8000], 3
    mov eax, [LIN + 0x9000]
    ENDNOFAULT
    CHECK "CPL 0 write to a user read-only page", dword [PHYS + 0x7000], 2
    ; Both levels must allow: PDE without U.
    and dword [PD + 4], ~U
    FLUSH_ALL
    RING3
    PF_TRY "CPL 3 read, PDE supervisor", PF_P | PF_U, LIN + 0x9000, mov eax, [LIN + 0x9000]
    or dword [PD + 4], U
    and dword [PD + 4], ~W
    FLUSH_ALL
    RING3
    PF_TRY "CPL 3 write, PDE read-only", PF_P | PF_W | PF_U, LIN + 0x9000, mov [LIN + 0x9000], eax
    or dword [PD + 4], W
    FLUSH_ALL
    ; A fetch at CPL 3 from a supervisor page.
    mov byte [PHYS + 0x6000], 0xC3
    RING3
    TRY_AT "CPL 3 fetch from a supervisor page", EXC_PF, PF_P | PF_U, LIN + 0x6000
    call LIN + 0x6000
    ENDTRY
    CHECK "CPL 3 fetch: CR2", dword [exc_cr2], LIN + 0x6000
    ; System tables are read with supervisor rights at any CPL: make the pages of the
    ; GDT, IDT and TSS supervisor-only and use them from CPL 3.
    and dword [PT0 + (GDT_BASE >> 10)], ~U
    and dword [PT0 + (IDT_BASE >> 10)], ~U
    and dword [PT0 + (TSS_BASE >> 10)], ~U
    FLUSH_ALL
    RING3
    NOFAULT "CPL 3: GDT, IDT and TSS in supervisor pages"
    mov ax, SEL_DATA3
    mov ds, ax
    RING0
    ENDNOFAULT
    or dword [PT0 + (GDT_BASE >> 10)], U
    or dword [PT0 + (IDT_BASE >> 10)], U
    or dword [PT0 + (TSS_BASE >> 10)], U
    FLUSH_ALL
    ; CR0.WP (486 and later): supervisor writes obey R/W.
    cmp dword [cpu_family], 4
    jb .done
    mov eax, [LIN + 0x7000]         ; cache the page for reads and writes
    mov [LIN + 0x7000], eax
    mov eax, cr0
    or eax, 0x10000
    mov cr0, eax
    PF_TRY "CPL 0 write to a user read-only page, WP set", PF_P | PF_W, LIN + 0x7000, mov [LIN + 0x7000], eax
    PF_TRY "CPL 0 write to a supervisor read-only page, WP set", PF_P | PF_W, LIN + 0x8010, mov [LIN + 0x8010], eax
    NOFAULT "CPL 0 write to a writable page, WP set"
    mov [LIN + 0x9000], eax
    mov [LIN + 0x6000], eax
    ENDNOFAULT
    and dword [PD + 4], ~W
    FLUSH_ALL
    PF_TRY "CPL 0 write, PDE read-only, WP set", PF_P | PF_W, LIN + 0x9000, mov [LIN + 0x9000], eax
    or dword [PD + 4], W
    mov eax, cr0
    and eax, ~0x10000
    mov cr0, eax
.done:
    ret

; ---- Not present ----
test_not_present:
    MAP LIN + 0xA000, PHYS + 0xA000, 0
    FLUSH_ALL
    PF_TRY "CPL 0 read, PTE not present", 0, LIN + 0xA123, mov eax, [LIN + 0xA123]
    PF_TRY "CPL 0 write, PTE not present", PF_W, LIN + 0xA000, mov [LIN + 0xA000], eax
    RING3
    PF_TRY "CPL 3 read, PTE not present", PF_U, LIN + 0xAFFF, mov al, [LIN + 0xAFFF]
    RING3
    PF_TRY "CPL 3 write, PTE not present", PF_W | PF_U, LIN + 0xA004, mov [LIN + 0xA004], eax
    PF_TRY "PDE not present", 0, 0x1000000, mov eax, [0x1000000]
    RING3
    PF_TRY "CPL 3 write, PDE not present", PF_W | PF_U, 0x1000010, mov [0x1000010], eax
    ; A push at CPL 3 (at CPL 0 the exception frame would fault too).
    RING3
    TRY_AT "CPL 3 PUSH to a not-present page", EXC_PF, PF_W | PF_U, .push
    mov esp, LIN + 0xB000
.push:
    push eax
    ENDTRY
    CHECK "PUSH to a not-present page: CR2", dword [exc_cr2], LIN + 0xAFFC
    TRY_AT "fetch from a not-present page", EXC_PF, 0, LIN + 0xA000
    jmp LIN + 0xA000
    ENDTRY
    ; A fault handler that maps the page and returns: the instruction restarts.
    SET_GATE EXC_PF, h_pf_map, SEL_CODE0, T_INT32
    mov dword [V0], 0
    mov dword [PHYS + 0xA040], 0x5151
    NOFAULT "#PF handler maps the page, the read restarts"
    mov eax, [LIN + 0xA040]
    ENDNOFAULT
    SET_GATE EXC_PF, exc_stub_14, SEL_CODE0, T_INT32
    CHECK "#PF restart: value", eax, 0x5151
    CHECK "#PF restart: handler ran once", dword [V0], 1
    ret

h_pf_map:
    push eax
    mov eax, cr2
    shr eax, 12
    and eax, 0x3FF
    or dword [PT1 + eax * 4], P
    inc dword [V0]
    pop eax
    add esp, 4
    iretd

; ---- TLB: a changed PTE is seen after INVLPG or a CR3 load ----
test_tlb:
    mov dword [PHYS + 0xB000], 0xB0
    mov dword [PHYS + 0xC000], 0xC0
    MAP LIN + 0xB000, PHYS + 0xB000, P | W | U
    FLUSH_ALL
    mov eax, [LIN + 0xB000]
    CHECK "TLB: first mapping", eax, 0xB0
    MAP LIN + 0xB000, PHYS + 0xC000, P | W | U
    mov eax, [LIN + 0xB000]
    CHECK "TLB: a changed PTE is not seen before a flush", eax, 0xB0
    FLUSH_ALL
    mov eax, [LIN + 0xB000]
    CHECK "TLB: seen after a CR3 load", eax, 0xC0
    cmp dword [cpu_family], 4
    jb .done
    MAP LIN + 0xB000, PHYS + 0xB000, P | W | U
    mov eax, [LIN + 0xB000]
    CHECK "TLB: not seen before INVLPG", eax, 0xC0
    invlpg [LIN + 0xB000]
    mov eax, [LIN + 0xB000]
    CHECK "TLB: seen after INVLPG", eax, 0xB0
    ; INVLPG of another page leaves this one.
    MAP LIN + 0xB000, PHYS + 0xC000, P | W | U
    invlpg [LIN + 0xD000]
    mov eax, [LIN + 0xB000]
    CHECK "TLB: INVLPG of another page", eax, 0xB0
    ; A not-present PTE made present needs no flush (not-present entries are not cached),
    ; but a present one made not present does.
    FLUSH_ALL
    mov eax, [LIN + 0xB000]
    MAP LIN + 0xB000, PHYS + 0xB000, 0
    mov eax, [LIN + 0xB000]
    CHECK "TLB: a PTE made not present is still cached", eax, 0xC0
    invlpg [LIN + 0xB000]
    PF_TRY "TLB: after INVLPG it faults", 0, LIN + 0xB000, mov eax, [LIN + 0xB000]
.done:
    ret

; ---- Global pages (CR4.PGE, P6) ----
test_global:
    NEED_FAMILY 6
    mov dword [PHYS + 0xD000], 0xD0
    mov dword [PHYS + 0xE000], 0xE0
    mov eax, cr4
    or eax, 0x80
    mov cr4, eax
    MAP LIN + 0xD000, PHYS + 0xD000, P | W | U | G
    MAP LIN + 0xE000, PHYS + 0xD000, P | W | U
    invlpg [LIN + 0xD000]
    invlpg [LIN + 0xE000]
    mov eax, [LIN + 0xD000]
    mov eax, [LIN + 0xE000]
    MAP LIN + 0xD000, PHYS + 0xE000, P | W | U | G
    MAP LIN + 0xE000, PHYS + 0xE000, P | W | U
    FLUSH_ALL
    mov eax, [LIN + 0xD000]
    CHECK "global page survives a CR3 load", eax, 0xD0
    mov eax, [LIN + 0xE000]
    CHECK "non-global page does not", eax, 0xE0
    invlpg [LIN + 0xD000]
    mov eax, [LIN + 0xD000]
    CHECK "INVLPG flushes a global page", eax, 0xE0
    ; Clearing CR4.PGE flushes global pages too.
    MAP LIN + 0xD000, PHYS + 0xD000, P | W | U | G
    mov eax, [LIN + 0xD000]
    MAP LIN + 0xD000, PHYS + 0xE000, P | W | U | G
    mov eax, cr4
    and eax, ~0x80
    mov cr4, eax
    mov eax, [LIN + 0xD000]
    CHECK "clearing CR4.PGE flushes global pages", eax, 0xE0
    ; Without CR4.PGE, G is ignored.
    MAP LIN + 0xD000, PHYS + 0xD000, P | W | U | G
    FLUSH_ALL
    mov eax, [LIN + 0xD000]
    MAP LIN + 0xD000, PHYS + 0xE000, P | W | U | G
    FLUSH_ALL
    mov eax, [LIN + 0xD000]
    CHECK "G without CR4.PGE: flushed by CR3", eax, 0xE0
    ret

; ---- 4 MiB pages (CR4.PSE) ----
test_pse:
    test dword [cpu_features], 8    ; CPUID.1:EDX.PSE
    jnz .pse
    ret
.pse:
    mov eax, cr4
    or eax, 0x10
    mov cr4, eax
    mov dword [PD + 8], BIG_PHYS | PS | P | W | U
    FLUSH_ALL
    mov dword [PT3 + 4], BIG_PHYS + 0x123000 | P | W | U     ; linear C01000
    mov dword [BIG_LIN + 0x123450], 0x4D4D4D4D
    CHECK "4 MiB page: offset within the page", dword [0xC01450], 0x4D4D4D4D
    mov dword [BIG_LIN + 0x10], 0x600D
    CHECK "4 MiB page: write seen through a 4 KiB view of the same frame", dword [0xC00000 + 0x10], 0x600D
    mov eax, [PD + 8]
    and eax, A | D
    CHECK "4 MiB page: A and D in the PDE", eax, A | D
    and dword [PD + 8], ~(A | D)
    FLUSH_ALL
    mov eax, [BIG_LIN + 0x3FFFFC]
    mov eax, [PD + 8]
    and eax, A | D
    CHECK "4 MiB page: a read sets only A", eax, A
    mov dword [PD + 8], BIG_PHYS | PS | P | U
    FLUSH_ALL
    RING3
    PF_TRY "4 MiB page: CPL 3 write to a read-only big page", PF_P | PF_W | PF_U, BIG_LIN + 0x200000, mov [BIG_LIN + 0x200000], eax
    ; Bits 21:13 of a 4 MiB PDE are reserved without PSE-36 (none of the models has it): a
    ; page fault with RSVD (error code bit 3) and P, whatever the access rights say.
    mov dword [PD + 8], BIG_PHYS | (1 << 13) | PS | P | W | U
    FLUSH_ALL
    PF_TRY "4 MiB page: PDE bit 13 set is a reserved-bit fault (read)", PF_P | PF_RSVD, BIG_LIN + 0x1234, mov eax, [BIG_LIN + 0x1234]
    mov dword [PD + 8], BIG_PHYS | (1 << 21) | PS | P | W | U
    FLUSH_ALL
    RING3
    PF_TRY "4 MiB page: PDE bit 21 set, CPL 3 write", PF_P | PF_W | PF_U | PF_RSVD, BIG_LIN + 0x3FF000, mov [BIG_LIN + 0x3FF000], eax
    mov dword [PD + 8], BIG_PHYS | (1 << 24) | PS | P | W | U  ; bit 24: a frame bit, no fault
    FLUSH_ALL
    mov dword [0xC00000 + 0x20], 0          ; frame BIG_PHYS, through PT3
    NOFAULT "4 MiB page: bit 24 set is no fault"
    mov dword [BIG_LIN + 0x20], 0x5A5A
    ENDNOFAULT
    CHECK "4 MiB page: bit 24 is a frame bit", dword [BIG_LIN + 0x20], 0x5A5A
    CHECK "4 MiB page: ... of another frame", dword [0xC00000 + 0x20], 0
    mov dword [PD + 8], 0
    mov eax, cr4
    and eax, ~0x10
    mov cr4, eax
    FLUSH_ALL
    ret

; ---- Self-modifying code through an alias ----
; LIN+F000 and LIN+10000 map the same physical page: code is run through the first and
; rewritten through the second.
test_alias_smc:
    MAP LIN + 0xF000, PHYS + 0xF000, P | W | U
    MAP LIN + 0x10000, PHYS + 0xF000, P | W | U
    FLUSH_ALL
    mov byte [LIN + 0x10000], 0xB8          ; mov eax, imm32
    mov dword [LIN + 0x10001], 1
    mov byte [LIN + 0x10005], 0xC3          ; ret
    call LIN + 0xF000
    CHECK "alias: code written through the other alias", eax, 1
    mov dword [LIN + 0x10001], 2
    call LIN + 0xF000
    CHECK "alias: a rewrite through the other alias is seen", eax, 2
    mov dword [LIN + 0xF001], 3
    call LIN + 0xF000
    CHECK "alias: a rewrite through the same alias is seen", eax, 3
    ; Remap the code page to another frame that holds other code.
    mov byte [PHYS + 0x10000], 0xB8
    mov dword [PHYS + 0x10001], 4
    mov byte [PHYS + 0x10005], 0xC3
    MAP LIN + 0xF000, PHYS + 0x10000, P | W | U
    FLUSH LIN + 0xF000
    call LIN + 0xF000
    CHECK "alias: code page remapped to another frame", eax, 4
    ; The instruction right after a store that modifies it: glass86 sees it on every model,
    ; as the P6 does (a 386 or 486 may still run the bytes it prefetched).
    MAP LIN + 0xF000, PHYS + 0xF000, P | W | U
    FLUSH LIN + 0xF000
    mov esi, smc_template
    mov edi, LIN + 0x10000
    mov ecx, smc_template_end - smc_template
    rep movsb
    call LIN + 0xF000
    CHECK "alias: the next instruction modified by a store", eax, 0x77
    ret

smc_template:                       ; copied to the page; patches its own next instruction
    mov byte [LIN + 0x10000 + (.imm - smc_template)], 0x77
    mov eax, 0x11
.imm equ $ - 4
    ret
smc_template_end:

; ---- Accesses that straddle two pages ----
test_straddle:
    MAP LIN + 0x11000, PHYS + 0x11000, P | W | U
    MAP LIN + 0x12000, PHYS + 0x12000, 0
    FLUSH_ALL
    mov dword [PHYS + 0x11FFC], 0x11223344
    PF_TRY "dword write straddling into a not-present page", PF_W, LIN + 0x12000, mov dword [LIN + 0x11FFE], 0xAABBCCDD
    CHECK "straddling write: first page unwritten", dword [PHYS + 0x11FFC], 0x11223344
    PF_TRY "dword read straddling into a not-present page", 0, LIN + 0x12000, mov eax, [LIN + 0x11FFD]
    MAP LIN + 0x12000, PHYS + 0x12000, P | U
    FLUSH_ALL
    RING3
    PF_TRY "CPL 3 write straddling into a read-only page", PF_P | PF_W | PF_U, LIN + 0x12000, mov dword [LIN + 0x11FFF], 0
    CHECK "straddling write at CPL 3: first page unwritten", dword [PHYS + 0x11FFC], 0x11223344
    mov dword [PHYS + 0x12000], 0x55667788
    RING3
    NOFAULT "CPL 3 read straddling into a read-only page"
    mov eax, [LIN + 0x11FFE]
    ENDNOFAULT
    RING0
    ; An instruction straddling into a not-present page: CR2 is the second page, the
    ; saved EIP the instruction.
    mov byte [PHYS + 0x11FFF], 0xB8         ; mov eax, imm32: 4 bytes on the next page
    MAP LIN + 0x12000, PHYS + 0x12000, 0
    FLUSH_ALL
    TRY_AT "instruction straddling into a not-present page", EXC_PF, 0, LIN + 0x11FFF
    call LIN + 0x11FFF
    ENDTRY
    CHECK "instruction straddling: CR2", dword [exc_cr2], LIN + 0x12000
    ret

; ---- #PF while delivering #PF: #DF; #GP then #PF: serial ----
test_double_fault:
    ; The #PF handler runs at ring 1 with its stack on a not-present page.
    MAP LIN + 0x13000, PHYS + 0x13000, 0
    FLUSH_ALL
    mov dword [TSS_BASE + 12], LIN + 0x14000
    SET_GATE EXC_PF, exc_stub_14, SEL_CODE1, T_INT32
    RING3
    TRY_AT "#PF while delivering #PF: #DF", EXC_DF, 0, ANYEIP
    mov eax, [0x1000000]
    ENDTRY
    ; #GP whose ring-1 handler stack is not present: the #PF is delivered serially.
    SET_GATE EXC_PF, exc_stub_14, SEL_CODE0, T_INT32
    SET_GATE EXC_GP, exc_stub_13, SEL_CODE1, T_INT32
    RING3
    TRY "#GP then #PF on its stack: #PF", EXC_PF, PF_W
    hlt
    ENDTRY
    CHECK "#GP then #PF: CR2", dword [exc_cr2], LIN + 0x14000 - 4
    SET_GATE EXC_GP, exc_stub_13, SEL_CODE0, T_INT32
    mov dword [TSS_BASE + 12], ESP1_TOP
    ret

    GUEST_END
