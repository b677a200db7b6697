#!/bin/sh
# SPDX-License-Identifier: MIT
# Turn the "->NAME value" markers of asm_offsets.s into NASM equates.
set -e
in=$1
out=$2
{
    echo "; generated from hv/x86/asm_offsets.c by scripts/gen_offsets.sh"
    sed -n 's/.*"->\([A-Za-z0-9_]*\) \$\{0,1\}\(-\{0,1\}[0-9][0-9]*\)".*/\1 equ \2/p' "$in"
} > "$out.tmp"
mv "$out.tmp" "$out"
