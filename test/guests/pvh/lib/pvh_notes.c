// SPDX-License-Identifier: MIT
// PVH test guests: the Xen ELF notes a domain builder reads (xen-abi.md §2).
#include "xen_abi.h"
#include "xen_note.h"

/*
 * Each note: namesz 4, descsz, type, name "Xen\0", descriptor, all 4-byte
 * aligned (ELF "Note Section"). PHYS32_ENTRY is the 32-bit physical entry:
 * _start of ../../lib/entry_64.asm, which only needs EBX preserved (here the
 * hvm_start_info address, there the multiboot information) and switches to
 * long mode itself. pvh.ld puts .note.Xen in a PT_NOTE segment.
 */

asm(".pushsection .note.Xen, \"a\", @note\n"
    NOTE_BEGIN(XEN_ELFNOTE_PHYS32_ENTRY) ".long _start\n" NOTE_END
    NOTE_BEGIN(XEN_ELFNOTE_GUEST_OS) ".asciz \"Mica-test\"\n" NOTE_END
    NOTE_BEGIN(XEN_ELFNOTE_XEN_VERSION) ".asciz \"xen-3.0\"\n" NOTE_END
    ".popsection\n");
