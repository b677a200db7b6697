// SPDX-License-Identifier: MIT
/* The PV domain builder's plan (pv_layout.h): Xen notes, PT_LOAD segments
 * and the bootstrap region. Pure computation, unit-tested on the host. */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/unaligned.h>

#include "pv_guest_va.h"
#include "pv_layout.h"

/*
 * Design: the image is hostile, as in xen_elfnote.c. Sizes are bounded
 * before they are added, and the region is computed as offsets from
 * virt_base so that nothing wraps; its virtual addresses are formed only
 * once the whole of it is known to fit. Loader arithmetic and checks are
 * Xen's libelf elf_xen_addr_calc_check() and elf_xen_note_check(); the
 * order of elements is libxenguest's (xen-abi.md §2, §4.3).
 */

#define SEG_MAX_BYTES GiB(1)         /* Linux's whole region fits one L2 */

static bool has_prefix(const char *s, const char *prefix)
{
    return s && !strncmp(s, prefix, strlen(prefix));
}

static int pv_check_notes(const struct xen_elfnotes *n)
{
    if (!has_prefix(n->xen_version, "xen-3.0")) {
        printk(LOG_WARN "pv: no XEN_VERSION note \"xen-3.0...\": not a PV kernel\n");
        return -EINVAL;
    }
    if (!has_prefix(n->loader, "generic") && !has_prefix(n->guest_os, "linux")) {
        printk(LOG_WARN "pv: neither LOADER \"generic\" nor GUEST_OS \"linux\"\n");
        return -EINVAL;
    }
    if (n->features && strstr(n->features, "!supervisor_mode_kernel")) {
        printk(LOG_WARN "pv: the kernel requires supervisor_mode_kernel\n");
        return -EINVAL;
    }
    return 0;
}

static bool segs_overlap(const struct pv_seg *a, const struct pv_seg *b)
{
    return a->gpa < b->gpa + b->memsz && b->gpa < a->gpa + a->memsz;
}

static int pv_add_seg(const struct elf64_view *v, const uint8_t *ph, uint64_t paddr_offset,
                      struct pv_layout *l)
{
    uint64_t paddr = get_unaligned_64(ph + ELF64_P_PADDR);
    struct pv_seg s = {
        .file_off = get_unaligned_64(ph + ELF64_P_OFFSET),
        .filesz = get_unaligned_64(ph + ELF64_P_FILESZ),
        .memsz = get_unaligned_64(ph + ELF64_P_MEMSZ),
    };

    if (s.file_off > v->len || s.filesz > v->len - s.file_off || s.filesz > s.memsz ||
        s.memsz > SEG_MAX_BYTES || paddr < paddr_offset || paddr - paddr_offset > GiB(64)) {
        printk(LOG_WARN "pv: PT_LOAD at paddr 0x%llx is malformed or out of range\n",
               (unsigned long long)paddr);
        return -EINVAL;
    }
    s.gpa = paddr - paddr_offset;
    for (unsigned int i = 0; i < l->nr_seg; i++) {
        if (segs_overlap(&s, &l->seg[i])) {
            printk(LOG_WARN "pv: PT_LOAD segments overlap\n");
            return -EINVAL;
        }
    }
    if (l->nr_seg == PV_MAX_SEGS) {
        printk(LOG_WARN "pv: more than %u PT_LOAD segments\n", PV_MAX_SEGS);
        return -EINVAL;
    }
    l->seg[l->nr_seg++] = s;
    return 0;
}

/* The segments' span as pseudo-physical [*start, *end). */
static int pv_read_segs(const struct elf64_view *v, uint64_t paddr_offset,
                        struct pv_layout *l, uint64_t *start, uint64_t *end)
{
    *start = ~0ULL, *end = 0;
    for (uint64_t i = 0; i < v->phnum; i++) {
        const uint8_t *ph = v->b + v->phoff + i * v->phentsize;
        int rc;

        if (get_unaligned_32(ph + ELF64_P_TYPE) != ELF64_PT_LOAD ||
            !get_unaligned_64(ph + ELF64_P_MEMSZ))
            continue;
        rc = pv_add_seg(v, ph, paddr_offset, l);
        if (rc)
            return rc;
        *start = MIN(*start, l->seg[l->nr_seg - 1].gpa);
        *end = MAX(*end, l->seg[l->nr_seg - 1].gpa + l->seg[l->nr_seg - 1].memsz);
    }
    if (!l->nr_seg) {
        printk(LOG_WARN "pv: no PT_LOAD segment\n");
        return -EINVAL;
    }
    return 0;
}

uint64_t pv_layout_count_tables(uint64_t start, uint64_t end)
{
    uint64_t n = 1; /* the L4 */

    for (unsigned int shift = 39; shift >= 21; shift -= 9)
        n += ((end - 1) >> shift) - (start >> shift) + 1;
    return n;
}

/* Offsets from virt_base for everything after the kernel (kend_off). */
static int pv_place(struct pv_layout *l, uint64_t kend_off, uint64_t ram_bytes,
                    uint64_t initrd_len)
{
    uint64_t off = ROUNDUP(kend_off, PAGE_SIZE), initrd_off = off, nr_pt = 0, end;
    uint64_t p2m_off, si_off, pt_off;

    off += ROUNDUP(initrd_len, PAGE_SIZE);
    p2m_off = off;
    if (!l->p2m_apart)
        off += ROUNDUP(l->nr_pages * 8, PAGE_SIZE);
    si_off = off;
    off += 2 * PAGE_SIZE; /* start_info, console ring */
    pt_off = off;
    for (;;) { /* the tables map themselves: grow until they suffice */
        end = ROUNDUP(pt_off + (nr_pt + 1) * PAGE_SIZE + KiB(512), MiB(4));
        if (end > ram_bytes || !pv_range_is_guest(l->virt_base, end)) {
            printk(LOG_WARN "pv: the boot region (%llu KiB) does not fit the domain\n",
                   (unsigned long long)(end >> 10));
            return -ENOMEM;
        }
        if (pv_layout_count_tables(l->virt_base, l->virt_base + end) <= nr_pt)
            break;
        nr_pt = pv_layout_count_tables(l->virt_base, l->virt_base + end);
    }
    l->initrd_va = initrd_len ? l->virt_base + initrd_off : 0;
    l->initrd_len = initrd_len;
    if (!l->p2m_apart)
        l->p2m_va = l->virt_base + p2m_off;
    l->p2m_pfn = l->p2m_apart ? end >> PAGE_SHIFT : p2m_off >> PAGE_SHIFT;
    l->start_info_va = l->virt_base + si_off;
    l->console_va = l->start_info_va + PAGE_SIZE;
    l->pt_va = l->virt_base + pt_off;
    l->nr_pt = nr_pt;
    l->stack_va = l->pt_va + nr_pt * PAGE_SIZE;
    l->end = l->virt_base + end;
    return 0;
}

static int pv_check_addrs(const struct pv_layout *l, const struct xen_elfnotes *n)
{
    if (l->entry < l->kstart || l->entry >= l->kend) {
        printk(LOG_WARN "pv: entry 0x%llx outside the kernel\n",
               (unsigned long long)l->entry);
        return -EINVAL;
    }
    if (xen_elfnote_present(n, XEN_ELFNOTE_HYPERCALL_PAGE) &&
        ((n->hypercall_page & (PAGE_SIZE - 1)) || n->hypercall_page < l->kstart ||
         n->hypercall_page >= l->kend)) {
        printk(LOG_WARN "pv: hypercall page 0x%llx not a page of the kernel\n",
               (unsigned long long)n->hypercall_page);
        return -EINVAL;
    }
    return 0;
}

/*
 * XEN_ELFNOTE_INIT_P2M: the kernel wants the p2m list mapped at this
 * address, apart from the boot region (Linux: 512 GiB, so that the list
 * can be as large as RAM needs), as Xen's builder does: list pages and
 * their page tables on the pfns after the region, reported to the guest in
 * start_info's first_p2m_pfn and nr_p2m_frames. The range must be page
 * aligned, in the guest's half and clear of the boot region.
 */
static int pv_place_p2m(struct pv_layout *l, uint64_t ram_bytes)
{
    uint64_t size = l->nr_p2m_pages << PAGE_SHIFT;

    if (!l->p2m_apart)
        return 0;
    if ((l->p2m_va & (PAGE_SIZE - 1)) || !pv_range_is_guest(l->p2m_va, size) ||
        (l->p2m_va < l->end && l->p2m_va + size > l->virt_base)) {
        printk(LOG_WARN "pv: INIT_P2M 0x%llx unusable (alignment, hypervisor range or "
               "boot region)\n", (unsigned long long)l->p2m_va);
        return -EINVAL;
    }
    /* The L4 is the boot region's: count only the levels below it. */
    l->nr_p2m_pt = pv_layout_count_tables(l->p2m_va, l->p2m_va + size) - 1;
    if (((l->p2m_pfn + l->nr_p2m_pages + l->nr_p2m_pt) << PAGE_SHIFT) > ram_bytes) {
        printk(LOG_WARN "pv: the p2m list at INIT_P2M does not fit the domain\n");
        return -ENOMEM;
    }
    return 0;
}

int pv_layout_plan(const void *image, size_t len, uint64_t ram_bytes, uint64_t initrd_len,
                   struct pv_layout *l)
{
    struct xen_elfnotes n;
    struct elf64_view v;
    uint64_t pstart, pend;
    int rc;

    memset(l, 0, sizeof(*l));
    rc = xen_elfnotes_parse(image, len, &n);
    if (!rc)
        rc = pv_check_notes(&n);
    if (!rc)
        rc = elf64_view_init(image, len, &v);
    if (!rc)
        rc = pv_read_segs(&v, n.paddr_offset, l, &pstart, &pend);
    if (rc)
        return rc;
    l->virt_base = n.virt_base;
    l->nr_pages = ram_bytes >> PAGE_SHIFT;
    l->nr_p2m_pages = ROUNDUP(l->nr_pages * 8, PAGE_SIZE) >> PAGE_SHIFT;
    l->p2m_apart = xen_elfnote_present(&n, XEN_ELFNOTE_INIT_P2M);
    l->p2m_va = l->p2m_apart ? n.init_p2m : 0;
    if (l->virt_base & (PAGE_SIZE - 1)) {
        printk(LOG_WARN "pv: VIRT_BASE 0x%llx not page aligned\n",
               (unsigned long long)l->virt_base);
        return -EINVAL;
    }
    if (pend > ram_bytes || initrd_len > ram_bytes ||
        !pv_range_is_guest(l->virt_base, ROUNDUP(pend, PAGE_SIZE))) {
        printk(LOG_WARN "pv: the kernel does not fit the domain\n");
        return -ENOMEM;
    }
    l->kstart = l->virt_base + ROUNDDOWN(pstart, PAGE_SIZE);
    l->kend = l->virt_base + ROUNDUP(pend, PAGE_SIZE);
    l->entry = xen_elfnote_present(&n, XEN_ELFNOTE_ENTRY) ? n.entry : v.entry;
    l->hypercall_page = n.hypercall_page;
    rc = pv_check_addrs(l, &n);
    if (!rc)
        rc = pv_place(l, pend, ram_bytes, initrd_len);
    return rc ? rc : pv_place_p2m(l, ram_bytes);
}
