/* SPDX-License-Identifier: MIT */
/* Helpers shared by the scheduling policies (credit, rr); private to sched/. */
#ifndef SCHED_POLICY_H
#define SCHED_POLICY_H

#include <hv/sched.h>

/* Bookkeeping of s->dom[] and sd->unit[]; idempotent, so a core that
 * fills them itself does no harm. Detaching also dequeues and unparks. */
void sched_dom_attach(struct scheduler *s, struct sched_domain *sd);
void sched_dom_detach(struct scheduler *s, struct sched_domain *sd);
void sched_unit_attach(struct sched_unit *u);
void sched_unit_detach(struct scheduler *s, struct sched_unit *u);

uint64_t sched_online_mask(const struct scheduler *s);
/* Online pCPUs u may use: its affinity, or every online pCPU if none of
 * them is online (a unit is never left without a pCPU). */
uint64_t sched_unit_cpus(const struct scheduler *s, const struct sched_unit *u);
/* Nothing running and nothing queued. */
bool sched_cpu_idle(const struct scheduler *s, unsigned int cpu);
bool sched_is_curr(const struct scheduler *s, const struct sched_unit *u);
/* The pCPU a waking unit is queued on (see sched_place in policy_common.c). */
unsigned int sched_place(const struct scheduler *s, const struct sched_unit *u);
/* Queue u where sched_place says; returns the pCPU to tickle, if any. */
uint64_t sched_enqueue_woken(struct scheduler *s, struct sched_unit *u);

/* The best-priority unit above `floor` queued on another pCPU and allowed
 * on cpu, or NULL. sched_steal also dequeues it and counts the steal. */
struct sched_unit *sched_steal_peek(const struct scheduler *s, unsigned int cpu,
                                    enum sched_pri floor);
struct sched_unit *sched_steal(struct scheduler *s, unsigned int cpu,
                               enum sched_pri floor);

/* Dequeue u and make it cpu's current unit. */
void sched_run(struct scheduler *s, unsigned int cpu, struct sched_unit *u);

/* printk one line per pCPU and per queued unit. */
void sched_dump_queues(const struct scheduler *s);

#endif /* SCHED_POLICY_H */
