; SPDX-License-Identifier: MIT
; Interrupt and exception entry: one stub per vector, one common path.
;
; Contract: each stub leaves the stack as struct cpu_regs (include/hv/regs.h)
; expects: vector and error code (0 where the CPU pushes none) above the
; GPRs. do_trap(struct cpu_regs *) runs with interrupts as the gate left
; them (all gates are interrupt gates: IF clear). All GPRs are restored;
; a handler may change the frame (e.g. rip) before returning. Events from
; ring 3 (PV guests) leave through pv/pv_entry.asm instead.

%include "asm_offsets.inc"
%include "cpu_regs.inc"

extern do_trap
extern pv_trap_entry

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
    test    byte [rsp + 24], 3          ; CS of the interrupted code: RPL 3 is
    jnz     pv_trap_entry               ; a PV guest (pv/pv_entry.asm)
    CPU_REGS_PUSH
    cld
    xor     ebx, ebx                    ; callee-saved: 1 if GS was swapped
    mov     rax, [rsp + REGS_VECTOR]
    cmp     rax, 1
    je      .ist
    cmp     rax, 2
    je      .ist
    cmp     rax, 18
    jne     .gs_ok
.ist:
    call    ist_gs_fix
.gs_ok:
    mov     rdi, rsp
    call    do_trap
    test    ebx, ebx
    jz      .out
    swapgs
.out:
    CPU_REGS_POP
    add     rsp, 16                     ; vector and error code
    iretq

; #DB, NMI and #MC run on IST stacks and may interrupt the hypervisor
; between a PV guest crossing and its SWAPGS (pv/pv_entry.asm), with the
; guest's GS base loaded. Their stacks lie in this CPU's per-CPU area, so
; RSP names the struct percpu GS base must hold: SWAPGS when GS base is
; not it but KERNEL_GS_BASE is (never before the per-CPU areas exist).
; Out: ebx = 1 if swapped. Clobbers rax, rcx, rdx, rsi, rdi.
ist_gs_fix:
    mov     rsi, rsp
    and     rsi, -PERCPU_STRIDE
    add     rsi, PERCPU_DATA_OFF
    mov     ecx, MSR_GS_BASE
    rdmsr
    shl     rdx, 32
    or      rax, rdx
    cmp     rax, rsi
    je      .done
    mov     ecx, MSR_KERNEL_GS_BASE
    rdmsr
    shl     rdx, 32
    or      rax, rdx
    cmp     rax, rsi
    jne     .done
    swapgs
    mov     ebx, 1
.done:
    ret
