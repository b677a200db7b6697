/* SPDX-License-Identifier: MIT */
/* Discrete-event simulator playing the scheduler core's side of sched.h. */
#ifndef TEST_SCHED_SIM_H
#define TEST_SCHED_SIM_H

#include <hv/sched.h>

#define SIM_MAX_CPUS 8
#define SIM_MAX_DOMS 8
#define SIM_MAX_UNITS 16
#define SIM_MS 1000000ULL

/* One vCPU and its scripted behaviour: runs run_ns (0 = forever), then
 * blocks block_ns, again and again. */
struct sim_unit {
    struct sched_unit u;
    uint64_t run_ns, block_ns;
    uint64_t left_ns; /* of the current burst */
    uint64_t wake_at; /* while blocked */
    /* What the tests look at. */
    uint64_t runtime_ns;
    uint64_t ran_on; /* pCPUs it ran on */
    uint64_t nr_runs, nr_wakes;
    uint64_t max_wake_lat_ns; /* wake -> running */
    uint64_t max_wait_ns;     /* runnable -> running, any cause */
    uint64_t ready_since;
    bool ready, woke;
};

struct sim_cpu {
    uint64_t slice_end;
    uint64_t last; /* runtime accounted up to here */
    bool resched;
};

struct sim {
    struct scheduler s;
    struct sched_domain dom[SIM_MAX_DOMS];
    struct sim_unit unit[SIM_MAX_UNITS];
    struct sim_cpu cpu[SIM_MAX_CPUS];
    unsigned int nr_doms, nr_units;
    uint64_t now, next_tick;
    unsigned int errors; /* contract violations seen */
};

void sim_init(struct sim *sim, const struct sched_ops *ops, unsigned int nr_cpus);
struct sched_domain *sim_domain(struct sim *sim, unsigned int weight, unsigned int cap);
/* A unit of sd, offline; affinity 0 means every pCPU. */
struct sim_unit *sim_unit(struct sim *sim, struct sched_domain *sd, uint64_t run_ns,
                          uint64_t block_ns, uint64_t affinity);
void sim_start(struct sim *sim, struct sim_unit *su);
void sim_pause(struct sim *sim, struct sim_unit *su);
/* Queue su on cpu directly, as if placed there while cpu was busy. */
void sim_queue_on(struct sim *sim, struct sim_unit *su, unsigned int cpu);
void sim_run(struct sim *sim, uint64_t ns);

/* Longest runnable-to-running wait of su, counting a wait still going on. */
uint64_t sim_max_wait(const struct sim *sim, const struct sim_unit *su);
/* Share of the whole machine, in percent, since time 0. */
double sim_share(const struct sim *sim, const struct sim_unit *su);

#endif
