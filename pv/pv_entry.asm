; SPDX-License-Identifier: MIT
; PV guests in ring 3: entering one, every way back (interrupts and
; exceptions from ring 3, SYSCALL), and the guest-memory copy that
; survives a bad pointer.
;
; Entering is a call that returns on the guest's next exit, like VMRUN:
; pv_enter() saves the hypervisor's callee-saved registers and stack
; pointer, loads the guest's registers from its frame (struct cpu_regs,
; include/hv/regs.h) and IRETQs. TSS.RSP0 and percpu.pv_frame_top point
; just past that frame, so an interrupt or exception from ring 3 makes the
; CPU and trap_stubs (hv/x86/entry.asm) store the guest's state in it;
; SYSCALL builds the same frame by hand. Either way the exit path then
; takes back the saved stack pointer and returns from pv_enter().
;
; GS: while the guest runs, GS base is the guest's and KERNEL_GS_BASE
; holds this CPU's struct percpu; SWAPGS on every crossing puts them
; back. (An NMI that hits the hypervisor between a crossing and its
; SWAPGS would see the guest's GS base; NMIs only stop CPUs on panic.)

%include "asm_offsets.inc"
%include "cpu_regs.inc"

extern do_trap

section .text

; void pv_enter(struct cpu_regs *frame)
;   rdi = the vCPU's frame, which the caller made safe to IRETQ to (CS and
;   SS ring-3 flat selectors, canonical RIP, IF set). Interrupts disabled;
;   TSS.RSP0 = percpu.pv_frame_top = rdi + CPU_REGS_SIZE; KERNEL_GS_BASE =
;   the guest's GS base.
;   Returns with interrupts disabled once the frame holds the guest's state
;   at its next exit (vector: hardware vector or PV_VEC_SYSCALL*).
;   Preserves callee-saved registers, clobbers the rest.
global pv_enter
pv_enter:
    push    rbp
    push    rbx
    push    r12
    push    r13
    push    r14
    push    r15
    mov     [gs:PERCPU_PV_HOST_RSP], rsp
    mov     rsp, rdi
    CPU_REGS_POP
    add     rsp, 16                     ; vector and error code
    swapgs
    iretq

; Interrupt or exception from ring 3, jumped to by trap_common with the
; stub's vector and error code on the stack above the CPU's frame. Most
; arrive on the vCPU's frame (TSS.RSP0) and leave through pv_exit. Those
; with an IST stack: NMI, #DF and #MC are handled where they are and the
; guest resumed; #DB (ICEBP, or TF) is copied to the vCPU's frame first.
global pv_trap_entry
pv_trap_entry:
    swapgs
    CPU_REGS_PUSH
    cld
    mov     rax, [rsp + REGS_VECTOR]
    cmp     rax, 1
    je      .db
    cmp     rax, 2
    je      .in_place
    cmp     rax, 8
    je      .in_place
    cmp     rax, 18
    je      .in_place
    jmp     pv_exit
.db:
    mov     rsi, rsp
    mov     rdi, [gs:PERCPU_PV_FRAME_TOP]
    sub     rdi, CPU_REGS_SIZE
    mov     ecx, CPU_REGS_SIZE / 8
    rep movsq
    jmp     pv_exit
.in_place:
    mov     rdi, rsp
    call    do_trap
    CPU_REGS_POP
    add     rsp, 16
    swapgs
    iretq

; Back to pv_enter()'s caller, the guest's state saved in its frame.
pv_exit:
    mov     rsp, [gs:PERCPU_PV_HOST_RSP]
    pop     r15
    pop     r14
    pop     r13
    pop     r12
    pop     rbx
    pop     rbp
    ret

; SYSCALL from ring 3 (LSTAR, CSTAR): interrupts are off (SFMASK), RCX and
; R11 hold the guest's RIP and RFLAGS, RSP is still the guest's. The frame
; gets the flat ring-3 selectors; pv/ knows the guest's mode itself.
%macro SYSCALL_ENTRY 1
    swapgs
    mov     [gs:PERCPU_PV_SCRATCH], rsp
    mov     rsp, [gs:PERCPU_PV_FRAME_TOP]
    push    qword FLAT_KERNEL_SS
    push    qword [gs:PERCPU_PV_SCRATCH]
    push    r11
    push    qword FLAT_KERNEL_CS
    push    rcx
    push    qword 0                     ; error code
    push    qword %1                    ; vector
    CPU_REGS_PUSH
    cld
    jmp     pv_exit
%endmacro

global pv_syscall_entry
pv_syscall_entry:
    SYSCALL_ENTRY PV_VEC_SYSCALL

global pv_syscall32_entry
pv_syscall32_entry:
    SYSCALL_ENTRY PV_VEC_SYSCALL32

; size_t pv_copy_raw(void *dst, const void *src, size_t len)
;   rdi, rsi, rdx as named; returns in rax the bytes NOT copied: a page
;   fault or #GP on either side stops REP MOVSB, whose RCX then holds what
;   is left, and the exception table resumes at .done.
;   Clobbers rcx, rsi, rdi. Any interrupt state.
global pv_copy_raw
pv_copy_raw:
    mov     rcx, rdx
.copy:
    rep movsb
.done:
    mov     rax, rcx
    ret

section .ex_table progbits alloc noexec nowrite align=8
    dq      pv_copy_raw.copy, pv_copy_raw.done
    ; SYSCALL with RFLAGS.TF set traps (#DB, on its IST stack) at the first
    ; entry instruction, still on the guest's GS: resume there, TF is off.
    dq      pv_syscall_entry, pv_syscall_entry
    dq      pv_syscall32_entry, pv_syscall32_entry
