// SPDX-License-Identifier: MIT
// PV guest kernel for the failsafe callback: it loads %es and %fs with a
// data segment of its own GDT, drops that descriptor (update_descriptor)
// and sleeps, so that Mica must reload the stale selectors when the vCPU
// is switched back in. The reload fails; the failsafe callback must get
// the selectors the guest wanted in its frame (DS, ES, FS, GS), with the
// null selector loaded instead, exactly once; a sleep with the descriptor
// intact, and one after, must not raise it.
#include "pv.h"

const char test_name[] = "pv_failsafe";

#define DESC_DATA_DPL3 0x00cff2000000ffffULL
#define SEL_DATA 0x13 /* entry 2, RPL 3 */
#define PTE_RO_USER 0x25ULL /* P, U, A */

static uint64_t gdt[512] __attribute__((aligned(4096)));
/* Where shared_info gets mapped (update_va_mapping replaces this page). */
static volatile struct shared_info shinfo __aligned(PAGE_SIZE);
static volatile unsigned int failsafes;
static volatile uint64_t failsafe_cs;

static void on_failsafe(struct pv_frame *f)
{
    failsafes++;
    failsafe_cs = f->cs;
}

/* Blocked for ms (SCHEDOP_poll with no ports and a timeout): the vCPU is
 * switched out, and its selectors are reloaded when it runs again. */
static void sleep_ms(unsigned int ms)
{
    uint64_t now = pv_now_ns(&shinfo.vcpu_info[0]);
    struct sched_poll p = {0, 0, now + ms * 1000000ULL};

    CHECK(now, "pvclock unusable in shared_info");
    EXPECT_RC("SCHEDOP_poll (sleep)", hc_sched_op(SCHEDOP_poll, &p), 0);
}

static void setup(void)
{
    struct callback_register fs = {CALLBACKTYPE_failsafe, 0, 0, (uint64_t)pv_entry_failsafe};
    uint64_t mfn = pv_mfn_of(gdt);

    EXPECT_RC("traps", pv_install_traps(), 0);
    EXPECT_RC("callbacks", pv_install_callbacks(), 0);
    EXPECT_RC("failsafe callback", hc_callback_op(CALLBACKOP_register, &fs), 0);
    pv_set_handler(VEC_FAILSAFE, on_failsafe);
    EXPECT_RC("update_va_mapping(shared_info)",
              hc_update_va_mapping((const void *)&shinfo,
                                   pv_start_info->shared_info | PTE_PRESENT_RW_USER,
                                   UVMF_INVLPG), 0);
    gdt[2] = DESC_DATA_DPL3;
    EXPECT_RC("GDT frame read-only",
              hc_update_va_mapping(gdt, (mfn << 12) | PTE_RO_USER, UVMF_INVLPG), 0);
    EXPECT_RC("set_gdt", hypercall2(__HYPERVISOR_set_gdt, (unsigned long)&mfn, 3), 0);
}

void test_main(void)
{
    uint64_t mfn = pv_mfn_of(gdt);
    uint16_t ds;

    setup();
    ds = pv_read_sel("ds");
    asm volatile("mov %w0, %%es\n\tmov %w0, %%fs" : : "r"(SEL_DATA));
    sleep_ms(5);
    CHECK_EQ("failsafe callbacks with the descriptor in place", failsafes, 0);
    CHECK_EQ("%fs after a sleep", pv_read_sel("fs"), SEL_DATA);

    EXPECT_RC("update_descriptor (drop entry 2)",
              hypercall2(__HYPERVISOR_update_descriptor, (mfn << 12) + 2 * 8, 0), 0);
    CHECK_EQ("%fs still loaded until the next switch-in", pv_read_sel("fs"), SEL_DATA);
    sleep_ms(5);
    CHECK_EQ("failsafe callbacks after the reload failed", failsafes, 1);
    CHECK_EQ("failsafe frame: DS", pv_failsafe_sels[0], ds);
    CHECK_EQ("failsafe frame: ES", pv_failsafe_sels[1], SEL_DATA);
    CHECK_EQ("failsafe frame: FS", pv_failsafe_sels[2], SEL_DATA);
    CHECK_EQ("failsafe frame: GS", pv_failsafe_sels[3], pv_read_sel("gs"));
    CHECK_EQ("failsafe frame: CS of the guest kernel (RPL 0)", failsafe_cs & 0xffff,
             FLAT_KERNEL_CS & ~3);
    CHECK_EQ("%es after the failsafe", pv_read_sel("es"), 0);
    CHECK_EQ("%fs after the failsafe", pv_read_sel("fs"), 0);
    sleep_ms(5);
    CHECK_EQ("failsafe callbacks after another sleep", failsafes, 1);
    info("failsafe callback: ES and FS 0x13 wanted, null loaded, one callback");
}
