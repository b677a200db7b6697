// SPDX-License-Identifier: MIT
// PVH guest: Xen CPUID leaves, the hypercall page MSR and xen_version, with hostile input.
#include "pvh.h"

const char test_name[] = "pvh_version";

/* What a PVH Linux needs from XENVER_get_features (xen-abi.md §3.4). */
#define FEATURES_NEEDED                                                                  \
    ((1U << XENFEAT_auto_translated_physmap) | (1U << XENFEAT_hvm_callback_vector) |    \
     (1U << XENFEAT_hvm_safe_pvclock))
#define HYPERCALL_STUB_SIZE 32

static uint8_t hypercall_page[PAGE_SIZE] __aligned(PAGE_SIZE);

static void check_leaves(uint32_t base)
{
    uint32_t max = cpuid(base, 0).eax, mica = mica_cpuid_base();
    uint32_t version = cpuid(base + 1, 0).eax;
    struct cpuid_regs r4;

    CHECK(max >= base + 4 && max <= base + 0xff,
          "CPUID %#x: highest leaf %#x, expected base+4 .. base+0xff", base, max);
    if (mica)
        CHECK(mica != base, "Mica and Xen signatures at the same base %#x", base);
    info("Xen leaves at %#x (highest %#x), Mica leaves at %#x", base, max, mica);
    CHECK(version >> 16 >= 4, "CPUID base+1: Xen %u.%u, Linux needs 4.0 or later",
          version >> 16, version & 0xffff);
    r4 = cpuid(base + 4, 0);
    info("CPUID base+4: flags %#x, vcpu id %u, domid %u", r4.eax, r4.ebx, r4.ecx);
    if (r4.eax & XEN_HVM_CPUID_VCPU_ID_PRESENT)
        CHECK_EQ("CPUID base+4 vcpu id of the boot vCPU", r4.ebx, 0);
    if (r4.eax & XEN_HVM_CPUID_DOMID_PRESENT)
        CHECK(r4.ecx != 0 && r4.ecx < DOMID_SELF, "CPUID base+4: domid %u of a domU",
              r4.ecx);
}

/* A stub is "mov $nr, %eax; vmmcall; ret" (AMD) or with vmcall (Intel)
 * (xen-abi.md §1.3). */
static void check_stub(const uint8_t *stub, uint32_t nr)
{
    uint8_t insn2 = cpu_is_amd() ? 0xd9 : 0xc1;
    uint32_t imm;

    memcpy(&imm, stub + 1, 4);
    CHECK(stub[0] == 0xb8 && imm == nr, "hypercall page stub %u: starts %02x %08x", nr,
          stub[0], imm);
    CHECK(stub[5] == 0x0f && stub[6] == 0x01 && stub[7] == insn2 && stub[8] == 0xc3,
          "hypercall page stub %u: %02x %02x %02x %02x, expected 0f 01 %02x c3", nr,
          stub[5], stub[6], stub[7], stub[8], insn2);
}

static long call_stub(const uint8_t *stub, unsigned long a1, unsigned long a2)
{
    register unsigned long rdi asm("rdi") = a1;
    register unsigned long rsi asm("rsi") = a2;
    long ret;

    asm volatile("call *%[fn]"
                 : "=a"(ret), "+r"(rdi), "+r"(rsi)
                 : [fn] "r"(stub)
                 : "rdx", "r10", "r8", "memory");
    return ret;
}

static void check_hypercall_page(uint32_t base)
{
    struct cpuid_regs r = cpuid(base + 2, 0);
    const uint8_t *stub = hypercall_page + HYPERCALL_STUB_SIZE * __HYPERVISOR_xen_version;
    uint64_t gpa = (uintptr_t)hypercall_page, unbacked = pvh_unbacked_gpa(), v = 1;
    int vec;

    info("CPUID base+2: %u hypercall page(s), MSR %#x", r.eax, r.ebx);
    CHECK(r.eax >= 1, "CPUID base+2: %u hypercall pages", r.eax);
    vec = wrmsr_safe(r.ebx, gpa);
    CHECK(vec < 0, "wrmsr(%#x, hypercall page %#llx): %s", r.ebx,
          (unsigned long long)gpa, exception_name((unsigned int)vec));
    check_stub(stub, __HYPERVISOR_xen_version);
    check_stub(hypercall_page + HYPERCALL_STUB_SIZE * __HYPERVISOR_sched_op,
               __HYPERVISOR_sched_op);
    CHECK_EQ("XENVER_version through the hypercall page", call_stub(stub, XENVER_version, 0),
             hc_xen_version(XENVER_version, NULL));
    vec = rdmsr_safe(r.ebx, &v);
    CHECK(vec < 0 && v == 0, "rdmsr(%#x): %s, value %#llx; Xen reads 0", r.ebx,
          vec < 0 ? "no fault" : exception_name((unsigned int)vec),
          (unsigned long long)v);
    vec = wrmsr_safe(r.ebx, gpa | 1);
    CHECK(vec == X86_EXC_GP, "wrmsr(%#x, page index 1): %s, expected #GP", r.ebx,
          vec < 0 ? "no fault" : exception_name((unsigned int)vec));
    if (unbacked) {
        vec = wrmsr_safe(r.ebx, unbacked);
        CHECK(vec < 0 || vec == X86_EXC_GP, "wrmsr(%#x, unbacked %#llx): %s", r.ebx,
              (unsigned long long)unbacked, exception_name((unsigned int)vec));
        if (vec < 0)
            info("wrmsr(%#x, unbacked gpa %#llx) ignored without #GP (Xen: #GP)", r.ebx,
                 (unsigned long long)unbacked);
    }
}

static void check_version_ops(uint32_t base)
{
    long version = hc_xen_version(XENVER_version, NULL);
    struct xen_feature_info fi = {.submap_idx = 0};
    char extra[16];
    bool terminated = false;

    CHECK_EQ("XENVER_version vs CPUID base+1", version, cpuid(base + 1, 0).eax);
    memset(extra, 0x7f, sizeof(extra));
    EXPECT_RC("XENVER_extraversion", hc_xen_version(XENVER_extraversion, extra), 0);
    for (size_t i = 0; i < sizeof(extra); i++)
        terminated |= extra[i] == '\0';
    CHECK(terminated, "XENVER_extraversion: no NUL in 16 bytes");
    EXPECT_RC("XENVER_get_features(0)", hc_xen_version(XENVER_get_features, &fi), 0);
    info("Xen %ld.%ld%s, features submap 0: %#x", version >> 16, version & 0xffff, extra,
         fi.submap);
    CHECK((fi.submap & FEATURES_NEEDED) == FEATURES_NEEDED,
          "XENVER_get_features submap 0 = %#x lacks %#x (auto_translated_physmap, "
          "hvm_callback_vector, hvm_safe_pvclock)",
          fi.submap, FEATURES_NEEDED & ~fi.submap);
    EXPECT_RC("XENVER_pagesize", hc_xen_version(XENVER_pagesize, NULL), PAGE_SIZE,
              -XEN_ENOSYS);
}

static void check_version_hostile(void)
{
    static const int bad_cmds[] = {15, 100, 0x7fff, -1};
    struct xen_feature_info fi = {.submap_idx = 1};
    const struct bad_ptr *bad;
    size_t n = pvh_bad_ptrs(&bad);
    char what[96];

    EXPECT_RC("XENVER_get_features(submap 1)", hc_xen_version(XENVER_get_features, &fi),
              -XEN_EINVAL);
    fi.submap_idx = 0xffffffff;
    EXPECT_RC("XENVER_get_features(submap ~0)", hc_xen_version(XENVER_get_features, &fi),
              -XEN_EINVAL);
    for (size_t i = 0; i < ARRAY_SIZE(bad_cmds); i++) {
        snprintf(what, sizeof(what), "xen_version(bad command %d)", bad_cmds[i]);
        EXPECT_RC(what, hc_xen_version(bad_cmds[i], NULL), -XEN_ENOSYS);
    }
    for (size_t i = 0; i < n; i++) {
        const void *p = (const void *)bad[i].addr;

        snprintf(what, sizeof(what), "XENVER_extraversion(%s %p)", bad[i].name, p);
        EXPECT_RC(what, hc_xen_version(XENVER_extraversion, p), -XEN_EFAULT);
        snprintf(what, sizeof(what), "XENVER_get_features(%s %p)", bad[i].name, p);
        EXPECT_RC(what, hc_xen_version(XENVER_get_features, p), -XEN_EFAULT);
    }
    EXPECT_RC("XENVER_extraversion(8 bytes before an unmapped page)",
              hc_xen_version(XENVER_extraversion, pvh_guard_edge(8)), -XEN_EFAULT);
    EXPECT_RC("XENVER_get_features(4 bytes before an unmapped page)",
              hc_xen_version(XENVER_get_features, pvh_guard_edge(4)), -XEN_EFAULT);
}

void test_main(void)
{
    uint32_t base = xen_cpuid_base();

    CHECK(base, "no \"XenVMMXenVMM\" signature in CPUID 0x40000000-0x4000ff00");
    check_leaves(base);
    check_version_ops(base);
    check_version_hostile();
    check_hypercall_page(base);
}
