// SPDX-License-Identifier: MIT
// PVH guest: HVMOP_get_param / HVMOP_set_param and the guest's access rules, with hostile input.
#include "pvh.h"

const char test_name[] = "pvh_hvmop";

/*
 * Xen's rules for a guest's own parameters (xen:xen/arch/x86/hvm/hvm.c
 * hvm_allow_get_param / hvm_allow_set_param, xen-abi.md §3.5): an index
 * >= HVM_NR_PARAMS is -EINVAL before anything else, an unknown domid
 * -ESRCH, deprecated indices -EINVAL, everything not on the guest's lists
 * -EPERM.
 */
struct param_case {
    const char *name;
    uint32_t index;
    bool set;
    long want, alt; /* Xen's answer, an accepted alternative */
};

static const struct param_case refused[] = {
    {"get HVM_NR_PARAMS", HVM_NR_PARAMS, false, -XEN_EINVAL, -XEN_EINVAL},
    {"set HVM_NR_PARAMS", HVM_NR_PARAMS, true, -XEN_EINVAL, -XEN_EINVAL},
    {"get index ~0", 0xffffffff, false, -XEN_EINVAL, -XEN_EINVAL},
    {"set index 0x80000000", 0x80000000, true, -XEN_EINVAL, -XEN_EINVAL},
    {"get IOREQ_PFN", HVM_PARAM_IOREQ_PFN, false, -XEN_EPERM, -XEN_EPERM},
    {"get IDENT_PT", HVM_PARAM_IDENT_PT, false, -XEN_EPERM, -XEN_EPERM},
    {"get TRIPLE_FAULT_REASON", HVM_PARAM_TRIPLE_FAULT_REASON, false, -XEN_EPERM,
     -XEN_EPERM},
    {"set STORE_PFN (read-only)", HVM_PARAM_STORE_PFN, true, -XEN_EPERM, -XEN_EPERM},
    {"set CONSOLE_PFN (read-only)", HVM_PARAM_CONSOLE_PFN, true, -XEN_EPERM, -XEN_EPERM},
    {"set IDENT_PT", HVM_PARAM_IDENT_PT, true, -XEN_EPERM, -XEN_EPERM},
    {"set ACPI_S_STATE", HVM_PARAM_ACPI_S_STATE, true, -XEN_EPERM, -XEN_EPERM},
    {"set IOREQ_PFN", HVM_PARAM_IOREQ_PFN, true, -XEN_EPERM, -XEN_EPERM},
    {"get PAE_ENABLED (deprecated)", HVM_PARAM_PAE_ENABLED, false, -XEN_EINVAL, -XEN_EPERM},
    {"set NESTEDHVM (deprecated)", HVM_PARAM_NESTEDHVM, true, -XEN_EINVAL, -XEN_EPERM},
    {"set ALTP2M (read-only)", HVM_PARAM_ALTP2M, true, -XEN_EEXIST, -XEN_EPERM},
};

static long param_op(uint16_t domid, uint32_t index, bool set, uint64_t value)
{
    uint64_t dummy;

    return set ? hvm_set_param(domid, index, value) : hvm_get_param(domid, index, &dummy);
}

static void check_callback_irq(void)
{
    uint64_t via = HVM_CALLBACK_VECTOR(EVTCHN_UPCALL_VECTOR), v = ~0ULL;

    EXPECT_RC("get CALLBACK_IRQ", hvm_get_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v), 0);
    info("CALLBACK_IRQ at boot: %#llx", (unsigned long long)v);
    EXPECT_RC("set CALLBACK_IRQ (vector 0xf3)",
              hvm_set_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, via), 0);
    EXPECT_RC("get CALLBACK_IRQ again", hvm_get_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v),
              0);
    CHECK_EQ("CALLBACK_IRQ read back", v, via);
}

/* Readable with rc 0; Mica has no xenstore, so STORE_PFN must say so with 0
 * (a non-zero PFN makes PVH Linux wait for xenstore forever, §3.4 row 14). */
static void check_readable(void)
{
    uint64_t con_pfn = 0, con_evtchn = 0, store_pfn = ~0ULL, store_evtchn = 0;
    uint16_t own = xen_own_domid();
    uint64_t v = 0;

    EXPECT_RC("get CONSOLE_PFN", hvm_get_param(DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &con_pfn), 0);
    EXPECT_RC("get CONSOLE_EVTCHN",
              hvm_get_param(DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, &con_evtchn), 0);
    EXPECT_RC("get STORE_PFN", hvm_get_param(DOMID_SELF, HVM_PARAM_STORE_PFN, &store_pfn), 0);
    EXPECT_RC("get STORE_EVTCHN",
              hvm_get_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &store_evtchn), 0);
    info("console ring gfn %#llx evtchn %llu, xenstore gfn %#llx evtchn %llu",
         (unsigned long long)con_pfn, (unsigned long long)con_evtchn,
         (unsigned long long)store_pfn, (unsigned long long)store_evtchn);
    CHECK_EQ("STORE_PFN (no xenstore)", store_pfn, 0);
    if (own != DOMID_SELF) {
        EXPECT_RC("get CONSOLE_PFN by own domid",
                  hvm_get_param(own, HVM_PARAM_CONSOLE_PFN, &v), 0);
        CHECK_EQ("CONSOLE_PFN by own domid", v, con_pfn);
    }
}

static void check_refused(void)
{
    char what[96];

    for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
        const struct param_case *c = &refused[i];

        snprintf(what, sizeof(what), "HVMOP %s", c->name);
        EXPECT_RC(what, param_op(DOMID_SELF, c->index, c->set, 1), c->want, c->alt);
    }
}

static void check_foreign(void)
{
    uint16_t own = xen_own_domid();
    const uint16_t doms[] = {0x1234, DOMID_INVALID, (uint16_t)(own + 1)};
    char what[96];

    for (size_t i = 0; i < ARRAY_SIZE(doms); i++) {
        if (own == DOMID_SELF && i == 2)
            break; /* own id unknown: no neighbour to try */
        snprintf(what, sizeof(what), "get CONSOLE_PFN of domain %#x", doms[i]);
        EXPECT_RC(what, param_op(doms[i], HVM_PARAM_CONSOLE_PFN, false, 0), -XEN_ESRCH,
                  -XEN_EPERM);
        snprintf(what, sizeof(what), "set CALLBACK_IRQ of domain %#x", doms[i]);
        EXPECT_RC(what, param_op(doms[i], HVM_PARAM_CALLBACK_IRQ, true, 0), -XEN_ESRCH,
                  -XEN_EPERM);
    }
    /* The index check comes first in Xen, even for an unknown domain. */
    EXPECT_RC("get index 39 of domain 0x1234", param_op(0x1234, HVM_NR_PARAMS, false, 0),
              -XEN_EINVAL, -XEN_ESRCH);
}

static void check_bad_args(void)
{
    const struct bad_ptr *bad;
    size_t n = pvh_bad_ptrs(&bad);
    char what[112];

    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof(what), "HVMOP_get_param(%s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, hc_hvm_op(HVMOP_get_param, (const void *)bad[i].addr), -XEN_EFAULT);
        snprintf(what, sizeof(what), "HVMOP_set_param(%s %p)", bad[i].name,
                 (void *)bad[i].addr);
        EXPECT_RC(what, hc_hvm_op(HVMOP_set_param, (const void *)bad[i].addr), -XEN_EFAULT);
    }
    /* The 16-byte argument with only 8 bytes mapped. */
    EXPECT_RC("HVMOP_get_param(8 bytes before an unmapped page)",
              hc_hvm_op(HVMOP_get_param, pvh_guard_edge(8)), -XEN_EFAULT);
    EXPECT_RC("hvm_op(bad command 0x7f)", hc_hvm_op(0x7f, NULL), -XEN_ENOSYS);
    EXPECT_RC("hvm_op(bad command ~0)", hc_hvm_op(~0UL, NULL), -XEN_ENOSYS);
}

void test_main(void)
{
    check_callback_irq();
    check_readable();
    check_refused();
    check_foreign();
    check_bad_args();
}
