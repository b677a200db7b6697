// SPDX-License-Identifier: MIT
// PV test guests: the Xen ELF notes of a 64-bit PV kernel (xen-abi.md §2).
#include "pv_abi.h"
#include "xen_note.h"

/*
 * XEN_VERSION "xen-3.0" and LOADER "generic" make it a PV kernel for a
 * Xen-style builder; VIRT_BASE and PADDR_OFFSET 0 say VA = p_paddr +
 * 0xffffffff80000000 (lib/pv.ld); HYPERCALL_PAGE names the page the
 * builder fills with stubs.
 */

asm(".pushsection .note.Xen, \"a\", @note\n"
    NOTE_BEGIN(XEN_ELFNOTE_GUEST_OS) ".asciz \"Mica-test\"\n" NOTE_END
    NOTE_BEGIN(XEN_ELFNOTE_XEN_VERSION) ".asciz \"xen-3.0\"\n" NOTE_END
    NOTE_BEGIN(XEN_ELFNOTE_LOADER) ".asciz \"generic\"\n" NOTE_END
    NOTE_BEGIN(XEN_ELFNOTE_VIRT_BASE) ".quad 0xffffffff80000000\n" NOTE_END
    NOTE_BEGIN(XEN_ELFNOTE_PADDR_OFFSET) ".quad 0\n" NOTE_END
    NOTE_BEGIN(XEN_ELFNOTE_ENTRY) ".quad _start\n" NOTE_END
    NOTE_BEGIN(XEN_ELFNOTE_HYPERCALL_PAGE) ".quad hypercall_page\n" NOTE_END
    NOTE_BEGIN(XEN_ELFNOTE_FEATURES) ".asciz \"!writable_page_tables\"\n" NOTE_END
    ".popsection\n");
