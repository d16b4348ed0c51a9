p/x $pc
hbreak *0x7c00
continue
p/x $edx & 0xff
p/x $cs
p/x $eip
x/2bx 0x7dfe
x/2bx 0x7c0c
set $drive = *(unsigned short *)0x7c0e
awatch *(char *)$drive
continue
p/x $pc
delete
watch *(char *)($drive + 1)
continue
delete
stepi
p/x $pc
continue
