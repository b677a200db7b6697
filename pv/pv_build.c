// SPDX-License-Identifier: MIT
/*
 * The PV domain builder: an ELF kernel with Xen notes loaded at its
 * virtual addresses, its initrd, the p2m list, start_info, the console
 * ring, page tables and a boot stack, all in one region from VIRT_BASE
 * (pv_layout.c plans it; the p2m list goes apart for an INIT_P2M note),
 * and vCPU 0 at the entry as the ABI says
 * (xen-abi.md §4.1, §4.3-4.5).
 */
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/m2p.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/x86.h>

#include "pv_build.h"
#include "pv_internal.h"

#define HYPERCALL_STUB 32
#define HYPERCALL_IRET 23

paddr_t pv_pfn_to_pa(struct domain *d, uint64_t pfn)
{
    paddr_t pa = 0;

    if (p2m_translate(&d->p2m, pfn << PAGE_SHIFT, &pa))
        BUG(); /* the layout keeps inside RAM */
    return pa;
}

static int va_write(struct domain *d, const struct pv_layout *l, uint64_t va,
                    const void *src, size_t len)
{
    return copy_to_gpa(d, va - l->virt_base, src, len);
}

static int pv_load_image(struct domain *d, const struct domain_config *cfg,
                         const struct pv_layout *l)
{
    const uint8_t *image = cfg->kernel;
    int rc = 0;

    /* RAM is zeroed when populated: the bss needs nothing. */
    for (unsigned int i = 0; i < l->nr_seg && !rc; i++)
        rc = copy_to_gpa(d, l->seg[i].gpa, image + l->seg[i].file_off, l->seg[i].filesz);
    if (!rc && l->initrd_va)
        rc = va_write(d, l, l->initrd_va, cfg->ramdisk, l->initrd_len);
    return rc;
}

/* 64-bit PV stubs (Xen's pv_ring3_init_hypercall_page): stub i is
 * "push %rcx; push %r11; mov $i, %eax; syscall; pop %r11; pop %rcx; ret";
 * iret's pushes RAX as well and never returns. The rest is INT3. */
static void hypercall_page_fill(uint8_t *page)
{
    static const uint8_t body[] = { 0x51, 0x41, 0x53, 0xb8, 0, 0, 0, 0,
                                    0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3 };
    static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, HYPERCALL_IRET, 0, 0, 0,
                                    0x0f, 0x05 };

    memset(page, 0xcc, PAGE_SIZE);
    for (unsigned int i = 0; i < PAGE_SIZE / HYPERCALL_STUB; i++) {
        uint8_t *stub = page + i * HYPERCALL_STUB;

        if (i == HYPERCALL_IRET) {
            memcpy(stub, iret, sizeof(iret));
            continue;
        }
        memcpy(stub, body, sizeof(body));
        stub[4] = (uint8_t)i;
    }
}

/* mfn_list[pfn] = MFN for every pfn of the domain, a page at a time, and
 * the M2P the other way round. */
static int pv_write_p2m(struct domain *d, const struct pv_layout *l)
{
    static uint64_t batch[PAGE_SIZE / 8];

    for (uint64_t pfn = 0; pfn < l->nr_pages; pfn += ARRAY_SIZE(batch)) {
        uint64_t n = MIN(ARRAY_SIZE(batch), l->nr_pages - pfn);
        int rc;

        for (uint64_t i = 0; i < n; i++) {
            batch[i] = pv_pfn_to_pa(d, pfn + i) >> PAGE_SHIFT;
            m2p_set(_mfn(batch[i]), pfn + i);
        }
        rc = copy_to_gpa(d, (l->p2m_pfn << PAGE_SHIFT) + pfn * 8, batch, n * 8);
        if (rc)
            return rc;
    }
    return 0;
}

static int pv_write_start_info(struct domain *d, const struct domain_config *cfg,
                               const struct pv_layout *l)
{
    static struct start_info si;
    uint64_t console_pfn = pv_va_to_pfn(l, l->console_va);

    memset(&si, 0, sizeof(si));
    memcpy(si.magic, "xen-3.0-x86_64", sizeof("xen-3.0-x86_64"));
    si.nr_pages = l->nr_pages;
    si.shared_info = __pa(d->xen->shinfo);
    si.console.domU.mfn = pv_pfn_to_pa(d, console_pfn) >> PAGE_SHIFT;
    si.console.domU.evtchn = d->xen->console_port;
    si.pt_base = l->pt_va;
    si.nr_pt_frames = l->nr_pt;
    si.mfn_list = l->p2m_va;
    if (l->p2m_apart) {
        si.first_p2m_pfn = l->p2m_pfn;
        si.nr_p2m_frames = l->nr_p2m_pages + l->nr_p2m_pt;
    }
    si.mod_start = l->initrd_va;
    si.mod_len = l->initrd_len;
    if (cfg->cmdline)
        memcpy(si.cmd_line, cfg->cmdline, strnlen(cfg->cmdline, MAX_GUEST_CMDLINE - 1));
    return va_write(d, l, l->start_info_va, &si, sizeof(si));
}

/*
 * vCPU 0 in guest kernel mode at the entry: RSI = start_info, RSP = end of
 * the boot stack, flat ring-3 selectors, interrupts enabled but every
 * vcpu_info's upcall mask set, so events wait until the kernel is ready.
 */
static void pv_vcpu0_init(struct domain *d, const struct pv_layout *l)
{
    struct pv_vcpu *p = pv_vcpu(d->vcpu[0]);

    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        d->xen->shinfo->vcpu_info[i].evtchn_upcall_mask = 1;
    p->regs = (struct cpu_regs){
        .rip = l->entry, .cs = FLAT_KERNEL_CS, .rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS,
        .rsp = l->stack_va + PAGE_SIZE, .ss = FLAT_KERNEL_SS, .rsi = l->start_info_va,
    };
    p->kernel_ss = FLAT_KERNEL_SS;
    p->kernel_sp = p->regs.rsp;
}

/*
 * Frames Mica writes and the guest maps: the console ring is guest RAM
 * held writable, so that it can never become a page table; shared_info is
 * Mica's page, shared with the domain (pv_mm_share: writable for it, never
 * a table) so that the guest can map it (xen-abi.md §4.13: Linux maps it
 * with update_va_mapping). Grant-table frames are shared as they are made
 * (hv/xen/gnttab.c).
 */
static int pv_frames_share(struct domain *d, uint64_t console_pfn)
{
    mfn_t console = paddr_to_mfn(pv_pfn_to_pa(d, console_pfn));
    int rc = pv_frame_hold(d, console);

    if (rc)
        return rc;
    d->pv->console_mfn = console;
    return pv_mm_share(&d->pv->mm, paddr_to_mfn(__pa(d->xen->shinfo)));
}

int pv_domain_build(struct domain *d, const struct domain_config *cfg)
{
    static struct pv_layout l; /* boot domains are built one at a time */
    uint64_t console_pfn;
    int rc = pv_layout_plan(cfg->kernel, cfg->kernel_len, d->ram_bytes, cfg->ramdisk_len, &l);

    if (!rc)
        rc = xen_domain_init(d);
    if (!rc)
        rc = pv_load_image(d, cfg, &l);
    if (!rc && l.hypercall_page)
        hypercall_page_fill(__va(pv_pfn_to_pa(d, pv_va_to_pfn(&l, l.hypercall_page))));
    console_pfn = pv_va_to_pfn(&l, l.console_va);
    if (!rc)
        rc = xen_console_attach(d, __va(pv_pfn_to_pa(d, console_pfn)), console_pfn);
    if (!rc)
        rc = pv_write_p2m(d, &l);
    if (!rc)
        rc = pv_build_pagetables(d, &l);
    if (!rc)
        rc = pv_frames_share(d, console_pfn);
    if (!rc)
        rc = pv_write_start_info(d, cfg, &l);
    if (rc) {
        printk(LOG_ERR "%s: the PV kernel could not be loaded (error %d)\n", d->name, rc);
        return rc;
    }
    pv_vcpu0_init(d, &l);
    printk("%s: PV kernel 0x%lx-0x%lx, entry 0x%lx, start_info 0x%lx, %lu page-table "
           "frames, boot region to 0x%lx, p2m list at 0x%lx%s\n", d->name, l.kstart, l.kend,
           l.entry, l.start_info_va, l.nr_pt, l.end, l.p2m_va,
           l.p2m_apart ? " (INIT_P2M)" : "");
    return 0;
}
