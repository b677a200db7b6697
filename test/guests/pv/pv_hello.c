// SPDX-License-Identifier: MIT
// PV guest kernel in ring 3: boot state, traps, emulated instructions,
// events and the timer, user mode (hostile arguments: pv_hostile.c).
#include "pv.h"

const char test_name[] = "pv_hello";

#define GS_KERNEL_MAGIC 0x6b65726e656c6773ULL /* "sglenrek" */
#define GS_USER_MAGIC 0x7573657267737573ULL
#define USER_SYSCALL_MAGIC 0x1234
#define UNMAPPED_VA 0x1000UL /* the boot region is in the top 2 GiB */

static const uint64_t gs_kernel_area[1] = {GS_KERNEL_MAGIC};
static const uint64_t gs_user_area[1] = {GS_USER_MAGIC};
static struct vcpu_info vinfo_page[PAGE_SIZE / sizeof(struct vcpu_info)]
    __aligned(PAGE_SIZE);
static uint8_t kernel_stack[2 * PAGE_SIZE] __aligned(16);
/* Where shared_info gets mapped (update_va_mapping replaces this page). */
static volatile struct shared_info shinfo __aligned(PAGE_SIZE);
static uint8_t user_stack[PAGE_SIZE] __aligned(16);

/* Faults the test provokes: the vector expected and where to resume. */
static volatile uint64_t expect_vec = ~0UL, resume_rip, fault_error, fault_cs;
static volatile unsigned int count[NR_HANDLERS];
static volatile uint64_t event_sel;

static void on_fault(struct pv_frame *f)
{
    count[f->vector]++;
    if (f->vector != expect_vec)
        test_fail("vector %lu at %#lx (error %#lx), expected %lu", f->vector, f->rip,
                  f->error, expect_vec);
    fault_error = f->error;
    fault_cs = f->cs;
    expect_vec = ~0UL;
    if (resume_rip)
        f->rip = resume_rip;
}

static void on_trap(struct pv_frame *f) /* INT3, INT 0x80: resume after them */
{
    count[f->vector]++;
}

static void on_db(struct pv_frame *f) /* single steps: stop them */
{
    count[1]++;
    f->rflags &= ~0x100UL;
}

static void on_event(struct pv_frame *f)
{
    volatile struct vcpu_info *vi = &vinfo_page[0];

    (void)f;
    count[VEC_EVENT]++;
    WRITE_ONCE(vi->evtchn_upcall_pending, 0);
    event_sel |= __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

static uint64_t read_cr(unsigned int n)
{
    uint64_t v = 0;

    if (n == 0)
        asm volatile("mov %%cr0, %0" : "=r"(v));
    else if (n == 2)
        asm volatile("mov %%cr2, %0" : "=r"(v));
    else if (n == 3)
        asm volatile("mov %%cr3, %0" : "=r"(v));
    else if (n == 4)
        asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

/* CPUID behind the forced-emulation prefix (ud2; .ascii "xen"). */
static struct cpuid_regs fep_cpuid(uint32_t leaf)
{
    struct cpuid_regs r;

    asm volatile(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e; cpuid"
                 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(0));
    return r;
}

static bool strstr_(const char *s, const char *word)
{
    for (size_t n = strlen(word); *s; s++)
        if (!memcmp(s, word, n))
            return true;
    return false;
}

/* One RAM entry from 0 (xl's PV map); the p2m-changing calls are not
 * for PV guests. */
static void check_memory_op(void)
{
    struct e820_entry e[4];
    struct xen_memory_map map = {4, (uint64_t)e};
    struct xen_memory_reservation r = {(uint64_t)e, 1, 0, 0, DOMID_SELF, {0}};

    EXPECT_RC("XENMEM_memory_map", hypercall2(__HYPERVISOR_memory_op, XENMEM_memory_map,
                                              (uint64_t)&map), 0);
    CHECK(map.nr_entries == 1 && e[0].addr == 0 && e[0].size == 64ULL << 20 &&
          e[0].type == 1, "memory map: %u entries, first %#lx+%#lx type %u", map.nr_entries,
          e[0].addr, e[0].size, e[0].type);
    EXPECT_RC("XENMEM_decrease_reservation from PV",
              hypercall2(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, (uint64_t)&r),
              -XEN_ENOSYS);
    EXPECT_RC("XENMEM_add_to_physmap from PV",
              hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)&r),
              -XEN_ENOSYS);
}

/* The console ring start_info names, found through the p2m list (the
 * boot region maps pfn n at VIRT_BASE + n pages): one line written into
 * it, the backend (Mica) told by its event channel, and the ring drained. */
static void check_console_ring(void)
{
    const struct start_info *si = pv_start_info;
    const uint64_t *p2m = (const uint64_t *)si->mfn_list;
    static const char line[] = "pv_hello: console ring line\n";
    volatile struct xencons_interface *r = NULL;
    struct evtchn_port_op send = {si->console_evtchn};
    uint32_t prod;

    for (uint64_t pfn = 0; pfn < si->nr_pages && !r; pfn++)
        if (p2m[pfn] == si->console_mfn)
            r = (volatile struct xencons_interface *)(PV_VIRT_BASE + pfn * PAGE_SIZE);
    CHECK(r, "console mfn %#lx not in the p2m list", si->console_mfn);
    prod = r->out_prod;
    for (size_t i = 0; i < sizeof(line) - 1; i++)
        r->out[(prod + i) % sizeof(r->out)] = line[i];
    __atomic_store_n(&r->out_prod, prod + (uint32_t)(sizeof(line) - 1), __ATOMIC_RELEASE);
    EXPECT_RC("send(console)", hc_event_channel_op(EVTCHNOP_send, &send), 0);
    CHECK_EQ("console ring drained", r->out_cons, r->out_prod);
}

static void check_start_info(void)
{
    const struct start_info *si = pv_start_info;
    const uint64_t *p2m = (const uint64_t *)si->mfn_list;

    CHECK(!memcmp(si->magic, "xen-3.0-x86_64", 15), "start_info magic \"%.15s\"",
          si->magic);
    CHECK_EQ("start_info.nr_pages (64 MiB)", si->nr_pages, 16384);
    CHECK(si->shared_info && !(si->shared_info & (PAGE_SIZE - 1)),
          "shared_info machine address %#lx", si->shared_info);
    CHECK(si->console_mfn && si->console_evtchn, "console mfn %#lx evtchn %u",
          si->console_mfn, si->console_evtchn);
    CHECK_EQ("store_mfn (no xenstore)", si->store_mfn, 0);
    CHECK_EQ("flags (an unprivileged domU)", si->flags, 0);
    CHECK(si->pt_base > (uint64_t)__image_end && si->nr_pt_frames >= 4,
          "pt_base %#lx, %lu frames", si->pt_base, si->nr_pt_frames);
    CHECK(p2m[0] && p2m[0] != p2m[1], "p2m list %#lx %#lx", p2m[0], p2m[1]);
    CHECK(!memcmp(si->cmd_line, "hello-cmdline", 13), "cmd_line \"%s\"", si->cmd_line);
    CHECK_EQ("CR3 (emulated read) = the boot L4", read_cr(3), pv_mfn_of((void *)si->pt_base) << 12);
    /* The read-only M2P the builder filled (Linux reads it from here). */
    CHECK_EQ("M2P of the boot L4's frame",
             ((const volatile uint64_t *)HYPERVISOR_VIRT_START)[pv_mfn_of((void *)si->pt_base)],
             (si->pt_base - PV_VIRT_BASE) / PAGE_SIZE);
    if (strstr_(si->cmd_line, "initrd=elf"))
        CHECK(si->mod_start && !(si->mod_start & (PAGE_SIZE - 1)) && si->mod_len > 64 &&
              !memcmp((const void *)si->mod_start, "\x7f" "ELF", 4),
              "initrd at %#lx, %lu bytes: not the ELF image passed", si->mod_start, si->mod_len);
    else
        CHECK(!si->mod_start && !si->mod_len, "an initrd at %#lx that nobody passed",
              si->mod_start);
    info("start_info: %lu pages, %lu page-table frames at %#lx, console mfn %#lx port %u",
         si->nr_pages, si->nr_pt_frames, si->pt_base, si->console_mfn, si->console_evtchn);
}

static void check_cpuid(void)
{
    struct cpuid_regs r = fep_cpuid(0x40000000);
    char sig[13] = {0};

    memcpy(sig, &r.ebx, 4);
    memcpy(sig + 4, &r.ecx, 4);
    memcpy(sig + 8, &r.edx, 4);
    CHECK(!memcmp(sig, XEN_CPUID_SIGNATURE, 12), "FEP CPUID signature \"%s\"", sig);
    CHECK_EQ("FEP CPUID Xen version", fep_cpuid(0x40000001).eax, (4 << 16) | 17);
    CHECK(fep_cpuid(1).ecx & (1U << 31), "FEP CPUID leaf 1 without the hypervisor bit");
    info("forced-emulation CPUID: \"%s\", max leaf %#x", sig, r.eax);
}

/* The provoking instruction ends at the asm's "1:", where the handler
 * resumes; expect() before, expected() after. */
#define RESUME_AT_1F "movq $1f, %[resume]\n\t"

static void expect(unsigned int vec)
{
    expect_vec = vec;
}

static void expected(const char *what)
{
    CHECK(expect_vec == ~0UL, "no exception from %s", what);
}

static void check_faults(void)
{
    uint64_t q = 1, r = 0;

    EXPECT_RC("set_trap_table", pv_install_traps(), 0);
    expect(14);
    asm volatile(RESUME_AT_1F "movb (%[a]), %%al\n1:"
                 : [resume] "=m"(resume_rip) : [a] "r"(UNMAPPED_VA) : "rax", "memory");
    expected("a read of an unmapped page");
    CHECK_EQ("#PF error (kernel read, not present)", fault_error, 0);
    CHECK_EQ("CR2 (emulated read)", read_cr(2), UNMAPPED_VA);
    expect(14);
    asm volatile(RESUME_AT_1F "movb %%al, (%[a])\n1:"
                 : [resume] "=m"(resume_rip) : [a] "r"(pv_start_info->pt_base) : "memory");
    expected("a write to the boot L4");
    CHECK_EQ("#PF error writing the boot L4 (present, write)", fault_error, 3);
    expect(6);
    asm volatile(RESUME_AT_1F "ud2\n1:" : [resume] "=m"(resume_rip) : : "memory");
    expected("UD2");
    expect(13);
    asm volatile(RESUME_AT_1F "wrmsr\n1:"
                 : [resume] "=m"(resume_rip) : "c"(0x12345), "a"(0), "d"(0) : "memory");
    expected("WRMSR of an unknown MSR");
    expect(0);
    asm volatile(RESUME_AT_1F "div %[zero]\n1:"
                 : [resume] "=m"(resume_rip), "+a"(q), "+d"(r) : [zero] "r"(0UL) : "memory");
    expected("a division by zero");
    asm volatile("int3");
    CHECK_EQ("INT3 deliveries", count[3], 1);
    asm volatile("int $0x80");
    CHECK_EQ("INT 0x80 deliveries", count[0x80], 1);
    EXPECT_RC("fpu_taskswitch(1)", hc_fpu_taskswitch(1), 0);
    CHECK(read_cr(0) & 8, "CR0.TS not set by fpu_taskswitch");
    expect(7);
    resume_rip = 0; /* #NM: execute the FNOP again, TS is clear now */
    asm volatile("fnop");
    expected("FNOP with CR0.TS set");
    CHECK(!(read_cr(0) & 8), "CR0.TS still set after #NM");
    info("#PF (read, write to a page table), #UD, #GP, #DE, #NM, INT3, INT 0x80: bounced");
}

static void check_emulation(void)
{
    uint64_t gs = 0;
    uint32_t lo, hi;

    asm volatile("wrmsr" : : "c"(MSR_GS_BASE), "a"((uint32_t)(uint64_t)gs_kernel_area),
                 "d"((uint32_t)((uint64_t)gs_kernel_area >> 32)));
    asm volatile("mov %%gs:0, %0" : "=r"(gs));
    CHECK_EQ("%gs:0 after WRMSR GS_BASE", gs, GS_KERNEL_MAGIC);
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_GS_BASE));
    CHECK_EQ("RDMSR GS_BASE", ((uint64_t)hi << 32) | lo, (uint64_t)gs_kernel_area);
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_PAT));
    CHECK_EQ("RDMSR PAT (Xen's)", ((uint64_t)hi << 32) | lo, 0x0000050100070406ULL);
    CHECK(read_cr(4) & (1UL << 5), "CR4.PAE clear in the emulated CR4 (%#lx)", read_cr(4));
    asm volatile("mov %0, %%cr4" : : "r"(read_cr(4) | (1UL << 7))); /* Linux's write_cr4 */
    CHECK(read_cr(4) & (1UL << 7), "CR4.PGE write not kept (%#lx)", read_cr(4));
    /* Single-stepping SYSCALL: the #DB it raises in the hypervisor is
     * absorbed there; the guest's own single step after it comes here,
     * through the hypervisor's #DB IST stack. */
    pv_set_handler(1, on_db);
    uint64_t nr = __HYPERVISOR_xen_version, a1 = XENVER_version, a2 = 0;

    asm volatile("pushfq; orq $0x100, (%%rsp); popfq; syscall; nop"
                 : "+a"(nr), "+D"(a1), "+S"(a2) : : "rcx", "r11", "rdx", "r10", "r8", "memory");
    CHECK(count[1] >= 1, "no #DB from single-stepping");
    info("WRMSR/RDMSR GS_BASE, PAT, single-stepped SYSCALL (%u #DB): fine", count[1]);
}

/* Linux's PV spinlock wait: SCHEDOP_poll on a port it keeps masked. The
 * port turning pending (here: the timer's) must end the poll, though no
 * upcall comes; the 5 s timeout must not be what ends it. */
static void check_poll_masked(volatile struct vcpu_info *vi, uint32_t port)
{
    volatile uint64_t *pending = &shinfo.evtchn_pending[port / 64];
    volatile uint64_t *mask = &shinfo.evtchn_mask[port / 64];
    uint64_t bit = 1ULL << (port % 64), start = pv_now_ns(vi), took;
    struct vcpu_set_singleshot_timer t = {start + 3000000, 0};
    struct sched_poll sp = {(uint64_t)&port, 1, start + 5000000000ULL};
    unsigned int upcalls = count[VEC_EVENT];

    *mask |= bit;
    *pending &= ~bit;
    EXPECT_RC("set_singleshot_timer", hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
    EXPECT_RC("SCHEDOP_poll (masked timer port)", hc_sched_op(SCHEDOP_poll, &sp), 0);
    took = pv_now_ns(vi) - start;
    CHECK(took >= 3000000 && took < 1000000000ULL,
          "poll on the masked timer port ended after %lu ns (timer 3 ms, timeout 5 s)", took);
    CHECK(*pending & bit, "timer port %u not pending after the poll", port);
    CHECK_EQ("upcalls for the masked port", count[VEC_EVENT], upcalls);
    *pending &= ~bit;
    *mask &= ~bit;
    info("SCHEDOP_poll on masked port %u ended by the port after %lu us", port, took / 1000);
}

static void check_events(void)
{
    volatile struct vcpu_info *vi = &vinfo_page[0];
    struct vcpu_register_vcpu_info reg = {pv_mfn_of(vinfo_page), 0, 0};
    struct evtchn_bind_virq bv = {VIRQ_TIMER, 0, 0};
    struct evtchn_bind_ipi bi = {0, 0};
    struct evtchn_port_op send;
    struct vcpu_set_singleshot_timer t;
    uint64_t start;

    EXPECT_RC("update_va_mapping(shared_info)",
              hc_update_va_mapping((const void *)&shinfo,
                                   pv_start_info->shared_info | PTE_PRESENT_RW_USER,
                                   UVMF_INVLPG), 0);
    CHECK(shinfo.vcpu_info[0].evtchn_upcall_mask == 1 && !(shinfo.wc_version & 1),
          "shared_info as mapped: upcall mask %u, wc_version %u",
          shinfo.vcpu_info[0].evtchn_upcall_mask, shinfo.wc_version);
    EXPECT_RC("register_vcpu_info", hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &reg), 0);
    /* The legacy form first (its event entry is replaced just below). */
    EXPECT_RC("set_callbacks", hypercall3(__HYPERVISOR_set_callbacks, (uint64_t)on_event,
                                          0, 0), 0);
    EXPECT_RC("callbacks", pv_install_callbacks(), 0);
    {
        struct callback_register nmi = {CALLBACKTYPE_nmi, 0, 0, (uint64_t)on_event};

        /* Linux BUG()s if this fails; no NMI is ever sent here. */
        EXPECT_RC("NMI callback", hc_callback_op(CALLBACKOP_register, &nmi), 0);
    }
    pv_set_handler(VEC_EVENT, on_event);
    /* The move leaves an upcall pending: take it once events are on. */
    WRITE_ONCE(vi->evtchn_upcall_mask, 0);
    hc_xen_version(XENVER_version, NULL);
    CHECK_EQ("upcalls after unmasking", count[VEC_EVENT], 1);
    event_sel = 0;

    EXPECT_RC("bind_virq(TIMER)", hc_event_channel_op(EVTCHNOP_bind_virq, &bv), 0);
    start = pv_now_ns(vi);
    CHECK(start, "pvclock unusable in the registered vcpu_info");
    t = (struct vcpu_set_singleshot_timer){start + 3000000, 0};
    /* Masked from arming to blocking, as Linux's idle does: a vCPU
     * preempted for 3 ms in between would otherwise take the upcall
     * first and then block with nothing left to wake it. SCHEDOP_block
     * unmasks and looks for a pending event in one step. */
    WRITE_ONCE(vi->evtchn_upcall_mask, 1);
    EXPECT_RC("set_singleshot_timer", hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
    EXPECT_RC("SCHEDOP_block", hc_sched_op(SCHEDOP_block, NULL), 0);
    CHECK_EQ("upcalls after the timer", count[VEC_EVENT], 2);
    CHECK(event_sel & (1ULL << (bv.port / 64)), "timer port %u not in pending_sel %#lx",
          bv.port, event_sel);
    CHECK(shinfo.evtchn_pending[bv.port / 64] & (1ULL << (bv.port % 64)),
          "timer port %u not pending in shared_info", bv.port);
    CHECK(pv_now_ns(vi) >= start + 3000000, "woken %lu ns early",
          start + 3000000 - pv_now_ns(vi));

    EXPECT_RC("bind_ipi", hc_event_channel_op(EVTCHNOP_bind_ipi, &bi), 0);
    WRITE_ONCE(vi->evtchn_upcall_mask, 1);
    send.port = bi.port;
    EXPECT_RC("send(ipi)", hc_event_channel_op(EVTCHNOP_send, &send), 0);
    CHECK(count[VEC_EVENT] == 2 && READ_ONCE(vi->evtchn_upcall_pending),
          "a masked event was delivered (%u) or not left pending", count[VEC_EVENT]);
    WRITE_ONCE(vi->evtchn_upcall_mask, 0);
    hc_xen_version(XENVER_version, NULL);
    CHECK_EQ("upcalls after unmasking the IPI", count[VEC_EVENT], 3);
    info("events: timer port %u woke SCHEDOP_block, IPI port %u held while masked",
         bv.port, bi.port);
    check_poll_masked(vi, bv.port);
}

/* User mode: read %gs:0, fault once, then SYSCALL with what was read. */
static struct pv_jmp back_to_kernel;
static volatile uint64_t user_gs, user_rip, user_cs, user_rax;

static void __attribute__((used)) user_main(void)
{
    uint64_t gs;

    asm volatile("mov %%gs:0, %0" : "=r"(gs));
    expect(14);
    asm volatile(RESUME_AT_1F "movb (%[a]), %%al\n1:"
                 : [resume] "=m"(resume_rip) : [a] "r"(UNMAPPED_VA) : "rax", "memory");
    asm volatile("syscall" : : "a"(USER_SYSCALL_MAGIC), "D"(gs) : "rcx", "r11", "memory");
    for (;;)
        asm volatile("ud2");
}

static void on_user_syscall(struct pv_frame *f)
{
    uint64_t gs;

    user_gs = f->rdi, user_rip = f->rcx, user_cs = f->cs, user_rax = f->rax;
    asm volatile("mov %%gs:0, %0" : "=r"(gs));
    CHECK_EQ("kernel %gs:0 back after the user SYSCALL", gs, GS_KERNEL_MAGIC);
    WRITE_ONCE(vinfo_page[0].evtchn_upcall_mask, 0); /* the callback masked them */
    pv_longjmp(&back_to_kernel);
}

static void check_user_mode(void)
{
    struct pv_iret_frame to_user = {(uint64_t)user_main, FLAT_USER_CS, 0x202,
                                    (uint64_t)(user_stack + sizeof(user_stack)) - 8,
                                    FLAT_RING3_SS64};
    /* User mode shares the kernel's tables here (XTF does the same). */
    struct mmuext_op user_base = {MMUEXT_NEW_USER_BASEPTR, 0,
                                  pv_mfn_of((void *)pv_start_info->pt_base), 0};

    EXPECT_RC("NEW_USER_BASEPTR", hc_mmuext_op(&user_base, 1), 0);
    EXPECT_RC("stack_switch", hc_stack_switch(FLAT_RING3_SS64,
                                              (uint64_t)(kernel_stack + sizeof(kernel_stack))), 0);
    EXPECT_RC("set_segment_base(GS_USER)",
              hc_set_segment_base(SEGBASE_GS_USER, (uint64_t)gs_user_area), 0);
    pv_set_handler(VEC_SYSCALL, on_user_syscall);
    if (!pv_setjmp(&back_to_kernel))
        pv_iret_to(&to_user);
    CHECK_EQ("user SYSCALL RAX", user_rax, USER_SYSCALL_MAGIC);
    CHECK_EQ("user %gs:0 (SEGBASE_GS_USER)", user_gs, GS_USER_MAGIC);
    CHECK_EQ("CS of the user SYSCALL frame", user_cs & 3, 3);
    CHECK_EQ("user #PF error (user read, not present)", fault_error, 4);
    CHECK_EQ("CS of the user #PF frame", fault_cs & 3, 3);
    info("user mode: %%gs:0 %#lx, #PF bounced and resumed, SYSCALL from %#lx to the callback",
         user_gs, user_rip);
}

static uint16_t read_ds(void)
{
    uint16_t ds;

    asm volatile("mov %%ds, %0" : "=r"(ds));
    return ds;
}

/* "linger=<ms>": keep going round user mode and back for that long, so
 * that guests sharing a pCPU are preempted in ring 3 and switched; every
 * round checks the GS bases of both modes, the trap table and DS/ES.
 * DS and ES hold the flat ring-3 data selector meanwhile, as in a kernel
 * started by Xen's domain builder: what a PV vCPU leaves in them must
 * not become the hypervisor's (VT-x refuses host selectors with RPL 3). */
static void linger(void)
{
    const char *arg = pv_start_info->cmd_line;
    uint64_t ms = 0, end, rounds = 0;
    unsigned int int3s = count[3];
    uint16_t flat = FLAT_RING3_SS64;

    asm volatile("mov %0, %%ds\n\tmov %0, %%es" : : "r"(flat));

    for (; *arg && memcmp(arg, "linger=", 7); arg++)
        ;
    for (arg += *arg ? 7 : 0; *arg >= '0' && *arg <= '9'; arg++)
        ms = ms * 10 + (uint64_t)(*arg - '0');
    end = pv_now_ns(&vinfo_page[0]) + ms * 1000000;
    while (ms && pv_now_ns(&vinfo_page[0]) < end) {
        check_user_mode();
        asm volatile("int3");
        CHECK_EQ("INT3 deliveries while lingering", count[3], ++int3s);
        CHECK_EQ("DS while lingering", read_ds(), FLAT_RING3_SS64);
        rounds++;
    }
    if (ms)
        info("lingered %lu ms: %lu rounds through user mode", ms, rounds);
}

void test_main(void)
{
    info("PV guest kernel in ring 3 (CS %#x), start_info at %p",
         ({ uint16_t cs; asm("mov %%cs, %0" : "=r"(cs)); cs; }), (void *)pv_start_info);
    for (unsigned int v = 0; v < 32; v++)
        pv_set_handler(v, on_fault);
    pv_set_handler(3, on_trap);
    pv_set_handler(0x80, on_trap);
    check_start_info();
    check_console_ring();
    check_memory_op();
    check_cpuid();
    check_faults();
    check_emulation();
    check_events();
    check_user_mode();
    linger();
}
