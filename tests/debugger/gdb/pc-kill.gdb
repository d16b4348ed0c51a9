break *0x7c00
continue
x/2bx 0x7dfe
kill
