break *0xf0018
continue
p/x $eax
p/x $pc
hbreak *0xf0076
continue
p/x $cs
p/x $eip
monitor info gdt 1 1
monitor c
stepi
x/i $pc
delete
continue
