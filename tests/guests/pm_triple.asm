; A triple fault shuts the CPU down (SDM vol. 3A, 6.15, interrupt 8): with an IDT too short
; for any vector, #UD cannot be delivered (#GP, handled serially), #GP cannot be delivered
; (a double fault) and #DF cannot be delivered either. glass86 then stops with exit
; status 4 and "triple fault" on stderr; reaching the end of guest_main is a failure.
%define GUEST_NAME "pm_triple"
%include "guest.inc"

guest_gdt:
guest_gdt_end:

guest_main:
    mov word [idtr_limit], 0
    lidt [idtr_limit]
    ud2
    PRINT "FAIL no triple fault", 10
    inc dword [fail_count]
    ret

    GUEST_END
