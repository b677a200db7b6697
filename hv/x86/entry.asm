; SPDX-License-Identifier: MIT
; Interrupt and exception entry: one stub per vector, one common path.
;
; Contract: each stub leaves the stack as struct cpu_regs (include/hv/regs.h)
; expects: vector and error code (0 where the CPU pushes none) above the
; GPRs. do_trap(struct cpu_regs *) runs with interrupts as the gate left
; them (all gates are interrupt gates: IF clear). All GPRs are restored;
; a handler may change the frame (e.g. rip) before returning.

%include "asm_offsets.inc"

extern do_trap

section .text

; Vectors for which the CPU pushes an error code (SDM Vol. 3,
; "Exception and Interrupt Reference").
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

align 16
global trap_stubs
trap_stubs:
%assign v 0
%rep 256
    align 16
%if HAS_ERR(v)
    push    qword v
%else
    push    qword 0
    push    qword v
%endif
    jmp     trap_common
%assign v v + 1
%endrep

trap_common:
    push    rax
    push    rbx
    push    rcx
    push    rdx
    push    rsi
    push    rdi
    push    rbp
    push    r8
    push    r9
    push    r10
    push    r11
    push    r12
    push    r13
    push    r14
    push    r15
    cld
    mov     rdi, rsp
    call    do_trap
    pop     r15
    pop     r14
    pop     r13
    pop     r12
    pop     r11
    pop     r10
    pop     r9
    pop     r8
    pop     rbp
    pop     rdi
    pop     rsi
    pop     rdx
    pop     rcx
    pop     rbx
    pop     rax
    add     rsp, 16                     ; vector and error code
    iretq
