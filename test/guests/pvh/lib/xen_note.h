/* SPDX-License-Identifier: MIT */
/* Xen ELF notes written from C (asm directives), for the test guests'
 * notes files: NOTE_BEGIN(type) <descriptor directives> NOTE_END. */
#ifndef XEN_NOTE_H
#define XEN_NOTE_H

/*
 * Each note: namesz 4, descsz, type, name "Xen\0", descriptor, all 4-byte
 * aligned (ELF "Note Section"). Types are plain numbers, stringified here.
 */
#define XEN_NOTE_STR_(x) #x
#define XEN_NOTE_STR(x) XEN_NOTE_STR_(x)
#define NOTE_BEGIN(type)                                                                 \
    ".balign 4\n"                                                                        \
    ".long 4, 2f - 1f, " XEN_NOTE_STR(type) "\n"                                         \
    ".asciz \"Xen\"\n"                                                                   \
    "1:\n"
#define NOTE_END "2:\n.balign 4\n"

#endif /* XEN_NOTE_H */
