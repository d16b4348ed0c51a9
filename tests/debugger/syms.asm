; An ELF32 object for the ldsym test (nasm -f elf32): its symbols are offsets from 0 in
; their sections, so the test loads them with a bias.
section .text
global elf_start, elf_func
elf_start:
    nop
elf_func:
    ret
section .data
global elf_data
elf_data:
    dd 1
