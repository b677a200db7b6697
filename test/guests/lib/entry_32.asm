; SPDX-License-Identifier: MIT
; Multiboot 1 header and entry of 32-bit test guests.
;
; Contract (Multiboot Specification 0.6.96, "Machine state"): entered in
; 32-bit protected mode, paging off, interrupts off, EAX = 0x2BADB002,
; EBX = physical address of the boot information; the GDTR may be invalid.
; Loads our own GDT, clears .bss, sets up the stack and calls
; guest_start(magic, info), which does not return.

%include "multiboot.inc"

extern guest_start, __bss_start, __bss_end
global _start, gdt_table

section .text.entry
bits 32
_start:
    cli
    cld
    mov   esi, eax                 ; magic: rep stosd below spares esi/ebx
    lgdt  [gdt_desc]
    jmp   GDT_CS32:.reload
.reload:
    mov   ax, GDT_DS
    mov   ds, ax
    mov   es, ax
    mov   ss, ax
    mov   fs, ax
    mov   gs, ax
    mov   edi, __bss_start         ; the loader should have, but be sure
    mov   ecx, __bss_end
    sub   ecx, edi
    shr   ecx, 2
    xor   eax, eax
    rep   stosd
    mov   esp, stack_top
    push  ebx
    push  esi
    call  guest_start
.hang:
    cli
    hlt
    jmp   .hang

GDT_TABLE

section .bss
align 16
stack:  resb STACK_SIZE
stack_top:
