watch *(int*)0x400010
continue
p/x $pc
p/x *(int*)0x400010
delete
rwatch *(int*)0x400010
continue
p/x $ebx
delete
awatch *(char*)0x600
continue
p/x $pc
detach
