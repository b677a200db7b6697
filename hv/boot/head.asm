; SPDX-License-Identifier: MIT
; Boot entry: multiboot1/2 headers, 32-bit protected mode to long mode,
; then a jump to the high virtual image and start_mica().
;
; Contract: entered in 32-bit protected mode, paging off, interrupts off,
; EAX = multiboot magic, EBX = physical address of the boot information.
; Identity-maps 0-4 GiB and maps the image at HV_VIRT_OFFSET with 2 MiB
; pages; real page tables are built later in C (mm/paging.c).

%include "asm_offsets.inc"

%define PA(x) ((x) - HV_VIRT_OFFSET)

MB1_MAGIC       equ 0x1BADB002
MB1_FLAGS       equ (1 << 0) | (1 << 1) | (1 << 16) ; align, mem info, addresses
MB2_MAGIC       equ 0xE85250D6
BOOT_STACK_SIZE equ 0x4000

extern __image_start, __data_start, __bss_start, __bss_end
extern start_mica

section .multiboot
align 4
mb1_header:
    dd MB1_MAGIC
    dd MB1_FLAGS
    dd -(MB1_MAGIC + MB1_FLAGS)
    dd PA(mb1_header)          ; header_addr
    dd PA(__image_start)       ; load_addr
    dd PA(__bss_start)         ; load_end_addr
    dd PA(__bss_end)           ; bss_end_addr
    dd PA(start32)             ; entry_addr

align 8
mb2_header:
    dd MB2_MAGIC
    dd 0                       ; architecture: i386 protected mode
    dd mb2_end - mb2_header
    dd -(MB2_MAGIC + (mb2_end - mb2_header))
    align 8
    dw 2, 0                    ; address tag
    dd 24
    dd PA(mb2_header)
    dd PA(__image_start)
    dd PA(__bss_start)
    dd PA(__bss_end)
    align 8
    dw 3, 0                    ; entry address tag
    dd 12
    dd PA(start32)
    align 8
    dw 0, 0                    ; end tag
    dd 8
mb2_end:

section .text.boot
bits 32
global start32
start32:
    cli
    cld
    mov     esi, eax                    ; keep magic and info pointer
    mov     edi, ebx

    ; Zero .bss: loaders differ in whether they do it.
    mov     ebp, edi
    mov     edi, PA(__bss_start)
    mov     ecx, PA(__bss_end)
    sub     ecx, edi
    shr     ecx, 2
    xor     eax, eax
    rep stosd
    mov     edi, ebp
    mov     esp, PA(boot_stack) + BOOT_STACK_SIZE

    ; Long mode is required; say so on COM1 rather than triple-fault.
    mov     eax, 0x80000000
    cpuid
    cmp     eax, 0x80000001
    jb      .no_long_mode
    mov     eax, 0x80000001
    cpuid
    test    edx, 1 << 29
    jz      .no_long_mode
    mov     ebp, edx                    ; bit 20: NX available

    mov     eax, cr4
    or      eax, (1 << 5) | (1 << 9)    ; PAE, OSFXSR (FXSAVE keeps XMM state)
    mov     cr4, eax
    mov     eax, PA(boot_l4)
    mov     cr3, eax
    mov     ecx, 0xC0000080             ; EFER
    rdmsr
    or      eax, (1 << 8)               ; LME
    test    ebp, 1 << 20
    jz      .no_nx
    or      eax, (1 << 11)              ; NXE
.no_nx:
    wrmsr
    mov     eax, cr0
    and     eax, ~((1 << 30) | (1 << 29))  ; CD, NW: caches on, whatever firmware left
    or      eax, (1 << 31) | (1 << 16) | (1 << 5) | 1 ; PG, WP, NE, PE
    mov     cr0, eax
    lgdt    [PA(boot_gdtr)]
    jmp     0x08:PA(start64_low)

.no_long_mode:
    mov     ebx, PA(msg_no_lm)
.putc:
    mov     al, [ebx]
    test    al, al
    jz      .halt
    mov     dx, 0x3fd
.wait:
    in      al, dx
    test    al, 0x20
    jz      .wait
    mov     al, [ebx]
    mov     dx, 0x3f8
    out     dx, al
    inc     ebx
    jmp     .putc
.halt:
    hlt
    jmp     .halt

bits 64
start64_low:
    mov     rax, start64_high           ; leave the identity map
    jmp     rax

section .text
start64_high:
    mov     ax, 0x10
    mov     ds, ax
    mov     es, ax
    mov     ss, ax
    xor     eax, eax
    mov     fs, ax
    mov     gs, ax
    mov     rax, boot_gdtr_high
    lgdt    [rax]
    mov     rsp, boot_stack + BOOT_STACK_SIZE
    xor     ebp, ebp
    mov     eax, esi                    ; 32-bit moves clear the upper halves
    mov     esi, edi                    ; arg1: boot information (physical)
    mov     edi, eax                    ; arg0: multiboot magic
    call    start_mica
    ud2

section .rodata
msg_no_lm: db "Mica: this CPU has no long mode (x86-64); cannot boot.", 13, 10, 0

section .data
align 16
boot_gdt:
    dq 0
    dq 0x00af9a000000ffff               ; 0x08: 64-bit code
    dq 0x00cf92000000ffff               ; 0x10: data
boot_gdt_end:
boot_gdtr:
    dw boot_gdt_end - boot_gdt - 1
    dd PA(boot_gdt)
align 16
boot_gdtr_high:
    dw boot_gdt_end - boot_gdt - 1
    dq boot_gdt

; Boot page tables: identity 0-4 GiB and the image slot, 2 MiB pages.
section .data.page_aligned progbits alloc write align=4096
align 4096
global boot_l4
boot_l4:
    dq PA(boot_l3_ident) + 3
    times 260 dq 0
    dq PA(boot_l3_high) + 3             ; slot 261
    times 250 dq 0
boot_l3_ident:
    dq PA(boot_l2) + 3
    dq PA(boot_l2) + 0x1000 + 3
    dq PA(boot_l2) + 0x2000 + 3
    dq PA(boot_l2) + 0x3000 + 3
    times 508 dq 0
boot_l3_high:
    times 322 dq 0
    dq PA(boot_l2) + 3                  ; HV_VIRT_OFFSET -> physical 0
    times 189 dq 0
boot_l2:
%assign i 0
%rep 2048
    dq (i << 21) | 0x83                 ; present, writable, 2 MiB
%assign i i + 1
%endrep

section .bss.page_aligned nobits alloc write align=4096
align 4096
global boot_stack
boot_stack: resb BOOT_STACK_SIZE
