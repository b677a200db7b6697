; SPDX-License-Identifier: MIT
; AP start-up trampoline: copied to TRAMPOLINE_PADDR (below 1 MiB) and
; entered through INIT-SIPI-SIPI in real mode at CS:IP = (paddr >> 4):0.
;
; Contract: the boot CPU fills tramp_params (struct trampoline_params) before
; each SIPI. The AP goes 16 -> 32 -> 64-bit, loads params.cr3 (the
; hypervisor's tables, which map this page 1:1), params.efer, switches to
; params.stack and jumps to params.entry with RDI = params.percpu.
; Interrupts stay disabled throughout.

%include "asm_offsets.inc"

TRAMP_BASE equ 0x8000
%define T(x) (TRAMP_BASE + (x) - trampoline_start)

section .trampoline
bits 16
global trampoline_start, trampoline_end
trampoline_start:
    cli
    cld
    xor     ax, ax
    mov     ds, ax
    lgdt    [T(tramp_gdtr)]
    mov     eax, cr0
    or      eax, 1
    mov     cr0, eax
    jmp     dword 0x18:T(tramp_pm32)

bits 32
tramp_pm32:
    mov     ax, 0x20
    mov     ds, ax
    mov     ss, ax
    mov     es, ax
    mov     eax, cr4
    or      eax, (1 << 5) | (1 << 7) | (1 << 9) ; PAE, PGE, OSFXSR
    mov     cr4, eax
    mov     eax, [T(tramp_params) + TRAMP_CR3]
    mov     cr3, eax
    mov     ecx, 0xC0000080
    mov     eax, [T(tramp_params) + TRAMP_EFER]
    xor     edx, edx
    wrmsr
    mov     eax, cr0
    and     eax, ~((1 << 30) | (1 << 29))  ; CD, NW: INIT leaves caches disabled
    or      eax, (1 << 31) | (1 << 16) | (1 << 5) ; PG, WP, NE
    mov     cr0, eax
    jmp     0x08:T(tramp_lm64)

bits 64
tramp_lm64:
    mov     rsp, [T(tramp_params) + TRAMP_STACK]
    mov     rdi, [T(tramp_params) + TRAMP_PERCPU]
    xor     ebp, ebp
    jmp     [T(tramp_params) + TRAMP_ENTRY]

; Descriptors are marked accessed: the CPU would otherwise set the bit
; when loading them, a write that faults once this page is mapped read-only
; (the far jump to 64-bit code runs with paging on).
align 8
tramp_gdt:
    dq 0
    dq 0x00af9b000000ffff               ; 0x08: 64-bit code
    dq 0x00cf93000000ffff               ; 0x10: data
    dq 0x00cf9b000000ffff               ; 0x18: 32-bit code
    dq 0x00cf93000000ffff               ; 0x20: 32-bit data
tramp_gdt_end:
tramp_gdtr:
    dw tramp_gdt_end - tramp_gdt - 1
    dd T(tramp_gdt)

align 8
global tramp_params
tramp_params:
    times TRAMP_PARAMS_SIZE db 0
trampoline_end:
