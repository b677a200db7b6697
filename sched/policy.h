/* SPDX-License-Identifier: MIT */
/* Helpers shared by the scheduling policies (credit, rr); private to sched/. */
#ifndef SCHED_POLICY_H
#define SCHED_POLICY_H

#include <hv/sched.h>

/* Bookkeeping of s->dom[] and sd->unit[]; idempotent, so a core that
 * fills them itself does no harm. Detaching also dequeues and unparks. */
void policy_dom_attach(struct scheduler *s, struct sched_domain *sd);
void policy_dom_detach(struct scheduler *s, struct sched_domain *sd);
void policy_unit_attach(struct sched_unit *u);
void policy_unit_detach(struct scheduler *s, struct sched_unit *u);

uint64_t policy_online_mask(const struct scheduler *s);
/* Online pCPUs u may use: its affinity, or every online pCPU if none of
 * them is online (a unit is never left without a pCPU). */
uint64_t policy_unit_cpus(const struct scheduler *s, const struct sched_unit *u);
/* Nothing running and nothing queued. */
bool policy_cpu_idle(const struct scheduler *s, unsigned int cpu);
bool policy_is_curr(const struct scheduler *s, const struct sched_unit *u);
/* The pCPU a waking unit is queued on (see policy_place in policy_common.c). */
unsigned int policy_place(const struct scheduler *s, const struct sched_unit *u);
/* Queue u where policy_place says; returns the pCPU to tickle, if any. */
uint64_t policy_enqueue_woken(struct scheduler *s, struct sched_unit *u);

/* The best-priority unit above `floor` queued on another pCPU and allowed
 * on cpu, or NULL. policy_steal also dequeues it and counts the steal. */
struct sched_unit *policy_steal_peek(const struct scheduler *s, unsigned int cpu,
                                     enum sched_pri floor);
struct sched_unit *policy_steal(struct scheduler *s, unsigned int cpu,
                                enum sched_pri floor);

/* The best queued unit allowed on cpu across all queues (priority, then
 * longest wait), dequeued; NULL if none. */
struct sched_unit *policy_take_best(struct scheduler *s, unsigned int cpu);

/* Dequeue u and make it cpu's current unit. */
void policy_run(struct scheduler *s, unsigned int cpu, struct sched_unit *u);

/* printk one line per pCPU and per queued unit. */
void policy_dump_queues(const struct scheduler *s, struct textbuf *out);

#endif /* SCHED_POLICY_H */
