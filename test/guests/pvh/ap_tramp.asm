; SPDX-License-Identifier: MIT
; Application-processor start for PVH test guests: a blob the BSP copies
; to AP_BASE and names in a Startup IPI (vector AP_BASE >> 12). It goes
; from real mode to long mode on the BSP's page tables and calls the entry.
;
; Inputs (filled in the copy by the BSP): ap_tramp_cr3, ap_tramp_stack,
; ap_tramp_entry (a void (*)(void) that must not return). Runs with
; interrupts off throughout; it has its own GDT (same selectors as the
; runtime's) and no IDT, so the entry must not fault or enable interrupts.

AP_BASE equ 0x8000
%define REL(x) ((x) - ap_tramp + AP_BASE)

global ap_tramp, ap_tramp_end, ap_tramp_cr3, ap_tramp_stack, ap_tramp_entry

section .rodata
align 16
bits 16
ap_tramp:
    cli
    cld
    xor   ax, ax
    mov   ds, ax
    lgdt  [REL(ap_gdt_desc)]
    mov   eax, cr0
    or    eax, 1                   ; PE
    mov   cr0, eax
    jmp   dword 0x08:REL(ap_pm32)

bits 32
ap_pm32:
    mov   ax, 0x10
    mov   ds, ax
    mov   es, ax
    mov   ss, ax
    mov   eax, cr4
    or    eax, 1 << 5              ; PAE
    mov   cr4, eax
    mov   eax, [REL(ap_tramp_cr3)]
    mov   cr3, eax
    mov   ecx, 0xc0000080          ; EFER
    rdmsr
    or    eax, 1 << 8              ; LME
    wrmsr
    mov   eax, cr0
    or    eax, (1 << 31) | (1 << 16) ; PG, WP
    mov   cr0, eax
    jmp   0x18:REL(ap_lm64)

bits 64
ap_lm64:
    mov   ax, 0x10
    mov   ds, ax
    mov   es, ax
    mov   ss, ax
    mov   fs, ax
    mov   gs, ax
    mov   rsp, [REL(ap_tramp_stack)]
    mov   rax, [REL(ap_tramp_entry)]
    call  rax
.hang:
    cli
    hlt
    jmp   .hang

align 8
ap_gdt:
    dq 0
    dq 0x00cf9a000000ffff          ; 0x08: 32-bit code
    dq 0x00cf92000000ffff          ; 0x10: data
    dq 0x00af9a000000ffff          ; 0x18: 64-bit code
ap_gdt_desc:
    dw ap_gdt_desc - ap_gdt - 1
    dd REL(ap_gdt)
align 8
ap_tramp_cr3:   dq 0
ap_tramp_stack: dq 0
ap_tramp_entry: dq 0
ap_tramp_end:
