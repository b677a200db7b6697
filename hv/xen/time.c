// SPDX-License-Identifier: MIT
/* Xen PV clock: per-vCPU vcpu_time_info and the shared wall clock
 * (xen-abi.md §4.2; guests compute ns = system_time +
 * (((tsc - tsc_timestamp) << shift) * mul >> 32)). */
#include <hv/hvm.h>
#include <hv/hvm/platform_internal.h>
#include <hv/xen.h>
#include <hv/x86.h>

uint64_t xen_system_time(const struct domain *d)
{
    return hvm_guest_now(d);
}

/* mul and shift so that ((delta << shift) * mul) >> 32 = delta in ns. */
static void pvclock_scale(uint64_t khz, uint32_t *mul, int8_t *shift)
{
    uint64_t num = 1000000ULL << 32; /* ns per kHz-tick, scaled by 2^32 */
    int s = 0;
    uint64_t m = num / khz;

    while (m >= (1ULL << 32)) { /* slow TSC: pre-multiply the delta */
        s++;
        m >>= 1;
    }
    while (m < (1ULL << 31) && s > -31) { /* fast TSC: keep precision */
        s--;
        m <<= 1;
    }
    *mul = (uint32_t)m;
    *shift = (int8_t)s;
}

void xen_update_vcpu_time(struct vcpu *v)
{
    struct vcpu_info *vi = v->xen ? v->xen->vinfo : NULL;
    struct vcpu_time_info *t;
    uint32_t mul;
    int8_t shift;

    if (!vi)
        return;
    t = &vi->time;
    pvclock_scale(tsc_khz, &mul, &shift);
    __atomic_store_n(&t->version, t->version + 1, __ATOMIC_SEQ_CST); /* odd: busy */
    t->tsc_timestamp = rdtsc() + (uint64_t)v->tsc_offset;
    t->system_time = xen_system_time(v->domain);
    t->tsc_to_system_mul = mul;
    t->tsc_shift = shift;
    t->flags = XEN_PVCLOCK_TSC_STABLE_BIT;
    __atomic_store_n(&t->version, t->version + 1, __ATOMIC_SEQ_CST); /* even: done */
}

/* Wall clock at system time 0: the host's boot wall clock plus the time
 * from host boot to the domain's creation. */
void xen_update_wallclock(struct domain *d)
{
    struct shared_info *s = d->xen->shinfo;
    uint64_t ns = d->created_ns, sec = hvm_wallclock_seconds() + ns / 1000000000ULL;

    __atomic_store_n(&s->wc_version, s->wc_version + 1, __ATOMIC_SEQ_CST);
    s->wc_sec = (uint32_t)sec;
    s->wc_sec_hi = (uint32_t)(sec >> 32);
    s->wc_nsec = (uint32_t)(ns % 1000000000ULL);
    __atomic_store_n(&s->wc_version, s->wc_version + 1, __ATOMIC_SEQ_CST);
}
