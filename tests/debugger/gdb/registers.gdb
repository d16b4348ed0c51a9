info registers
p/x $eip
p $eflags
set $eax = 0x12345678
p/x $eax
set $ebx = 0x55aa
info registers ebx
stepi
p/x $pc
p/x $cs
x/4xb 0xf0000
set {char}0x600 = 0x42
x/1xb 0x600
kill
