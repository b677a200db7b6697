// SPDX-License-Identifier: MIT
/* The HVM vCPU run loop: poll devices, inject interrupts, enter the
 * guest, handle one exit, repeat; sleep while the guest halts. */
#include <hv/apic.h>
#include <hv/hvm/platform.h>
#include <hv/hvm/vcpu.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/traps.h>
#include <hv/x86.h>
#include <hv/xen.h>

const struct hvm_ops *hvm_ops;
static bool hvm_ok;

bool hvm_cpu_enable(void)
{
    int rc;

    /* AMD reports SVM in CPUID 8000_0001h ECX bit 2; anything else tries
     * VT-x, whose cpu_enable explains what is missing. */
    hvm_ops = cpuid(0x80000001).ecx & (1U << 2) ? &svm_ops : &vmx_ops;
    rc = hvm_ops->cpu_enable();
    if (smp_processor_id() == 0)
        hvm_ok = !rc;
    if (rc && smp_processor_id() == 0)
        printk(LOG_WARN "HVM unavailable (%s: error %d): no HVM guests\n",
               hvm_ops->name, rc);
    return !rc;
}

bool hvm_available(void)
{
    return hvm_ok;
}

void hvm_advance_rip(struct vcpu *v, unsigned int len)
{
    hvm_ops->set_reg(v, HVM_RIP, hvm_ops->get_reg(v, HVM_RIP) + len);
}

/* #DE, #TS, #NP, #SS, #GP: SDM Vol. 3, "Interrupt 8 - Double Fault
 * Exception (#DF)", table of exception classes. */
static bool exc_contributory(uint8_t vec)
{
    return vec == 0 || (vec >= 10 && vec <= 13);
}

/*
 * A new exception while an earlier one is still being delivered: two
 * contributory faults, or a page fault followed by a contributory fault or
 * another page fault, make a #DF; a fault while delivering #DF shuts the
 * guest down (triple fault). Otherwise the new exception replaces the old,
 * which the guest re-raises after the new one's handler returns.
 */
void hvm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
    enum hvm_event_type type;
    uint8_t prev;

    if (hvm_ops->queued_event(v, &type, &prev) && type == HVM_EVENT_EXCEPTION) {
        hvm_ops->cancel_event(v);
        if (prev == 8) {
            printk(LOG_ERR "Domain %u vCPU%u: triple fault (fault while delivering #DF)\n",
                   v->domain->id, v->id);
            domain_crash(v->domain, "triple fault");
            return;
        }
        if ((exc_contributory(prev) || prev == 14) &&
            (exc_contributory(vector) || (prev == 14 && vector == 14)))
            vector = 8, has_error = true, error = 0;
    } else {
        hvm_ops->cancel_event(v);
    }
    hvm_ops->inject_event(v, HVM_EVENT_EXCEPTION, vector, has_error, error);
}

void hvm_inject_fault(struct vcpu *v, const struct guest_fault *f)
{
    if (f->vector == 14)
        hvm_ops->set_reg(v, HVM_CR2, f->cr2);
    hvm_inject_exception(v, f->vector, f->vector == 14 || f->vector == 13, f->error);
}

/* A device deadline passed: a blocked vCPU must look at its devices. */
static void wake_timer_fn(void *data)
{
    vcpu_kick(data);
}

void hvm_vcpu_timers_init(struct vcpu *v)
{
    timer_init(&v->wake_timer, wake_timer_fn, v, "vcpu-wake");
}

/* Arm the wake timer for the devices' next deadline (guest time). */
static void vcpu_arm_wake(struct vcpu *v, uint64_t guest_deadline)
{
    uint64_t host = guest_deadline == HVM_NO_DEADLINE
                        ? 0 : v->domain->created_ns + guest_deadline;

    if (!host) {
        timer_stop(&v->wake_timer);
        return;
    }
    if (!v->wake_timer.armed || v->wake_timer.expires != host ||
        v->wake_timer.cpu != smp_processor_id())
        timer_set(&v->wake_timer, host);
}

void hvm_vcpu_kick(struct vcpu *v)
{
    vcpu_kick(v);
}

/*
 * An AP in wait-for-SIPI: once a Startup IPI names a vector, start in real
 * mode at vector:0000 (SDM Vol. 3, "MP Initialization Protocol"). Until
 * then it is offline; the SIPI kicks it.
 */
static bool vcpu_wait_sipi(struct vcpu *v)
{
    if (!__atomic_load_n(&v->sipi_pending, __ATOMIC_ACQUIRE)) {
        vcpu_block(v, SCHED_OFFLINE);
        return false;
    }
    hvm_vcpu_set_sipi_state(v, v->sipi_vector);
    v->wait_for_sipi = false;
    v->sipi_pending = false;
    printk("d%u: vCPU%u started by SIPI at 0x%x\n", v->domain->id, v->id,
           (unsigned int)v->sipi_vector << 12);
    return true;
}

/* One pass: returns false when the vCPU must not enter the guest now. */
static bool vcpu_prepare(struct vcpu *v)
{
    __atomic_store_n(&v->sched.kick_pending, false, __ATOMIC_SEQ_CST);
    if (v->domain->sched.pause_count) {
        vcpu_block(v, SCHED_OFFLINE);
        return false;
    }
    if (v->wait_for_sipi && !vcpu_wait_sipi(v))
        return false;
    uint64_t next = hvm_platform_poll(v);
    bool wake = hvm_platform_inject(v);

    vcpu_arm_wake(v, next);
    if (v->halted && !wake) {
        vcpu_block(v, SCHED_BLOCKED); /* a kick meanwhile: look again */
        return false;
    }
    v->halted = false;
    return !this_cpu()->softirq_pending;
}

/* The scheduler switched v in on this pCPU. */
void hvm_vcpu_switched_in(struct vcpu *v)
{
    if (v->xen)
        xen_runstate_update(v);
}

/* Run v until the scheduler wants this pCPU back or v cannot run. */
void hvm_vcpu_run(struct vcpu *v)
{
    struct hvm_exit e;

    for (;;) {
        local_irq_enable();
        softirq_run();
        local_irq_disable();
        if (sched_resched_pending() || v->domain->dying)
            break;
        if (!vcpu_prepare(v))
            continue;
        hvm_ops->vcpu_run(v, &e);
        local_irq_enable();
        hvm_handle_exit(v, &e);
    }
    local_irq_enable();
}
