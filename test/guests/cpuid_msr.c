// SPDX-License-Identifier: MIT
// Guest (long mode): CPUID leaves and feature hiding, MSR round trips, and
// #GP on unassigned MSRs.
#include "guest.h"
#include "traps.h"

const char test_name[] = "cpuid_msr";

#define CPUID1_ECX_MONITOR (1U << 3)
#define CPUID1_ECX_VMX (1U << 5)
#define CPUID1_ECX_X2APIC (1U << 21)
#define CPUID1_EDX_REQUIRED 0x271 /* FPU, TSC, MSR, PAE, APIC */
#define CPUID81_ECX_SVM (1U << 2)
#define CPUID81_EDX_LM (1U << 29)
#define CPUID81_EDX_RDTSCP (1U << 27)
#define CPUID7_EBX_INVPCID (1U << 10)
#define MSR_FEATURE_CONTROL 0x3a
#define MSR_MISC_ENABLE 0x1a0
#define APIC_BASE_BSP_ENABLED 0xfee00900ULL /* base, BSP (bit 8), EN (bit 11) */

static void test_cpuid(void)
{
    struct cpuid_regs l0 = cpuid(0, 0), l1 = cpuid(1, 0), e0 = cpuid(0x80000000, 0), e1;
    char vendor[13];

    memcpy(vendor + 0, &l0.ebx, 4);
    memcpy(vendor + 4, &l0.edx, 4);
    memcpy(vendor + 8, &l0.ecx, 4);
    vendor[12] = '\0';
    for (int i = 0; i < 12; i++)
        CHECK(vendor[i] >= 0x20 && vendor[i] < 0x7f,
              "CPUID 0: vendor %#x byte %d "
              "not printable",
              (unsigned char)vendor[i], i);
    CHECK(l0.eax >= 1 && l0.eax < 0x100, "CPUID 0: max basic leaf %#x", l0.eax);
    CHECK((l1.edx & CPUID1_EDX_REQUIRED) == CPUID1_EDX_REQUIRED,
          "CPUID 1: EDX %#x lacks FPU/TSC/MSR/PAE/APIC", l1.edx);
    CHECK(e0.eax >= 0x80000001 && e0.eax < 0x80000100,
          "CPUID 0x80000000: max extended leaf %#x", e0.eax);
    e1 = cpuid(0x80000001, 0);
    CHECK(e1.edx & CPUID81_EDX_LM, "CPUID 0x80000001: EDX %#x lacks LM in long mode",
          e1.edx);
    info("vendor \"%s\", family/model/stepping signature %#x", vendor, l1.eax);
    if (!on_mica()) {
        info("not on Mica: SVM %s, VMX %s, x2APIC %s, MONITOR %s (not checked)",
             e1.ecx & CPUID81_ECX_SVM ? "on" : "off",
             l1.ecx & CPUID1_ECX_VMX ? "on" : "off",
             l1.ecx & CPUID1_ECX_X2APIC ? "on" : "off",
             l1.ecx & CPUID1_ECX_MONITOR ? "on" : "off");
        return;
    }
    CHECK(!(e1.ecx & CPUID81_ECX_SVM), "CPUID 0x80000001: SVM visible (ECX %#x)", e1.ecx);
    CHECK(!(l1.ecx & CPUID1_ECX_VMX), "CPUID 1: VMX visible (ECX %#x)", l1.ecx);
    CHECK(!(l1.ecx & CPUID1_ECX_X2APIC), "CPUID 1: x2APIC visible (ECX %#x)", l1.ecx);
    CHECK(!(l1.ecx & CPUID1_ECX_MONITOR), "CPUID 1: MONITOR visible (ECX %#x)", l1.ecx);
    /* Intercepted as #UD on VT-x (the secondary controls stay off). */
    CHECK(!(e1.edx & CPUID81_EDX_RDTSCP), "CPUID 0x80000001: RDTSCP visible (EDX %#x)",
          e1.edx);
    if (l0.eax >= 7)
        CHECK(!(cpuid(7, 0).ebx & CPUID7_EBX_INVPCID), "CPUID 7: INVPCID visible");
    /* The host's TSC/crystal clock leaves: not the guest's timer rates. */
    for (uint32_t leaf = 0x15; leaf <= 0x16 && leaf <= l0.eax; leaf++) {
        struct cpuid_regs r = cpuid(leaf, 0);

        CHECK(!(r.eax | r.ebx | r.ecx), "CPUID %#x: %#x %#x %#x, expected zeros", leaf,
              r.eax, r.ebx, r.ecx);
    }
}


static uint64_t must_rdmsr(uint32_t msr)
{
    uint64_t v;
    int vec = rdmsr_safe(msr, &v);

    CHECK(vec < 0, "rdmsr %#x raised %s", msr, exception_name((unsigned int)vec));
    return v;
}

/* Write v, read it back, restore the old value. */
static void round_trip(const char *name, uint32_t msr, uint64_t v)
{
    uint64_t old = must_rdmsr(msr), got;
    int vec = wrmsr_safe(msr, v);

    CHECK(vec < 0, "wrmsr %s (%#x) <- %#llx raised %s", name, msr, (unsigned long long)v,
          exception_name((unsigned int)vec));
    got = must_rdmsr(msr);
    wrmsr(msr, old);
    CHECK(got == v, "%s (%#x): wrote %#llx, read back %#llx", name, msr,
          (unsigned long long)v, (unsigned long long)got);
    CHECK_EQ("MSR restored", must_rdmsr(msr), old);
}

static void test_msrs(void)
{
    uint64_t efer = must_rdmsr(MSR_EFER), t0, t1;

    CHECK((efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA),
          "EFER %#llx: LME/LMA clear in long mode", (unsigned long long)efer);
    round_trip("EFER.SCE", MSR_EFER, efer ^ EFER_SCE);
    /* PAT entries 0-7: WB WT UC- UC WB WT UC- UC (power-on), then WC/WP. */
    round_trip("PAT", MSR_PAT, 0x0007010500070406ULL);
    t0 = must_rdmsr(MSR_TSC);
    t1 = rdtsc();
    CHECK(t1 > t0, "TSC not increasing: MSR %#llx then RDTSC %#llx",
          (unsigned long long)t0, (unsigned long long)t1);
    CHECK(rdtsc() > t1, "RDTSC did not increase");
    CHECK_EQ("IA32_APIC_BASE", must_rdmsr(MSR_APIC_BASE), APIC_BASE_BSP_ENABLED);
    info("MTRRcap %#llx", (unsigned long long)must_rdmsr(MSR_MTRRCAP));
    round_trip("STAR", MSR_STAR, 0x0023001000000000ULL);
    round_trip("LSTAR", MSR_LSTAR, 0xffff800012345678ULL);
    round_trip("CSTAR", MSR_CSTAR, 0x00007fff87654320ULL);
    round_trip("SFMASK", MSR_SFMASK, 0x47700);
    round_trip("FS_BASE", MSR_FS_BASE, 0x00001234abcd0000ULL);
    round_trip("GS_BASE", MSR_GS_BASE, 0xffff8000000f0000ULL);
    round_trip("KERNEL_GS_BASE", MSR_KERNEL_GS_BASE, 0x0000000076540000ULL);
}

static bool cpu_is_intel(void)
{
    struct cpuid_regs r = cpuid(0, 0);

    return r.ebx == 0x756e6547 && r.edx == 0x49656e69 && r.ecx == 0x6c65746e; /* GenuineIntel */
}

/* Intel MSRs Linux reads without a fault handler: IA32_MISC_ENABLE, and
 * IA32_FEATURE_CONTROL, which must say VMX is locked off. */
static void test_intel_msrs(void)
{
    if (!cpu_is_intel() || !on_mica())
        return;
    CHECK_EQ("IA32_FEATURE_CONTROL (locked, no VMX)", must_rdmsr(MSR_FEATURE_CONTROL), 1);
    info("IA32_MISC_ENABLE %#llx", (unsigned long long)must_rdmsr(MSR_MISC_ENABLE));
}

/* Unassigned MSRs must #GP (Intel SDM vol. 2, RDMSR/WRMSR: "#GP(0) if ECX
 * specifies a reserved or unimplemented MSR address"). QEMU's TCG reads
 * them as 0 and ignores writes, so natively this is only reported. */
static void test_unassigned_msr(void)
{
    uint64_t v = 0;
    int rd = rdmsr_safe(MSR_UNASSIGNED, &v);
    uint64_t rd_error = last_fault.error;
    int wr = wrmsr_safe(MSR_UNASSIGNED, 0);

    if (!on_mica()) {
        info("unassigned MSR %#x: rdmsr %s, wrmsr %s (not checked natively)",
             MSR_UNASSIGNED, rd < 0 ? "no fault" : exception_name((unsigned int)rd),
             wr < 0 ? "no fault" : exception_name((unsigned int)wr));
        return;
    }
    CHECK(rd == X86_EXC_GP, "rdmsr %#x: %s, expected #GP", MSR_UNASSIGNED,
          rd < 0 ? "no exception" : exception_name((unsigned int)rd));
    CHECK_EQ("rdmsr #GP error code", rd_error, 0);
    CHECK(wr == X86_EXC_GP, "wrmsr %#x: %s, expected #GP", MSR_UNASSIGNED,
          wr < 0 ? "no exception" : exception_name((unsigned int)wr));
    CHECK_EQ("wrmsr #GP error code", last_fault.error, 0);
}

void test_main(void)
{
    test_cpuid();
    test_msrs();
    test_intel_msrs();
    test_unassigned_msr();
}
