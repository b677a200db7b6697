; SPDX-License-Identifier: MIT
; VMRUN: enter an SVM guest and return after its next #VMEXIT.
;
; void svm_vmrun(uint64_t *gprs, paddr_t vmcb_pa, paddr_t host_vmcb_pa)
;   rdi = guest GPRs in x86 order (struct vcpu.gpr); RAX and RSP live in
;         the VMCB and are skipped here.
;   rsi = guest VMCB (physical), rdx = per-CPU host save VMCB (physical).
; Called with interrupts disabled. GIF is cleared around the world switch,
; so a physical interrupt arriving meanwhile is held; it causes the
; #VMEXIT (INTR intercept) while the guest runs and is taken by the host
; right after STGI, before this routine returns (with interrupts enabled).
; Host FS/GS/TR/LDTR, KernelGSBase and the SYSCALL/SYSENTER MSRs are not
; restored by #VMEXIT (APM Vol. 2, "VMSAVE and VMLOAD Instructions"): the
; host copy is reloaded with VMLOAD from host_vmcb_pa.
; Clobbers: all caller-saved registers; callee-saved ones are preserved.

%include "guest_gprs.inc"

section .text
global svm_vmrun
svm_vmrun:
    push    rbp
    push    rbx
    push    r12
    push    r13
    push    r14
    push    r15
    push    rdi                         ; gprs, needed after the exit
    push    rdx                         ; host save area
    push    rsi                         ; guest VMCB

    clgi
    sti                                 ; held off by GIF=0 until the guest runs
    mov     rax, rsi
    vmload                              ; guest FS/GS/TR/LDTR/syscall MSRs

    GUEST_GPRS_LOAD

    vmrun                               ; rax: guest VMCB
    vmsave                              ; rax still holds the guest VMCB

    mov     rax, [rsp + 16]             ; gprs
    GUEST_GPRS_STORE

    mov     rax, [rsp + 8]              ; host save area
    vmload                              ; rax: host save area
    stgi                                ; a pending host interrupt is taken here

    add     rsp, 24
    pop     r15
    pop     r14
    pop     r13
    pop     r12
    pop     rbx
    pop     rbp
    ret
