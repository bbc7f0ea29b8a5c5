# The kvm-exits guest: drop to CPL3, then ITERATIONS port writes to a device register
# (the UART scratch register, 0x3FF), bracketed by writes to port 0x80 that the VMM
# timestamps, then an i8042 reset (0xFE to port 0x64) to end.
    .code64
    .global _start
    .set ITERATIONS, 10000
_start:
    mov %rsp, %rax
    push $0x23
    push %rax
    push $0x3002
    push $0x2b
    push $user
    iretq
user:
    out %al, $0x80
    mov $ITERATIONS, %ecx
    mov $0x3ff, %dx
1:  out %al, %dx
    dec %ecx
    jnz 1b
    out %al, $0x80
    mov $0xfe, %al
    out %al, $0x64
2:  jmp 2b
