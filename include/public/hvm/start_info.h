/* SPDX-License-Identifier: MIT */
/* Alias: struct hvm_start_info lives in public/arch-x86/hvm/start_info.h, as in Xen. */
#ifndef PUBLIC_HVM_START_INFO_H
#define PUBLIC_HVM_START_INFO_H

#include <public/arch-x86/hvm/start_info.h>

#endif /* PUBLIC_HVM_START_INFO_H */
