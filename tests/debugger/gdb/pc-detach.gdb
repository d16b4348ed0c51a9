break *0x7c00
continue
p/x $sp
detach
