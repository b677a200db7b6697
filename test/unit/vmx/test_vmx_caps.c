// SPDX-License-Identifier: MIT
/* Unit tests of vmx/vmx_caps.c: controls derived from capability MSRs. */
#include <hv/errno.h>

#include "test_support.h"
#include "cpu_caps.h"

/* Sandy Bridge-E with TRUE controls: CR3-load/store exiting can be and
 * are cleared; unknown default1 bits stay set; EPT, VPID, UG on. */
static void test_sandy_bridge(void **state)
{
    struct vmx_controls c;
    const char *missing = NULL;

    (void)state;
    assert_int_equal(vmx_controls_compute(&caps_i7_3960x, &c, &missing), 0);
    assert_null(missing);
    assert_int_equal(c.pin, 0x3f);           /* EXT, NMI, virtual NMIs + default1 1,2,4 */
    assert_int_equal(c.proc, 0xb6206dfa);
    assert_false(c.proc & (CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING));
    assert_false(c.proc & (CPU_RDTSC_EXITING | CPU_INTR_WINDOW_EXITING));
    assert_int_equal(c.proc2, CPU2_ENABLE_EPT | CPU2_ENABLE_VPID | CPU2_UNRESTRICTED_GUEST);
    assert_int_equal(c.exit, 0x3f6fff);      /* save debug ctls kept, ack-on-exit off */
    assert_int_equal(c.entry, 0xd1ff);       /* IA-32e mode guest left to run time */
    assert_false(c.entry & ENTRY_IA32E_MODE_GUEST);
}

static void test_broadwell(void **state)
{
    struct vmx_controls c;
    const char *missing = NULL;

    (void)state;
    assert_int_equal(vmx_controls_compute(&caps_i7_5600u, &c, &missing), 0);
    assert_int_equal(c.proc, 0xb6206dfa);
    /* VMFUNC, INVPCID, XSAVES are offered but not wanted. */
    assert_int_equal(c.proc2, CPU2_ENABLE_EPT | CPU2_ENABLE_VPID | CPU2_UNRESTRICTED_GUEST);
}

/* Penryn: no TRUE MSRs, so CR3-load exiting is forced on and must be
 * reported (the backend does not emulate CR3 loads); no EPT either. */
static void test_penryn_refused(void **state)
{
    struct vmx_controls c;
    const char *missing = NULL;
    struct vmx_caps caps = caps_xeon_x5482;

    (void)state;
    assert_int_equal(vmx_controls_compute(&caps, &c, &missing), -ENODEV);
    assert_string_equal(missing, "CR3-load exiting");
    /* Pretend the TRUE controls existed: then EPT is what is missing. */
    caps.basic |= VMX_BASIC_TRUE_CTLS;
    caps.true_pin = caps.pin, caps.true_exit = caps.exit, caps.true_entry = caps.entry;
    caps.true_proc = caps.proc & ~(uint64_t)(CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING);
    assert_int_equal(vmx_controls_compute(&caps, &c, &missing), -ENODEV);
    assert_string_equal(missing, "enable EPT");
}

static void test_missing_tpr_shadow(void **state)
{
    struct vmx_controls c;
    const char *missing = NULL;
    struct vmx_caps caps = caps_i7_3960x;

    (void)state;
    caps.true_proc &= ~((uint64_t)CPU_USE_TPR_SHADOW << 32);
    assert_int_equal(vmx_controls_compute(&caps, &c, &missing), -ENODEV);
    assert_string_equal(missing, "use TPR shadow");
}

/* No "activate secondary controls": the secondary MSR is not consulted. */
static void test_no_secondary(void **state)
{
    struct vmx_controls c;
    const char *missing = NULL;
    struct vmx_caps caps = caps_i7_3960x;

    (void)state;
    caps.proc &= ~((uint64_t)CPU_SECONDARY_CONTROLS << 32);
    caps.true_proc &= ~((uint64_t)CPU_SECONDARY_CONTROLS << 32);
    assert_int_equal(vmx_controls_compute(&caps, &c, &missing), -ENODEV);
    assert_string_equal(missing, "activate secondary controls");
}

static void test_adjust(void **state)
{
    (void)state;
    /* allowed-0 forces bit 1; allowed-1 drops bit 8; unknown default1
     * bit 4 kept; known default1 bit 2 cleared when the TRUE MSR allows. */
    assert_int_equal(vmx_ctl_adjust(0x000000ff00000016ULL, 0x000000ff00000002ULL, 0x101, 0x105),
                     0x13);
    assert_int_equal(vmx_ctl_adjust(0x000000ff00000016ULL, 0, 0x101, 0x105), 0x17);
}

static void test_cr0_fixed0(void **state)
{
    struct vmx_controls c = { .proc2 = CPU2_UNRESTRICTED_GUEST };

    (void)state;
    assert_int_equal(vmx_cr0_fixed0(&caps_i7_3960x, &c), 0x20);  /* NE only */
    c.proc2 = 0;
    assert_int_equal(vmx_cr0_fixed0(&caps_i7_3960x, &c), 0x80000021);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sandy_bridge),
        cmocka_unit_test(test_broadwell),
        cmocka_unit_test(test_penryn_refused),
        cmocka_unit_test(test_missing_tpr_shadow),
        cmocka_unit_test(test_no_secondary),
        cmocka_unit_test(test_adjust),
        cmocka_unit_test(test_cr0_fixed0),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
