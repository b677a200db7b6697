/* SPDX-License-Identifier: MIT */
/*
 * VMX capability MSRs of real CPUs, for the host tests. Values from
 * VirtualBox's CPU database (src/VBox/VMM/VMMR3/cpus/), which records
 * the MSRs read on the named processors:
 *   Intel_Core_i7_3960X.h        Sandy Bridge-E, TRUE controls, EPT, VPID, UG
 *   Intel_Core_i7_5600U.h        Broadwell, also VMFUNC, INS/OUTS info
 *   Intel_Xeon_X5482_3_20GHz.h   Penryn: no TRUE controls, no EPT
 */
#ifndef TEST_VMX_CPU_CAPS_H
#define TEST_VMX_CPU_CAPS_H

#include "../../../vmx/vmx.h"

static const struct vmx_caps caps_i7_3960x = {
    .basic = 0xda040000000010ULL,
    .pin = 0x7f00000016ULL, .proc = 0xfff9fffe0401e172ULL,
    .exit = 0x7fffff00036dffULL, .entry = 0xffff000011ffULL, .misc = 0x100401e5,
    .proc2 = 0x4ff00000000ULL, .ept_vpid = 0xf0106134141ULL,
    .true_pin = 0x7f00000016ULL, .true_proc = 0xfff9fffe04006172ULL,
    .true_exit = 0x7fffff00036dfbULL, .true_entry = 0xffff000011fbULL,
    .cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff,
    .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x627ff,
    .phys_bits = 46,
};

static const struct vmx_caps caps_i7_5600u = {
    .basic = 0xda040000000012ULL,
    .pin = 0x7f00000016ULL, .proc = 0xfff9fffe0401e172ULL,
    .exit = 0x7fffff00036dffULL, .entry = 0xffff000011ffULL, .misc = 0x300481e5,
    .proc2 = 0x57cff00000000ULL, .ept_vpid = 0xf0106334141ULL,
    .true_pin = 0x7f00000016ULL, .true_proc = 0xfff9fffe04006172ULL,
    .true_exit = 0x7fffff00036dfbULL, .true_entry = 0xffff000011fbULL,
    .cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff,
    .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x3767ff,
    .phys_bits = 39,
};

static const struct vmx_caps caps_xeon_x5482 = {
    .basic = 0x5a08000000000dULL,
    .pin = 0x3f00000016ULL, .proc = 0xf7f9fffe0401e172ULL,
    .exit = 0x3ffff00036dffULL, .entry = 0x3fff000011ffULL, .misc = 0x403c0,
    .proc2 = 0x4100000000ULL,
    .cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff,
    .cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x27ff,
    .phys_bits = 38,
};

#endif /* TEST_VMX_CPU_CAPS_H */
