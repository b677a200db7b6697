/* SPDX-License-Identifier: MIT */
/* ELF identification fields shared by the ELF32 and ELF64 loaders (System V
 * ABI, "ELF Header"); class-specific offsets stay with each loader. */
#ifndef HV_ELF_H
#define HV_ELF_H

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define E_TYPE 16
#define E_MACHINE 18
#define E_ENTRY 24

#endif /* HV_ELF_H */
