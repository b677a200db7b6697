// SPDX-License-Identifier: MIT
/*
 * SVM ASIDs, handed out per pCPU and per generation (the scheme of KVM and
 * Xen) instead of one per vCPU for life, so that the number of vCPUs is not
 * bounded by the number of ASIDs (16 under QEMU's TCG).
 *
 * Design: TLB entries are tagged with the ASID of the guest that made them
 * and live in one pCPU's TLB (APM Vol. 2, "TLB Flush" and "Address Space
 * Identifiers"). Each pCPU hands out ASIDs 1..nr_asids-1 in order from its
 * own counter. A vCPU keeps the ASID it was given while its tag names this
 * pCPU and this pCPU's current generation; otherwise it is given the next
 * one. When the counter runs out, the generation is bumped (every tag given
 * out so far becomes stale) and the next VMRUN on this pCPU flushes every
 * ASID (TLB_CONTROL = 1) before any ASID is used again.
 *
 * Why no translation is ever used by the wrong guest: within one generation
 * of one pCPU an ASID goes to at most one vCPU, so the only entries tagged
 * with it on this pCPU are that vCPU's. Entries of an earlier generation are
 * gone, since the first VMRUN of a generation flushes everything before its
 * guest runs (and the flush stays pending until a VMRUN was really entered).
 * A vCPU that leaves this pCPU and comes back gets a fresh ASID, so entries
 * it left under its old ASID, which may predate changes made to its nested
 * or guest page tables elsewhere, are never used again: they sit unused
 * until the next flush. Hence moving between pCPUs needs no flush of its
 * own. The first assignment on each pCPU starts a generation, so whatever a
 * previous owner of the CPU left in its TLB is flushed too.
 *
 * Locking: none. A pCPU's svm_asid_cpu and the tag of the vCPU it is about
 * to run are touched only by that pCPU with interrupts off, between the
 * scheduler's switch-in and VMRUN; a vCPU runs on one pCPU at a time.
 */
#include "svm_asid.h"

void svm_asid_cpu_init(struct svm_asid_cpu *c, uint32_t nr_asids, bool flush_by_asid)
{
    /* Exhausted on purpose: the first assignment starts generation 2 with
     * a flush of everything. Tags start at generation 0. */
    *c = (struct svm_asid_cpu){ .generation = 1, .next = nr_asids,
                                .nr_asids = nr_asids, .flush_by_asid = flush_by_asid };
}

static void new_generation(struct svm_asid_cpu *c)
{
    c->generation++;
    c->next = 1;
    c->flush_pending = true;
}

enum svm_asid_flush svm_asid_assign(struct svm_asid_cpu *c, unsigned int cpu,
                                    struct svm_asid_tag *t, bool want_flush)
{
    /* Without flush-by-ASID, a fresh ASID is how one vCPU's entries are
     * dropped (the old ones are never used again, as above). */
    bool renew = want_flush && !c->flush_by_asid;

    if (renew || t->cpu != cpu || t->generation != c->generation) {
        if (c->next >= c->nr_asids)
            new_generation(c);
        *t = (struct svm_asid_tag){ .generation = c->generation, .asid = c->next++,
                                    .cpu = cpu };
        want_flush = false; /* no entries carry this ASID in this generation */
    }
    if (c->flush_pending)
        return SVM_ASID_FLUSH_ALL;
    return want_flush ? SVM_ASID_FLUSH_ASID : SVM_ASID_FLUSH_NONE;
}

void svm_asid_flushed(struct svm_asid_cpu *c)
{
    c->flush_pending = false;
}
