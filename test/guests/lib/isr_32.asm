; SPDX-License-Identifier: MIT
; 32-bit interrupt entry and expect_fault() recovery.

%include "isr.inc"

extern trap_dispatch, last_fault
global isr_stubs, expect_fault, fault_recover, fault_armed

bits 32
ISR_STUBS dd

section .text
; Contract: entered through an interrupt gate (IF clear) with the vector
; and an error code on the stack. Saves all general registers as a struct
; trap_frame, calls trap_dispatch(frame) and returns with IRET using the
; possibly modified frame.
isr_common:
    pushad
    mov   eax, esp
    cld
    push  eax
    call  trap_dispatch
    add   esp, 4
    popad
    add   esp, 8                   ; vector, error code
    iretd

; int expect_fault(void (*fn)(void *), void *arg)
; Contract: cdecl. Calls fn(arg) with fault_armed set; returns -1 if fn
; returns. trap_dispatch sends an exception raised meanwhile to
; fault_recover, which restores the stack and the callee-saved registers
; saved here and returns last_fault.vector. Flags are those at the fault
; (restored by IRET), with DF cleared.
expect_fault:
    push  ebp
    push  ebx
    push  esi
    push  edi
    mov   [fault_sp], esp
    mov   eax, [esp + 20]          ; fn
    push  dword [esp + 24]         ; arg
    mov   dword [fault_armed], 1
    call  eax
    add   esp, 4
    mov   dword [fault_armed], 0
    mov   eax, -1
    jmp   expect_fault_out
fault_recover:
    mov   esp, [fault_sp]
    cld
    mov   eax, [last_fault]        ; struct fault_info.vector, offset 0
expect_fault_out:
    pop   edi
    pop   esi
    pop   ebx
    pop   ebp
    ret

section .bss
align 4
fault_armed: resd 1
fault_sp:    resd 1
