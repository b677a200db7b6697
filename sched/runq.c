// SPDX-License-Identifier: MIT
/* Per-pCPU run queues: singly linked, by priority then FIFO. */
#include <hv/sched.h>

/*
 * Locking: every function here runs under the core's sched_lock.
 * Queues stay short (the units of one pCPU), so a linear walk costs less
 * than keeping a tail pointer per priority in sync.
 */

/* Insert u behind every unit of its priority or a higher one. */
void runq_insert(struct scheduler *s, unsigned int cpu, struct sched_unit *u)
{
    struct sched_unit **pp;

    if (u->queued)
        runq_remove(s, u);
    pp = &s->cpu[cpu].head;
    while (*pp && (*pp)->pri >= u->pri)
        pp = &(*pp)->next;
    u->next = *pp;
    *pp = u;
    u->queued = true;
    u->cpu = cpu;
}

void runq_remove(struct scheduler *s, struct sched_unit *u)
{
    struct sched_unit **pp;

    if (!u->queued)
        return;
    for (pp = &s->cpu[u->cpu].head; *pp; pp = &(*pp)->next) {
        if (*pp == u) {
            *pp = u->next;
            break;
        }
    }
    u->next = NULL;
    u->queued = false;
}

struct sched_unit *runq_peek(struct scheduler *s, unsigned int cpu)
{
    return s->cpu[cpu].head;
}
