// SPDX-License-Identifier: MIT
// PVH guest: its CPU state survives being switched out for other vCPUs of the same pCPU.
#include "pvh.h"

/*
 * Run beside a PV guest pinned to the same pCPU (scenario
 * pvh_state_pv_shared). While a PV vCPU runs, the hypervisor points the
 * SYSCALL MSRs, KERNEL_GS_BASE, FS/GS, CR2 and the FPU at the PV guest;
 * VT-x restores none of them by itself (SVM's VMLOAD covers the MSRs, not
 * CR2 or the FPU). A value of ours that came back different would crash a
 * Linux guest in its entry code (LSTAR, KERNEL_GS_BASE: SWAPGS) much as
 * vmx-linux-pvh-hvm-pv once did. So: load distinct values, then for
 * "ms=" of system time yield and spin, and after every round read all of
 * them back. The runstate area proves the pCPU was taken from us (time
 * runnable), so the test cannot pass by running alone.
 */
const char test_name[] = "pvh_cpu_state";

#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define CR4_OSFXSR (1UL << 9)

static const struct {
    const char *name;
    uint32_t msr;
    uint64_t val;
} msrs[] = {
    {"STAR", MSR_STAR, 0x0023001000000000ULL},
    {"LSTAR", MSR_LSTAR, 0xffffffff81c00040ULL},
    {"CSTAR", MSR_CSTAR, 0xffffffff81c01580ULL},
    {"SFMASK", MSR_SFMASK, 0x47700},
    {"KERNEL_GS_BASE", MSR_KERNEL_GS_BASE, 0xffff88800f800000ULL},
    {"FS_BASE", MSR_FS_BASE, 0x00007f1234567000ULL},
    {"SYSENTER_CS", MSR_SYSENTER_CS, 0x10},
    {"SYSENTER_ESP", MSR_SYSENTER_ESP, 0xfffffe0000003000ULL},
    {"SYSENTER_EIP", MSR_SYSENTER_EIP, 0xffffffff81c01a00ULL},
};

#define CR2_MARK 0x00005eed0000c2c2ULL
#define XMM_MARK(i) (0x0123456789abcd00ULL | (i))

struct __attribute__((packed)) desc_ptr {
    uint16_t limit;
    uint64_t base;
};

/* Everything checked besides the MSRs: control registers the guest owns,
 * descriptor-table registers, selectors, and the SSE registers. */
struct snapshot {
    uint64_t cr0, cr3, cr4, efer, pat;
    struct desc_ptr gdt, idt;
    uint16_t tr, ldtr, cs, ss, ds, es, fs, gs;
    uint64_t xmm[16];
    uint32_t mxcsr;
};

static struct vcpu_runstate_info runstate;

static void xmm_load(void)
{
#define XMM_SET(i) asm volatile("movq %0, %%xmm" #i : : "r"(XMM_MARK(i)))
    XMM_SET(0); XMM_SET(1); XMM_SET(2); XMM_SET(3); XMM_SET(4); XMM_SET(5);
    XMM_SET(6); XMM_SET(7); XMM_SET(8); XMM_SET(9); XMM_SET(10); XMM_SET(11);
    XMM_SET(12); XMM_SET(13); XMM_SET(14); XMM_SET(15);
#undef XMM_SET
    uint32_t mxcsr = 0x1f80 | (1 << 13) | (1 << 15); /* round down, flush to zero */
    asm volatile("ldmxcsr %0" : : "m"(mxcsr));
}

static void snapshot_take(struct snapshot *s)
{
#define XMM_GET(i) asm volatile("movq %%xmm" #i ", %0" : "=r"(s->xmm[i]))
    XMM_GET(0); XMM_GET(1); XMM_GET(2); XMM_GET(3); XMM_GET(4); XMM_GET(5);
    XMM_GET(6); XMM_GET(7); XMM_GET(8); XMM_GET(9); XMM_GET(10); XMM_GET(11);
    XMM_GET(12); XMM_GET(13); XMM_GET(14); XMM_GET(15);
#undef XMM_GET
    asm volatile("stmxcsr %0" : "=m"(s->mxcsr));
    s->cr0 = read_cr0(), s->cr3 = read_cr3(), s->cr4 = read_cr4();
    s->efer = rdmsr(MSR_EFER), s->pat = rdmsr(MSR_PAT);
    asm volatile("sgdt %0" : "=m"(s->gdt));
    asm volatile("sidt %0" : "=m"(s->idt));
    asm volatile("str %0" : "=r"(s->tr));
    asm volatile("sldt %0" : "=r"(s->ldtr));
    asm volatile("mov %%cs, %0" : "=r"(s->cs));
    asm volatile("mov %%ss, %0" : "=r"(s->ss));
    asm volatile("mov %%ds, %0" : "=r"(s->ds));
    asm volatile("mov %%es, %0" : "=r"(s->es));
    asm volatile("mov %%fs, %0" : "=r"(s->fs));
    asm volatile("mov %%gs, %0" : "=r"(s->gs));
}

static void write_cr2(uint64_t v)
{
    asm volatile("mov %0, %%cr2" : : "r"(v));
}

/* Compare field by field, so that a failure names what changed. */
static void snapshot_check(const struct snapshot *want, unsigned long round)
{
    struct snapshot now;

    snapshot_take(&now);
#define SAME(f)                                                                        \
    CHECK(!memcmp(&now.f, &want->f, sizeof(now.f)),                                    \
          "round %lu: %s changed while other vCPUs ran", round, #f)
    SAME(cr0); SAME(cr3); SAME(cr4); SAME(efer); SAME(pat); SAME(gdt); SAME(idt);
    SAME(tr); SAME(ldtr); SAME(cs); SAME(ss); SAME(ds); SAME(es); SAME(fs); SAME(gs);
    SAME(mxcsr);
#undef SAME
    for (unsigned int i = 0; i < 16; i++)
        CHECK(now.xmm[i] == want->xmm[i], "round %lu: xmm%u is %#llx, expected %#llx",
              round, i, (unsigned long long)now.xmm[i], (unsigned long long)want->xmm[i]);
    for (unsigned int i = 0; i < ARRAY_SIZE(msrs); i++) {
        uint64_t got = rdmsr(msrs[i].msr);

        CHECK(got == msrs[i].val, "round %lu: MSR %s is %#llx, expected %#llx", round,
              msrs[i].name, (unsigned long long)got, (unsigned long long)msrs[i].val);
    }
    CHECK(read_cr2() == CR2_MARK, "round %lu: CR2 is %#llx, expected %#llx", round,
          (unsigned long long)read_cr2(), (unsigned long long)CR2_MARK);
}

/* Time runnable (waiting for the pCPU), from the area Mica keeps up to
 * date: a copy taken while no update was in progress (xen-abi.md). */
static uint64_t runnable_ns(void)
{
    uint64_t entry, t;

    do {
        entry = READ_ONCE(runstate.state_entry_time);
        t = READ_ONCE(runstate.time[RUNSTATE_runnable]);
    } while ((entry & XEN_RUNSTATE_UPDATE) || entry != READ_ONCE(runstate.state_entry_time));
    return t;
}

void test_main(void)
{
    struct vcpu_register_runstate_memory_area area = {.addr = (uintptr_t)&runstate};
    uint64_t ms = pvh_cmdline_ulong("ms", 1000), waited, end, entry = 0;
    unsigned long rounds = 0, switches = 0;
    struct snapshot want;

    EXPECT_RC("register_runstate_memory_area",
              hc_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), 0);
    write_cr4(read_cr4() | CR4_OSFXSR);
    xmm_load();
    for (unsigned int i = 0; i < ARRAY_SIZE(msrs); i++)
        wrmsr(msrs[i].msr, msrs[i].val);
    write_cr2(CR2_MARK);
    snapshot_take(&want);
    waited = runnable_ns();
    end = xen_now_ns() + MS(ms);
    /* Yield, then spin 2 ms: the PV vCPU gets whole time slices, which
     * also end in the middle of our code (preemption by the host timer). */
    while (xen_now_ns() < end) {
        EXPECT_RC("SCHEDOP_yield", hc_sched_op(SCHEDOP_yield, NULL), 0);
        xen_delay_ns(MS(2));
        snapshot_check(&want, rounds++);
        if (READ_ONCE(runstate.state_entry_time) != entry)
            switches++, entry = READ_ONCE(runstate.state_entry_time);
    }
    waited = runnable_ns() - waited;
    info("%lu rounds in %llu ms, %lu runstate changes, %llu ms runnable: state intact",
         rounds, (unsigned long long)ms, switches, (unsigned long long)(waited / 1000000));
    /* Both vCPUs busy on one pCPU: about half the time is spent waiting
     * for the PV one; alone, almost none. */
    CHECK(waited >= MS(ms) / 10 && switches >= 10,
          "runnable %llu ms of %llu, %lu runstate changes: the pCPU was not shared",
          (unsigned long long)(waited / 1000000), (unsigned long long)ms, switches);
}
