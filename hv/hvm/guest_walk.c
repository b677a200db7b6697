// SPDX-License-Identifier: MIT
/* Guest linear-address translation for emulation: a software walk of the
 * guest's own page tables (SDM Vol. 3, "Paging"), with the permission
 * checks that decide which #PF the guest gets. */
#include <hv/errno.h>
#include <hv/hvm/vcpu.h>
#include <hv/lib.h>
#include <hv/pagetable.h>
#include <hv/x86.h>

#define CR0_PG (1ULL << 31)
#define CR4_PSE (1ULL << 4)
#define CR4_PAE (1ULL << 5)

struct walk {
    struct vcpu *v;
    uint64_t linear;
    uint32_t access;   /* PFEC_WRITE | PFEC_FETCH | PFEC_USER */
    bool wp, nxe;
};

static int walk_fault(const struct walk *w, bool present, struct guest_fault *f)
{
    f->vector = 14;
    f->error = w->access | (present ? PFEC_PRESENT : 0);
    f->cr2 = w->linear;
    return -EFAULT;
}

/* Check one level's entry; accumulate U/W/NX along the walk. */
static bool entry_allows(const struct walk *w, uint64_t e, bool *user, bool *write,
                         bool *nx)
{
    *user = *user && (e & PTE_U);
    *write = *write && (e & PTE_W);
    *nx = *nx || (w->nxe && (e >> 63));
    if ((w->access & PFEC_USER) && !*user)
        return false;
    if ((w->access & PFEC_WRITE) && !*write && ((w->access & PFEC_USER) || w->wp))
        return false;
    return !((w->access & PFEC_FETCH) && *nx);
}

/* Walk `levels` levels of 64-bit entries (PAE: 3 with a 4-entry top). */
static int walk_long(const struct walk *w, uint64_t table, int levels, uint64_t *gpa,
                     struct guest_fault *f)
{
    bool user = true, write = true, nx = false;

    for (int lvl = levels; lvl >= 1; lvl--) {
        unsigned int shift = 12 + 9 * (lvl - 1);
        unsigned int idx = (w->linear >> shift) & (lvl == 3 && levels == 3 ? 3 : 511);
        uint64_t e;

        if (copy_from_gpa(w->v->domain, &e, table + idx * 8, 8))
            return walk_fault(w, false, f);
        if (!(e & 1))
            return walk_fault(w, false, f);
        if (lvl == 3 && levels == 3) { /* PDPTE: no permission bits */
            table = e & 0x000ffffffffff000ULL;
            continue;
        }
        if (!entry_allows(w, e, &user, &write, &nx))
            return walk_fault(w, true, f);
        if (lvl == 1 || (lvl <= 3 && (e & PTE_PS))) {
            uint64_t mask = (1ULL << shift) - 1;

            *gpa = (e & 0x000ffffffffff000ULL & ~mask) | (w->linear & mask);
            return 0;
        }
        table = e & 0x000ffffffffff000ULL;
    }
    return walk_fault(w, false, f);
}

/* Legacy 32-bit paging, with 4 MiB pages when CR4.PSE. */
static int walk_32(const struct walk *w, uint64_t cr3, bool pse, uint64_t *gpa,
                   struct guest_fault *f)
{
    bool user = true, write = true, nx = false;
    uint64_t table = cr3 & 0xfffff000;

    for (int lvl = 2; lvl >= 1; lvl--) {
        unsigned int shift = lvl == 2 ? 22 : 12;
        uint32_t e;

        if (copy_from_gpa(w->v->domain, &e, table + ((w->linear >> shift) & 1023) * 4, 4))
            return walk_fault(w, false, f);
        if (!(e & 1))
            return walk_fault(w, false, f);
        if (!entry_allows(w, e, &user, &write, &nx))
            return walk_fault(w, true, f);
        if (lvl == 1 || (pse && (e & PTE_PS))) {
            uint64_t mask = (1ULL << shift) - 1;

            *gpa = (e & 0xfffff000 & ~mask) | (w->linear & mask);
            return 0;
        }
        table = e & 0xfffff000;
    }
    return walk_fault(w, false, f);
}

int hvm_translate(struct vcpu *v, uint64_t linear, uint32_t access, uint64_t *gpa,
                  struct guest_fault *f)
{
    uint64_t cr0 = hvm_ops->get_reg(v, HVM_CR0), cr4 = hvm_ops->get_reg(v, HVM_CR4);
    uint64_t efer = hvm_ops->get_reg(v, HVM_EFER), cr3 = hvm_ops->get_reg(v, HVM_CR3);
    struct walk w = { v, linear, access & ~HVM_ACCESS_KERNEL, cr0 & CR0_WP, efer & EFER_NXE };

    if (!(access & HVM_ACCESS_KERNEL) && hvm_ops->cpl(v) == 3)
        w.access |= PFEC_USER;
    if (!(cr0 & CR0_PG)) {
        *gpa = linear & 0xffffffff;
        return 0;
    }
    if (efer & EFER_LMA)
        return walk_long(&w, cr3 & 0x000ffffffffff000ULL, 4, gpa, f);
    if (cr4 & CR4_PAE)
        return walk_long(&w, cr3 & 0xffffffe0, 3, gpa, f);
    return walk_32(&w, cr3, cr4 & CR4_PSE, gpa, f);
}

static int copy_linear(struct vcpu *v, uint64_t linear, void *buf, size_t len,
                       uint32_t access, struct guest_fault *f, bool to_guest)
{
    while (len) {
        size_t chunk = MIN(len, PAGE_SIZE - (linear & (PAGE_SIZE - 1)));
        uint64_t gpa;
        int rc = hvm_translate(v, linear, access, &gpa, f);

        if (!rc)
            rc = to_guest ? copy_to_gpa(v->domain, gpa, buf, chunk)
                          : copy_from_gpa(v->domain, buf, gpa, chunk);
        if (rc)
            return rc;
        buf = (char *)buf + chunk;
        linear += chunk;
        len -= chunk;
    }
    return 0;
}

int hvm_copy_from_linear(struct vcpu *v, void *dst, uint64_t linear, size_t len,
                         uint32_t access, struct guest_fault *f)
{
    return copy_linear(v, linear, dst, len, access, f, false);
}

int hvm_copy_to_linear(struct vcpu *v, uint64_t linear, const void *src, size_t len,
                       struct guest_fault *f)
{
    return copy_linear(v, linear, (void *)src, len, PFEC_WRITE, f, true);
}

int hvm_copy_to_linear_kernel(struct vcpu *v, uint64_t linear, const void *src, size_t len,
                              struct guest_fault *f)
{
    return copy_linear(v, linear, (void *)src, len, PFEC_WRITE | HVM_ACCESS_KERNEL, f, true);
}
