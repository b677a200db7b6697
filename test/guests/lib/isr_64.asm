; SPDX-License-Identifier: MIT
; 64-bit interrupt entry and expect_fault() recovery.

%include "isr.inc"

extern trap_dispatch, last_fault
global isr_stubs, expect_fault, fault_recover, fault_armed

bits 64
default rel
ISR_STUBS dq

section .text
; Contract: entered through an interrupt gate (IF clear) with the vector
; and an error code on the stack above the CPU's 64-bit frame (which always
; holds SS:RSP). Saves all general registers as a struct trap_frame, calls
; trap_dispatch(frame) and returns with IRETQ using the possibly modified
; frame. The stack stays 16-byte aligned at the call: the CPU aligns it
; before pushing its five words, then 2 + 15 pushes.
isr_common:
    push  rax
    push  rcx
    push  rdx
    push  rbx
    push  rbp
    push  rsi
    push  rdi
    push  r8
    push  r9
    push  r10
    push  r11
    push  r12
    push  r13
    push  r14
    push  r15
    mov   rdi, rsp
    cld
    sub   rsp, 8
    call  trap_dispatch
    add   rsp, 8
    pop   r15
    pop   r14
    pop   r13
    pop   r12
    pop   r11
    pop   r10
    pop   r9
    pop   r8
    pop   rdi
    pop   rsi
    pop   rbp
    pop   rbx
    pop   rdx
    pop   rcx
    pop   rax
    add   rsp, 16                  ; vector, error code
    iretq

; int expect_fault(void (*fn)(void *), void *arg)
; Contract: SysV ABI. Calls fn(arg) with fault_armed set; returns -1 if fn
; returns. trap_dispatch sends an exception raised meanwhile to
; fault_recover, which restores the stack and the callee-saved registers
; saved here and returns last_fault.vector (DF cleared).
expect_fault:
    push  rbp
    push  rbx
    push  r12
    push  r13
    push  r14
    push  r15
    sub   rsp, 8                   ; 16-byte alignment at the call
    mov   [fault_sp], rsp
    mov   rax, rdi
    mov   rdi, rsi
    mov   dword [fault_armed], 1
    call  rax
    mov   dword [fault_armed], 0
    mov   eax, -1
    jmp   expect_fault_out
fault_recover:
    mov   rsp, [fault_sp]
    cld
    mov   eax, [last_fault]        ; struct fault_info.vector, offset 0
expect_fault_out:
    add   rsp, 8
    pop   r15
    pop   r14
    pop   r13
    pop   r12
    pop   rbx
    pop   rbp
    ret

section .bss
align 8
fault_armed: resd 1
fault_sp:    resq 1
