; SPDX-License-Identifier: MIT
; Instruction forms for the mmio guest. Each case is a routine that touches
; the 4 KiB page at mmio_window (mapped to RAM or to the MMIO device under
; test) through RBX, R10 (both = mmio_window) or RIP-relative operands, and
; returns; mmio_cases lists them with a name and the RFLAGS bits to compare.

bits 64
default rel

extern mmio_window, mmio_scratch
global mmio_cases, mmio_case_count, mmio_exec

FL_ALL   equ 0xcd5                 ; CF PF AF ZF SF OF DF
FL_LOGIC equ 0xcc5                 ; AF is undefined after AND/OR/XOR/TEST

section .data
align 8
mmio_cases:                        ; struct mmio_case { fn, name, flags_mask }

; CASE "name" [, flags mask]: a table entry for the code that follows.
%macro CASE 1-2 FL_ALL
section .rodata
%%name: db %1, 0
section .data
    dq %%code, %%name, %2
section .text
%%code:
%endmacro

; --- MOV between memory and registers, all sizes and register encodings
CASE "mov m8, r8 (88)"
    mov   [rbx + 0x10], al
    ret
CASE "mov m16, r16 (66 89)"
    mov   [rbx + 0x12], ax
    ret
CASE "mov m32, r32 (89)"
    mov   [rbx + 0x14], eax
    ret
CASE "mov m64, r64 (REX.W 89)"
    mov   [rbx + 0x18], rax
    ret
CASE "mov r8, m8 (8A)"
    mov   cl, [rbx + 0x21]
    ret
CASE "mov r16, m16 (66 8B)"
    mov   cx, [rbx + 0x22]
    ret
CASE "mov r32, m32 (8B, zero-extends)"
    mov   ecx, [rbx + 0x24]
    ret
CASE "mov r64, m64 (REX.W 8B)"
    mov   rcx, [rbx + 0x28]
    ret
CASE "mov ah, m8 (high byte register)"
    mov   ah, [rbx + 0x31]
    ret
CASE "mov m8, dh (high byte register)"
    mov   [rbx + 0x33], dh
    ret
CASE "mov sil, m8 (REX: SIL, not DH)"
    mov   sil, [rbx + 0x35]
    ret
CASE "mov m8, r14b (REX.R)"
    mov   [rbx + 0x37], r14b
    ret
CASE "mov r9d, [r10 + disp8] (REX.RB)"
    mov   r9d, [r10 + 0x40]
    ret
CASE "mov [r10 + r11*8 + disp8], r12 (SIB, REX.XB)"
    mov   r11d, 5
    mov   [r10 + r11 * 8 + 0x10], r12
    ret
CASE "mov eax, [rbx + rcx*4 + disp32] (SIB)"
    mov   ecx, 2
    mov   eax, [rbx + rcx * 4 + 0x100]
    ret
CASE "mov rax, [rip + disp32]"
    mov   rax, [rel mmio_window + 0x48]
    ret
CASE "mov [rip + disp32], edx"
    mov   [rel mmio_window + 0x58], edx
    ret

; --- MOV immediate to memory (RIP-relative: the displacement is relative
; to the end of the instruction, after the immediate)
CASE "mov m8, imm8 (C6)"
    mov   byte [rbx + 0x5c], 0x5a
    ret
CASE "mov m16, imm16 (66 C7)"
    mov   word [rbx + 0x5e], 0x1234
    ret
CASE "mov m32, imm32 (C7)"
    mov   dword [rbx + 0x60], 0x89abcdef
    ret
CASE "mov m64, simm32 (REX.W C7)"
    mov   qword [rbx + 0x68], -2
    ret
CASE "mov [rip + disp32], imm32"
    mov   dword [rel mmio_window + 0x70], 0xcafef00d
    ret
CASE "mov [rip + disp32], imm8"
    mov   byte [rel mmio_window + 0x74], 0x77
    ret
CASE "mov [rip + disp32], imm16"
    mov   word [rel mmio_window + 0x76], 0xbeef
    ret

; --- zero and sign extension
CASE "movzx r32, m8"
    movzx eax, byte [rbx + 0x80]
    ret
CASE "movzx r64, m16"
    movzx rax, word [rbx + 0x82]
    ret
CASE "movzx r16, m8 (66)"
    movzx ax, byte [rbx + 0x84]
    ret
CASE "movsx r32, m8"
    movsx ecx, byte [rbx + 0x85]
    ret
CASE "movsx r64, m16"
    movsx rcx, word [rbx + 0x86]
    ret
CASE "movsx r16, m8 (66)"
    movsx dx, byte [rbx + 0x88]
    ret
CASE "movsxd r64, m32"
    movsxd rdx, dword [rbx + 0x8c]
    ret

; --- ALU with a memory destination
CASE "add m32, r32"
    add   [rbx + 0x90], eax
    ret
CASE "or m8, r8", FL_LOGIC
    or    [rbx + 0x94], cl
    ret
CASE "adc m64, r64 (CF=1)"
    stc
    adc   [rbx + 0x98], rdx
    ret
CASE "sbb m16, r16 (CF=1)"
    stc
    sbb   [rbx + 0xa0], ax
    ret
CASE "and m32, r32", FL_LOGIC
    and   [rbx + 0xa4], esi
    ret
CASE "sub m64, r64"
    sub   [rbx + 0xa8], rdi
    ret
CASE "xor m32, r8d (REX.R)", FL_LOGIC
    xor   [rbx + 0xb0], r8d
    ret
CASE "cmp m32, r32"
    cmp   [rbx + 0xb4], ecx
    ret

; --- ALU with a memory source
CASE "add r32, m32"
    add   eax, [rbx + 0xb8]
    ret
CASE "or r64, m64", FL_LOGIC
    or    rcx, [rbx + 0xc0]
    ret
CASE "adc r8, m8 (CF=1)"
    stc
    adc   dl, [rbx + 0xc8]
    ret
CASE "sbb r32, m32 (CF=1)"
    stc
    sbb   esi, [rbx + 0xcc]
    ret
CASE "and r9, m64 (REX.WR)", FL_LOGIC
    and   r9, [rbx + 0xd0]
    ret
CASE "sub r16, m16 (66)"
    sub   ax, [rbx + 0xd8]
    ret
CASE "xor r32, m32", FL_LOGIC
    xor   edi, [rbx + 0xdc]
    ret
CASE "cmp r64, m64"
    cmp   rax, [rbx + 0xe0]
    ret
CASE "cmp ah, m8"
    cmp   ah, [rbx + 0xe8]
    ret

; --- ALU with an immediate (80, 81, 83 groups)
CASE "add m32, imm32 (81 /0)"
    add   dword [rbx + 0xf0], 0x12345678
    ret
CASE "sub m64, simm8 (REX.W 83 /5)"
    sub   qword [rbx + 0xf8], 5
    ret
CASE "and m8, imm8 (80 /4)", FL_LOGIC
    and   byte [rbx + 0x100], 0x0f
    ret
CASE "cmp m16, imm16 (66 81 /7)"
    cmp   word [rbx + 0x102], 0x7fff
    ret
CASE "or [rip + disp32], simm8 (83 /1)", FL_LOGIC
    or    dword [rel mmio_window + 0x104], 0x40
    ret
CASE "adc [rip + disp32], imm32 (81 /2, CF=1)"
    stc
    adc   dword [rel mmio_window + 0x10c], 0x7fff0001
    ret
CASE "xor m16, simm8 (66 83 /6)", FL_LOGIC
    xor   word [rbx + 0x110], -1
    ret
CASE "sbb m8, imm8 (80 /3, CF=1)"
    stc
    sbb   byte [rbx + 0x114], 0x33
    ret

; --- TEST
CASE "test m32, r32 (85)", FL_LOGIC
    test  [rbx + 0x118], eax
    ret
CASE "test m8, imm8 (F6 /0)", FL_LOGIC
    test  byte [rbx + 0x11c], 0x81
    ret
CASE "test m32, imm32 (F7 /0)", FL_LOGIC
    test  dword [rbx + 0x120], 0x80000001
    ret
CASE "test m64, r64 (REX.W 85)", FL_LOGIC
    test  [rbx + 0x128], rdx
    ret
CASE "test m16, imm16 (66 F7 /0)", FL_LOGIC
    test  word [rbx + 0x12e], 0x8001
    ret

; --- XCHG (implicitly locked)
CASE "xchg m32, r32 (87)"
    xchg  [rbx + 0x130], eax
    ret
CASE "xchg m8, r8 (86)"
    xchg  [rbx + 0x134], cl
    ret
CASE "xchg r64, m64 (REX.W 87)"
    xchg  rdx, [rbx + 0x138]
    ret
CASE "xchg m16, r16 (66 87)"
    xchg  [rbx + 0x140], si
    ret

; --- STOS and MOVS, with and without REP, DF=0 and DF=1
CASE "stosb"
    lea   rdi, [rbx + 0x150]
    stosb
    ret
CASE "stosd (DF=1)"
    lea   rdi, [rbx + 0x158]
    std
    stosd
    ret
CASE "rep stosq"
    lea   rdi, [rbx + 0x160]
    mov   ecx, 4
    rep   stosq
    ret
CASE "rep stosw (DF=1)"
    lea   rdi, [rbx + 0x188]
    mov   ecx, 5
    std
    rep   stosw
    ret
CASE "rep stosb (RCX=0)"
    lea   rdi, [rbx + 0x190]
    xor   ecx, ecx
    rep   stosb
    ret
CASE "movsb (device to RAM)"
    lea   rsi, [rbx + 0x10]
    lea   rdi, [rel mmio_scratch]
    movsb
    ret
CASE "movsw (RAM to device)"
    lea   rsi, [rel mmio_scratch + 0x20]
    lea   rdi, [rbx + 0x198]
    movsw
    ret
CASE "rep movsd (device to RAM)"
    lea   rsi, [rbx]
    lea   rdi, [rel mmio_scratch + 0x40]
    mov   ecx, 8
    rep   movsd
    ret
CASE "rep movsq (RAM to device)"
    lea   rsi, [rel mmio_scratch]
    lea   rdi, [rbx + 0x1a0]
    mov   ecx, 6
    rep   movsq
    ret
CASE "rep movsb (DF=1, device to RAM)"
    lea   rsi, [rbx + 0x46]
    lea   rdi, [rel mmio_scratch + 0x86]
    mov   ecx, 7
    std
    rep   movsb
    ret
CASE "rep movsq (DF=1, RAM to device)"
    lea   rsi, [rel mmio_scratch + 0x38]
    lea   rdi, [rbx + 0x1f8]
    mov   ecx, 3
    std
    rep   movsq
    ret
CASE "rep movsd (device to device)"
    lea   rsi, [rbx]
    lea   rdi, [rbx + 0x1d0]
    mov   ecx, 4
    rep   movsd
    ret

section .data
mmio_cases_end:
section .rodata
align 4
mmio_case_count: dd (mmio_cases_end - mmio_cases) / 24  ; 3 quadwords per case

section .text
; void mmio_exec(uint64_t state[17], void (*fn)(void))
; Contract: SysV ABI. Loads every general register but RSP from state[0-15]
; (in encoding order: RAX RCX RDX RBX RSP RBP RSI RDI R8-R15) and RFLAGS
; from state[16], calls fn, and stores all of them back. Returns with DF
; clear; IF as in state[16] while fn runs.
mmio_exec:
    push  rbx
    push  rbp
    push  r12
    push  r13
    push  r14
    push  r15
    push  rdi                      ; [rsp + 8] after the next push: state
    push  rsi                      ; [rsp]: fn
    push  qword [rdi + 16 * 8]
    popfq
    mov   rax, [rdi + 0 * 8]
    mov   rcx, [rdi + 1 * 8]
    mov   rdx, [rdi + 2 * 8]
    mov   rbx, [rdi + 3 * 8]
    mov   rbp, [rdi + 5 * 8]
    mov   rsi, [rdi + 6 * 8]
    mov   r8,  [rdi + 8 * 8]
    mov   r9,  [rdi + 9 * 8]
    mov   r10, [rdi + 10 * 8]
    mov   r11, [rdi + 11 * 8]
    mov   r12, [rdi + 12 * 8]
    mov   r13, [rdi + 13 * 8]
    mov   r14, [rdi + 14 * 8]
    mov   r15, [rdi + 15 * 8]
    mov   rdi, [rdi + 7 * 8]
    call  [rsp]
    push  rdi
    mov   rdi, [rsp + 16]          ; state
    mov   [rdi + 0 * 8], rax
    mov   [rdi + 1 * 8], rcx
    mov   [rdi + 2 * 8], rdx
    mov   [rdi + 3 * 8], rbx
    mov   [rdi + 5 * 8], rbp
    mov   [rdi + 6 * 8], rsi
    mov   [rdi + 8 * 8], r8
    mov   [rdi + 9 * 8], r9
    mov   [rdi + 10 * 8], r10
    mov   [rdi + 11 * 8], r11
    mov   [rdi + 12 * 8], r12
    mov   [rdi + 13 * 8], r13
    mov   [rdi + 14 * 8], r14
    mov   [rdi + 15 * 8], r15
    pop   rax
    mov   [rdi + 7 * 8], rax
    pushfq
    pop   rax
    mov   [rdi + 16 * 8], rax
    cld
    add   rsp, 16
    pop   r15
    pop   r14
    pop   r13
    pop   r12
    pop   rbp
    pop   rbx
    ret
