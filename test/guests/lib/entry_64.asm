; SPDX-License-Identifier: MIT
; Multiboot 1 header and entry of 64-bit (long mode) test guests.
;
; Contract: as entry_32.asm on entry. Builds page tables identity-mapping
; 0-4 GiB with 2 MiB pages (3-4 GiB uncached: the device area), enables
; long mode (AMD APM vol. 2, "Enabling and Activating Long Mode": PAE,
; CR3, EFER.LME, then CR0.PG), and calls guest_start(magic, info) with
; interrupts off; it does not return.

%include "multiboot.inc"

extern guest_start, __bss_start, __bss_end
global _start, gdt_table, pt_pml4, pt_pdpt, pt_pd

PDE_LARGE  equ 0x83                ; present, writable, 2 MiB page
PDE_UC     equ 0x18                ; PCD | PWT

section .text.entry
bits 32
_start:
    cli
    cld
    mov   esi, eax
    lgdt  [gdt_desc]
    jmp   GDT_CS32:.reload
.reload:
    mov   ax, GDT_DS
    mov   ds, ax
    mov   es, ax
    mov   ss, ax
    mov   edi, __bss_start
    mov   ecx, __bss_end
    sub   ecx, edi
    shr   ecx, 2
    xor   eax, eax
    rep   stosd
    mov   esp, stack_top

    mov   dword [pt_pml4], pt_pdpt + 3
    mov   edi, pt_pdpt             ; four PDPT entries, one per GiB
    mov   eax, pt_pd + 3
    mov   ecx, 4
.pdpt:
    mov   [edi], eax
    add   eax, 4096
    add   edi, 8
    loop  .pdpt
    xor   ecx, ecx                 ; 2048 PDEs: entry n maps n * 2 MiB
.pd:
    mov   eax, ecx
    shl   eax, 21
    or    eax, PDE_LARGE
    cmp   ecx, 1536                ; 3 GiB and up: MMIO, uncached
    jb    .wb
    or    eax, PDE_UC
.wb:
    mov   [pt_pd + ecx * 8], eax
    inc   ecx
    cmp   ecx, 2048
    jb    .pd

    mov   eax, cr4
    or    eax, 1 << 5              ; PAE
    mov   cr4, eax
    mov   eax, pt_pml4
    mov   cr3, eax
    mov   ecx, 0xc0000080          ; EFER
    rdmsr
    or    eax, 1 << 8              ; LME
    wrmsr
    mov   eax, cr0
    or    eax, (1 << 31) | (1 << 16) ; PG, WP
    mov   cr0, eax
    jmp   GDT_CS64:long_mode

bits 64
long_mode:
    mov   ax, GDT_DS
    mov   ds, ax
    mov   es, ax
    mov   ss, ax
    mov   fs, ax
    mov   gs, ax
    mov   rsp, stack_top
    mov   edi, esi                 ; magic
    mov   esi, ebx                 ; boot information
    call  guest_start
.hang:
    cli
    hlt
    jmp   .hang

GDT_TABLE

section .bss
align 4096
pt_pml4: resb 4096
pt_pdpt: resb 4096
pt_pd:   resb 4 * 4096
align 16
stack:   resb STACK_SIZE
stack_top:
