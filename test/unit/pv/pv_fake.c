// SPDX-License-Identifier: MIT
/* The simulated machine behind the PV MMU unit tests (pv_fake.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/hypercall.h>
#include <hv/panic.h>

#include "pv_fake.h"

static struct page_info frames[FAKE_FRAMES];
static uint8_t mem[FAKE_FRAMES][4096] __attribute__((aligned(4096)));
static uint64_t m2p[FAKE_FRAMES];
struct page_info *frame_table = frames;
struct buddy frame_allocator;

uint8_t guest_mem[4096];
struct pv_mm_domain dom1, dom2;
struct pv_mm_vcpu mv1[2], mv2;
struct vcpu vcpu1[2], vcpu2, vcpu_hvm;
struct fake_calls calls;
uint64_t fake_hv_l4[512];

void panic(const char *fmt, ...)
{
    fail_msg("hypervisor panic: %s", fmt);
    abort();
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
    (void)v;
    if (gva < GVA_BASE || len > sizeof(guest_mem) ||
        gva - GVA_BASE > sizeof(guest_mem) - len)
        return -EFAULT;
    memcpy(dst, guest_mem + (gva - GVA_BASE), len);
    return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
    (void)v;
    if (gva < GVA_BASE || len > sizeof(guest_mem) ||
        gva - GVA_BASE > sizeof(guest_mem) - len)
        return -EFAULT;
    memcpy(guest_mem + (gva - GVA_BASE), src, len);
    return 0;
}

static void *fake_map_frame(mfn_t mfn)
{
    assert_true(mfn_x(mfn) < FAKE_FRAMES);
    return mem[mfn_x(mfn)];
}

static const uint64_t *fake_hv_l4_get(void)
{
    return fake_hv_l4;
}

static struct pv_mm_vcpu *fake_vcpu(struct vcpu *v)
{
    if (v == &vcpu1[0] || v == &vcpu1[1])
        return &mv1[v - vcpu1];
    return v == &vcpu2 ? &mv2 : NULL;
}

static void fake_flush(struct pv_mm_domain *d, uint64_t mask, vaddr_t va)
{
    (void)d;
    calls.flushes++;
    calls.flush_mask = mask;
    calls.flush_va = va;
}

static void fake_base_changed(struct pv_mm_vcpu *mv)
{
    (void)mv;
    calls.base_changed++;
}

static int fake_ldt_changed(struct pv_mm_vcpu *mv, uint64_t base, unsigned int ents)
{
    (void)mv;
    calls.ldt_changed++;
    calls.ldt_base = base;
    calls.ldt_ents = ents;
    return calls.ldt_rc;
}

static bool fake_preempt(void)
{
    return calls.preempt_in >= 0 && calls.preempt_in-- == 0;
}

static const struct pv_mm_ops fake_ops = {
    .map_frame = fake_map_frame,
    .hv_l4 = fake_hv_l4_get,
    .vcpu = fake_vcpu,
    .flush = fake_flush,
    .base_changed = fake_base_changed,
    .ldt_changed = fake_ldt_changed,
    .preempt_check = fake_preempt,
};

static void frames_assign(uint64_t first, uint64_t last, uint16_t owner, uint8_t flags)
{
    for (uint64_t m = first; m <= last; m++) {
        frames[m].owner = owner;
        frames[m].flags = flags;
    }
}

void fake_reset(void)
{
    memset(frames, 0, sizeof(frames));
    memset(mem, 0, sizeof(mem));
    memset(guest_mem, 0, sizeof(guest_mem));
    memset(&calls, 0, sizeof(calls));
    calls.preempt_in = -1;
    frame_allocator.nr_frames = FAKE_FRAMES;
    frames_assign(0, 3, DOMID_XEN, 0);
    frames_assign(F_HOLE, F_HOLE, DOMID_IO, PGF_RESERVED);
    frames_assign(5, 39, DOM1, 0);
    frames_assign(40, 47, DOM2, 0);
    frames_assign(48, 63, DOMID_FREE, PGF_FREE);
    for (unsigned int i = 0; i < 512; i++)
        fake_hv_l4[i] = i >= 256 && i <= 271 ? pte(1, PTE_P | PTE_W) + i : 0;
    for (unsigned int i = 0; i < FAKE_FRAMES; i++)
        m2p[i] = M2P_INVALID;
    m2p_use_table(m2p, FAKE_FRAMES);
    pv_mm_ops = &fake_ops;
    pv_mm_domain_init(&dom1, DOM1, 2);
    pv_mm_domain_init(&dom2, DOM2, 1);
    pv_mm_vcpu_init(&mv1[0], &dom1, 0);
    pv_mm_vcpu_init(&mv1[1], &dom1, 1);
    pv_mm_vcpu_init(&mv2, &dom2, 0);
    test_log_clear();
}

struct page_info *pg(uint64_t mfn)
{
    return &frames[mfn];
}

uint64_t *frame(uint64_t mfn)
{
    return (uint64_t *)mem[mfn];
}

void fake_build_tree(void)
{
    frame(F_L4)[0] = pte(F_L3, PT_FLAGS);
    frame(F_L3)[0] = pte(F_L2, PT_FLAGS);
    frame(F_L2)[0] = pte(F_L1, PT_FLAGS);
    for (unsigned int i = 0; i < 4; i++)
        frame(F_L1)[i] = pte(F_DATA + i, RW_FLAGS);
    frame(F_L1)[5] = pte(F_L1, RO_FLAGS);
}

void fake_tree_pin(void)
{
    fake_build_tree();
    assert_int_equal(pv_mm_pin(&dom1, _mfn(F_L4), PGT_L4), 0);
}

int fake_setup(void **state)
{
    (void)state;
    fake_reset();
    return 0;
}

unsigned int fake_busy(uint16_t domid)
{
    unsigned int n = 0;

    for (unsigned int m = 0; m < FAKE_FRAMES; m++)
        n += frames[m].owner == domid && (frames[m].count || frames[m].type_count);
    return n;
}
