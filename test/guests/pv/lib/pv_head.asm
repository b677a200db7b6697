; SPDX-License-Identifier: MIT
; PV test-guest entry, hypercall page, and the guest kernel's entry points
; for exceptions, events and user SYSCALLs, all running in ring 3.
;
; Entered as the PV ABI says (xen-abi.md §4.5): guest kernel mode, RSP at
; the end of the builder's boot stack, RSI = start_info, events masked.

default rel
bits 64

extern pv_start
extern pv_trap_dispatch

%define VEC_EVENT 0x100
%define VEC_SYSCALL 0x101
%define VEC_FAILSAFE 0x102
%define HYPERCALL_IRET 23

section .text.entry progbits alloc exec nowrite align=16
global _start
_start:
    mov     rdi, rsi
    and     rsp, -16
    call    pv_start
.hang:
    jmp     .hang

; Filled by the domain builder (XEN_ELFNOTE_HYPERCALL_PAGE): 128 stubs of
; 32 bytes; until then INT3.
section .text.hypercall_page progbits alloc exec nowrite align=4096
global hypercall_page
hypercall_page:
    times 4096 db 0xcc

section .text

; A bounce frame holds, from RSP up: RCX, R11, [error code], RIP, CS,
; RFLAGS, RSP, SS (xen-abi.md §4.6). Each stub restores RCX and R11,
; pushes an error code where the CPU has none and its vector, so that C
; sees one struct pv_frame (lib/pv.h).
%macro ENTRY_NOERR 2
global %1
%1:
    pop     rcx
    pop     r11
    push    qword 0
    push    qword %2
    jmp     entry_common
%endmacro

%macro ENTRY_ERR 2
global %1
%1:
    pop     rcx
    pop     r11
    push    qword %2
    jmp     entry_common
%endmacro

ENTRY_NOERR pv_entry_de, 0
ENTRY_NOERR pv_entry_db, 1
ENTRY_NOERR pv_entry_nmi, 2               ; the NMI callback (CALLBACKTYPE_nmi)
ENTRY_NOERR pv_entry_bp, 3
ENTRY_NOERR pv_entry_ud, 6
ENTRY_NOERR pv_entry_nm, 7
ENTRY_ERR   pv_entry_gp, 13
ENTRY_ERR   pv_entry_pf, 14
ENTRY_NOERR pv_entry_int80, 0x80
ENTRY_NOERR pv_entry_event, VEC_EVENT
ENTRY_NOERR pv_entry_syscall, VEC_SYSCALL

; The failsafe callback's frame has the selectors the guest wanted, DS,
; ES, FS, GS, between R11 and RIP: kept in pv_failsafe_sels for C, then
; handled as any other bounce.
global pv_entry_failsafe
pv_entry_failsafe:
    pop     rcx
    pop     r11
    pop     qword [pv_failsafe_sels]
    pop     qword [pv_failsafe_sels + 8]
    pop     qword [pv_failsafe_sels + 16]
    pop     qword [pv_failsafe_sels + 24]
    push    qword 0
    push    qword VEC_FAILSAFE
    jmp     entry_common

; Registers saved as struct pv_frame; back through the iret hypercall by
; the hypercall page's stub 23, which pushes RCX, R11 and RAX below our
; flags word (0: restore RCX and R11 too).
entry_common:
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
    call    pv_trap_dispatch
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
    add     rsp, 16                     ; vector, error code
    push    qword 0                     ; iret_context.flags
    jmp     hypercall_page + HYPERCALL_IRET * 32

; void pv_iret_to(const struct pv_iret_frame *f): leave for the context
; f describes (RIP, CS, RFLAGS, RSP, SS) through the iret hypercall by
; raw SYSCALL, as Linux 6.1 does (push 0; push rcx; push r11; push rax).
global pv_iret_to
pv_iret_to:
    push    qword [rdi + 32]            ; ss
    push    qword [rdi + 24]            ; rsp
    push    qword [rdi + 16]            ; rflags
    push    qword [rdi + 8]             ; cs
    push    qword [rdi]                 ; rip
    push    qword 0
    push    rcx
    push    r11
    push    rax
    mov     eax, HYPERCALL_IRET
    syscall
    ud2                                 ; the iret hypercall never returns

; int pv_setjmp(struct pv_jmp *j) / void pv_longjmp(struct pv_jmp *j):
; the callee-saved registers, RSP and the return address; longjmp makes
; setjmp return 1.
global pv_setjmp
pv_setjmp:
    mov     [rdi], rbx
    mov     [rdi + 8], rbp
    mov     [rdi + 16], r12
    mov     [rdi + 24], r13
    mov     [rdi + 32], r14
    mov     [rdi + 40], r15
    lea     rax, [rsp + 8]
    mov     [rdi + 48], rax
    mov     rax, [rsp]
    mov     [rdi + 56], rax
    xor     eax, eax
    ret

global pv_longjmp
pv_longjmp:
    mov     rbx, [rdi]
    mov     rbp, [rdi + 8]
    mov     r12, [rdi + 16]
    mov     r13, [rdi + 24]
    mov     r14, [rdi + 32]
    mov     r15, [rdi + 40]
    mov     rsp, [rdi + 48]
    mov     eax, 1
    jmp     [rdi + 56]

section .bss
global pv_failsafe_sels
alignb 8
pv_failsafe_sels:
    resq    4
