// SPDX-License-Identifier: MIT
/* Hypercall and PV event counts: the per-vCPU counters, their sum over a
 * domain and its text form. */
#include <hv/hcstats.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/textbuf.h>
#include <hv/xen.h>

/*
 * Design: each vCPU counts in its own struct xen_vcpu with plain
 * increments: only the pCPU running the vCPU writes them, so there is no
 * atomic and no cache line shared between pCPUs on the hypercall path.
 * Readers sum the vCPUs' counters; a sum taken while they run may be a
 * few counts behind, never torn (aligned 64-bit loads).
 *
 * A hypercall made inside a multicall is counted as that hypercall too;
 * one continued (-ERESTART) is counted once per entry into the hypervisor.
 */

_Static_assert(HCSTATS_NR_CALLS == NR_HYPERCALLS, "hcstats covers the table");

#define HC_NAME(name, nr, pv, hvm) [nr] = #name,
static const char *const call_names[NR_HYPERCALLS] = { HYPERCALL_TABLE(HC_NAME) };
#undef HC_NAME

static const char *const batch_names[NR_HCSTAT_BATCH] = {
    [HCSTAT_MMU_UPDATE_REQS] = "mmu_update",
    [HCSTAT_MMUEXT_OPS] = "mmuext_op",
    [HCSTAT_MULTICALL_CALLS] = "multicall",
};

static const char *const event_names[NR_HCSTAT_EVENT] = {
    [HCSTAT_SYSCALL] = "syscall", [HCSTAT_UPCALL] = "upcall",
    [HCSTAT_EMUL_GP] = "emul_gp", [HCSTAT_EMUL_UD] = "emul_ud",
    [HCSTAT_EMUL_PTWR] = "ptwr",
};

/* Mnemonics of SDM Vol. 3, "Exception and Interrupt Reference". */
static const char *const trap_names[32] = {
    [0] = "de", [1] = "db", [3] = "bp", [4] = "of", [5] = "br", [6] = "ud",
    [7] = "nm", [8] = "df", [10] = "ts", [11] = "np", [12] = "ss", [13] = "gp",
    [14] = "pf", [16] = "mf", [17] = "ac", [18] = "mc", [19] = "xm",
};

static struct hcstats *stats_of(struct vcpu *v)
{
    return v->xen ? &v->xen->stats : NULL;
}

void hcstats_call(struct vcpu *v, uint64_t nr)
{
    struct hcstats *s = stats_of(v);

    if (s)
        s->calls[nr < NR_HYPERCALLS ? nr : NR_HYPERCALLS]++;
}

void hcstats_batch(struct vcpu *v, enum hcstat_batch b)
{
    struct hcstats *s = stats_of(v);

    if (s && b < NR_HCSTAT_BATCH)
        s->batch[b]++;
}

void hcstats_trap(struct vcpu *v, unsigned int vector)
{
    struct hcstats *s = stats_of(v);

    if (s && vector < 32)
        s->traps[vector]++;
}

void hcstats_event(struct vcpu *v, enum hcstat_event e)
{
    struct hcstats *s = stats_of(v);

    if (s && e < NR_HCSTAT_EVENT)
        s->events[e]++;
}

static void stats_add(struct hcstats *sum, const struct hcstats *s)
{
    const uint64_t *from = (const uint64_t *)s;
    uint64_t *to = (uint64_t *)sum;

    for (size_t i = 0; i < sizeof(*s) / sizeof(uint64_t); i++)
        to[i] += __atomic_load_n(&from[i], __ATOMIC_RELAXED);
}

void hcstats_domain_sum(const struct domain *d, struct hcstats *sum)
{
    *sum = (struct hcstats){ 0 };
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i]->xen)
            stats_add(sum, &d->vcpu[i]->xen->stats);
}

static void line(struct textbuf *out, unsigned int domid, const char *group,
                 const char *name, uint64_t n)
{
    if (n)
        textbuf_printf(out, "hcstats d%u %s %s %lu\n", domid, group, name, n);
}

/* Numbers without a handler by number ("hc7"), the rest as "hc_other". */
static void format_calls(const struct hcstats *s, unsigned int domid, struct textbuf *out)
{
    char name[8];

    for (unsigned int nr = 0; nr < NR_HYPERCALLS; nr++) {
        if (!call_names[nr])
            hv_snprintf(name, sizeof(name), "hc%u", nr);
        line(out, domid, "hypercall", call_names[nr] ? call_names[nr] : name,
             s->calls[nr]);
    }
    line(out, domid, "hypercall", "hc_other", s->calls[NR_HYPERCALLS]);
}

void hcstats_format(const struct hcstats *s, unsigned int domid, struct textbuf *out)
{
    char name[8];
    uint64_t total = 0;

    textbuf_printf(out, "hcstats d%u begin\n", domid);
    format_calls(s, domid, out);
    for (unsigned int b = 0; b < NR_HCSTAT_BATCH; b++)
        line(out, domid, "entries", batch_names[b], s->batch[b]);
    for (unsigned int t = 0; t < 32; t++) {
        if (!trap_names[t])
            hv_snprintf(name, sizeof(name), "vec%u", t);
        line(out, domid, "trap", trap_names[t] ? trap_names[t] : name, s->traps[t]);
    }
    for (unsigned int e = 0; e < NR_HCSTAT_EVENT; e++)
        line(out, domid, "event", event_names[e], s->events[e]);
    for (unsigned int nr = 0; nr <= NR_HYPERCALLS; nr++)
        total += s->calls[nr];
    textbuf_printf(out, "hcstats d%u end hypercalls %lu\n", domid, total);
}
