; SPDX-License-Identifier: MIT
; VMLAUNCH/VMRESUME: enter a VMX guest and return after its next VM exit.
;
; int vmx_vmenter(uint64_t *gprs, bool launched)
;   rdi = guest GPRs in x86 order (struct vcpu.gpr); RSP lives in the VMCS
;         and is skipped here.
;   esi = nonzero: the VMCS was launched on this pCPU, use VMRESUME.
;   The guest's VMCS is current; HOST_RIP = vmx_vmexit, and HOST_RSP is
;   written here, so the exit lands on this routine's frame.
; Returns 0 after a VM exit (guest GPRs stored back to gprs), 1 when the
; instruction itself failed (VMfailInvalid / VMfailValid: the caller reads
; the VM-instruction error field).
; Called with interrupts disabled; a VM exit leaves them disabled (RFLAGS
; is 0x2 after an exit), so a host interrupt that caused the exit stays
; pending until the caller enables interrupts.
; Clobbers: all caller-saved registers; callee-saved ones are preserved.

%define VMCS_HOST_RSP 0x6c14

section .text
global vmx_vmenter
global vmx_vmexit
vmx_vmenter:
    push    rbp
    push    rbx
    push    r12
    push    r13
    push    r14
    push    r15
    push    rdi                         ; gprs, needed after the exit

    mov     eax, VMCS_HOST_RSP
    vmwrite rax, rsp
    jna     .fail_early

    test    esi, esi                    ; flags survive the moves below
    mov     rax, [rdi + 0 * 8]
    mov     rcx, [rdi + 1 * 8]
    mov     rdx, [rdi + 2 * 8]
    mov     rbx, [rdi + 3 * 8]
    mov     rbp, [rdi + 5 * 8]
    mov     rsi, [rdi + 6 * 8]
    mov     r8,  [rdi + 8 * 8]
    mov     r9,  [rdi + 9 * 8]
    mov     r10, [rdi + 10 * 8]
    mov     r11, [rdi + 11 * 8]
    mov     r12, [rdi + 12 * 8]
    mov     r13, [rdi + 13 * 8]
    mov     r14, [rdi + 14 * 8]
    mov     r15, [rdi + 15 * 8]
    mov     rdi, [rdi + 7 * 8]
    jnz     .resume
    vmlaunch
    jmp     .fail                       ; only reached if VMLAUNCH failed
.resume:
    vmresume
.fail:
.fail_early:
    pop     rdi
    mov     eax, 1
    jmp     vmx_return

vmx_vmexit:                             ; rsp = HOST_RSP: [rsp] = gprs
    push    rax                         ; guest rax
    mov     rax, [rsp + 8]
    mov     [rax + 1 * 8], rcx
    mov     [rax + 2 * 8], rdx
    mov     [rax + 3 * 8], rbx
    mov     [rax + 5 * 8], rbp
    mov     [rax + 6 * 8], rsi
    mov     [rax + 7 * 8], rdi
    mov     [rax + 8 * 8], r8
    mov     [rax + 9 * 8], r9
    mov     [rax + 10 * 8], r10
    mov     [rax + 11 * 8], r11
    mov     [rax + 12 * 8], r12
    mov     [rax + 13 * 8], r13
    mov     [rax + 14 * 8], r14
    mov     [rax + 15 * 8], r15
    pop     qword [rax + 0 * 8]         ; guest rax
    add     rsp, 8                      ; gprs
    xor     eax, eax
vmx_return:
    pop     r15
    pop     r14
    pop     r13
    pop     r12
    pop     rbx
    pop     rbp
    ret
