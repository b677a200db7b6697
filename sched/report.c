// SPDX-License-Identifier: MIT
/*
 * What the scheduler shows: the 'r' debug key (run queues, weights, caps,
 * credit and runtime), and the sched_report= window, which measures every
 * domain's CPU time, wake-up latency and context switches over a fixed
 * window so that tests and benchmarks compare shares, not guesses.
 *
 * Locking: everything under sched_lock. Domains are reached through
 * by_id[], which the core fills when a domain starts and clears (under
 * the lock) when its last vCPU retires, so a domain seen here is alive.
 */
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/domain.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/x86.h>

#include "policy.h"
#include "sched_internal.h"

enum { WIN_WAITING, WIN_OPEN, WIN_DONE };

static const uint64_t hist_limit_us[] = { 10, 100, 1000, 10000, 30000 };
#define NR_HIST (ARRAY_SIZE(hist_limit_us) + 1)

static struct {
    int phase;
    uint64_t first_start_ns;     /* first domain started */
    uint64_t open_ns;
    uint64_t idle_ns, steals;    /* at open */
    uint64_t switches, switch_ns;
    uint64_t hist[NR_HIST];
} win;

struct domain *sched_by_id[MAX_DOMAINS];

static uint64_t run_ns(struct vcpu *v, uint64_t now)
{
    uint64_t t = v->sched.time[SCHED_RUNNING];

    if (v->sched.unit.state == SCHED_RUNNING)
        t += now - v->sched.entry_ns;
    return t;
}

static uint64_t idle_total(uint64_t now)
{
    uint64_t t = 0;

    for (unsigned int c = 0; c < sched.nr_cpus; c++) {
        t += sched_pcpu[c].idle_ns;
        if (sched.cpu[c].online && sched_pcpu[c].idle_since)
            t += now - sched_pcpu[c].idle_since;
    }
    return t;
}

void sched_stat_switch(uint64_t cost_ns)
{
    if (win.phase != WIN_OPEN)
        return;
    __atomic_fetch_add(&win.switches, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&win.switch_ns, cost_ns, __ATOMIC_RELAXED);
}

/* Under sched_lock, when a woken vCPU starts running. */
void sched_stat_wake(struct vcpu *v, uint64_t latency_ns)
{
    struct sched_dom_state *ds = &v->domain->sched;
    unsigned int b = 0;

    if (win.phase != WIN_OPEN)
        return;
    ds->wakes++;
    ds->wake_sum_ns += latency_ns;
    ds->wake_max_ns = MAX(ds->wake_max_ns, latency_ns);
    while (b < ARRAY_SIZE(hist_limit_us) && latency_ns >= hist_limit_us[b] * 1000)
        b++;
    win.hist[b]++;
}

static void window_open(uint64_t now)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = sched_by_id[i];

        if (!d)
            continue;
        d->sched.wakes = d->sched.wake_sum_ns = d->sched.wake_max_ns = 0;
        for (unsigned int j = 0; j < d->nr_vcpus; j++)
            d->vcpu[j]->sched.win_run_ns = run_ns(d->vcpu[j], now);
    }
    win.idle_ns = idle_total(now);
    win.steals = sched.nr_steals;
    win.open_ns = now;
    win.phase = WIN_OPEN;
}

/* share = part of whole in tenths of a percent, printed as x.y */
#define TENTHS(part, whole) ((whole) != 0 ? (part) * 1000 / (whole) : 0)

/* The closed window's figures, copied under sched_lock and printed after
 * it is dropped: printing under it would stall every pCPU on the serial
 * line. Only pCPU 0 closes the window, once. */
static struct report_row {
    unsigned int id, weight, cap, nr_vcpus;
    char name[32];
    uint64_t run, wakes, wake_sum, wake_max;
} rows[MAX_DOMAINS];

static struct {
    unsigned int nr_rows, ncpu;
    uint64_t window, idle, switches, switch_ns, steals;
} closed;

static void snapshot_domain(struct report_row *r, struct domain *d, uint64_t now)
{
    struct sched_dom_state *ds = &d->sched;

    r->run = 0;
    for (unsigned int j = 0; j < d->nr_vcpus; j++)
        r->run += run_ns(d->vcpu[j], now) - d->vcpu[j]->sched.win_run_ns;
    r->id = d->id;
    memcpy(r->name, d->name, sizeof(r->name));
    r->weight = ds->sdom.weight;
    r->cap = ds->sdom.cap;
    r->nr_vcpus = d->nr_vcpus;
    r->wakes = ds->wakes;
    r->wake_sum = ds->wake_sum_ns;
    r->wake_max = ds->wake_max_ns;
}

/* Under sched_lock. */
static void window_close(uint64_t now)
{
    closed.window = now - win.open_ns;
    closed.ncpu = 0;
    for (uint64_t m = policy_online_mask(&sched); m; m &= m - 1)
        closed.ncpu++;
    closed.nr_rows = 0;
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (sched_by_id[i])
            snapshot_domain(&rows[closed.nr_rows++], sched_by_id[i], now);
    closed.idle = idle_total(now) - win.idle_ns;
    closed.switches = win.switches;
    closed.switch_ns = win.switch_ns;
    closed.steals = sched.nr_steals - win.steals;
    win.phase = WIN_DONE;
}

/* share = part of whole in tenths of a percent, printed as x.y */
#define TENTHS(part, whole) ((whole) != 0 ? (part) * 1000 / (whole) : 0)

static void report_row_print(const struct report_row *r)
{
    uint64_t share = TENTHS(r->run, closed.window * closed.ncpu);
    uint64_t pcpu = TENTHS(r->run, closed.window);

    printk("sched: d%u %s weight %u cap %u vcpus %u run %lu ms share %lu.%lu%% "
           "pcpu %lu.%lu%% wakes %lu wake-avg %lu us wake-max %lu us\n",
           r->id, r->name, r->weight, r->cap, r->nr_vcpus, r->run / 1000000,
           share / 10, share % 10, pcpu / 10, pcpu % 10, r->wakes,
           r->wakes ? r->wake_sum / r->wakes / 1000 : 0, r->wake_max / 1000);
}

static void report_print(void)
{
    printk("sched: report over %lu ms on %u pCPUs (%s)\n", closed.window / 1000000,
           closed.ncpu, sched.ops->name);
    for (unsigned int i = 0; i < closed.nr_rows; i++)
        report_row_print(&rows[i]);
    printk("sched: idle %lu ms switches %lu switch-avg %lu ns steals %lu\n",
           closed.idle / 1000000, closed.switches,
           closed.switches ? closed.switch_ns / closed.switches : 0, closed.steals);
    printk("sched: wake latency: <10us %lu <100us %lu <1ms %lu <10ms %lu <30ms %lu "
           ">=30ms %lu\n", win.hist[0], win.hist[1], win.hist[2], win.hist[3],
           win.hist[4], win.hist[5]);
}

/* From the tick: open and close the sched_report= window. */
void sched_report_poll(uint64_t now)
{
    uint64_t flags;
    bool closing = false;

    if (!sched_opts.report_window_ms || win.phase == WIN_DONE || !win.first_start_ns ||
        smp_processor_id() != 0)
        return;
    flags = local_irq_save();
    spin_lock(&sched_lock);
    if (win.phase == WIN_WAITING &&
        now >= win.first_start_ns + sched_opts.report_delay_ms * 1000000) {
        window_open(now);
    } else if (win.phase == WIN_OPEN &&
               now >= win.open_ns + sched_opts.report_window_ms * 1000000) {
        window_close(now);
        closing = true;
    }
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
    if (closing)
        report_print(); /* win.hist no longer changes: the window is done */
}

/* Under sched_lock: a domain joins or leaves the scheduler. */
void sched_report_domain(struct domain *d, bool present)
{
    sched_by_id[d->id] = present ? d : NULL;
    if (present && !win.first_start_ns)
        win.first_start_ns = now_ns();
}

const char *sched_state_name(enum sched_runstate st)
{
    static const char *const names[] = { "running", "runnable", "blocked", "offline" };

    return (unsigned int)st < 4 ? names[st] : "?";
}

static void dump_domain(struct textbuf *out, struct domain *d, uint64_t now)
{
    textbuf_printf(out, "  d%u %s: weight %u cap %u%s\n", d->id, d->name,
                   d->sched.sdom.weight, d->sched.sdom.cap,
                   d->sched.pause_count ? " (paused)" : "");
    for (unsigned int j = 0; j < d->nr_vcpus; j++) {
        struct vcpu *v = d->vcpu[j];
        struct sched_unit *u = &v->sched.unit;

        textbuf_printf(out, "    vCPU%u: %s on pCPU %u, credit %ld us, ran %lu ms, "
                       "waited %lu ms\n", j, sched_state_name(u->state), u->cpu,
                       (long)u->credit / 1000, run_ns(v, now) / 1000000,
                       v->sched.time[SCHED_RUNNABLE] / 1000000);
    }
}

/*
 * The 'r' key. Everything is gathered under sched_lock into a buffer and
 * printed after it is dropped: printing at serial speed under the lock
 * held every pCPU's scheduler for as long (a wake-up was once 255 ms late).
 * Keys are handled one at a time (one console poller), so one static
 * buffer does: 80 domains of 8 vCPUs fit in about 60 KiB.
 */
static void key_sched(unsigned char key)
{
    static char buf[64 * 1024];
    struct textbuf out;
    uint64_t flags = local_irq_save(), now = now_ns();

    (void)key;
    textbuf_init(&out, buf, sizeof(buf));
    spin_lock(&sched_lock);
    textbuf_printf(&out, "Scheduler: %s, time slice %lu ms, %lu accounting periods, "
                   "%lu steals\n", sched.ops->name, sched.tslice_ns / 1000000,
                   sched.nr_accounts, sched.nr_steals);
    sched.ops->dump(&sched, &out);
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (sched_by_id[i])
            dump_domain(&out, sched_by_id[i], now);
    spin_unlock(&sched_lock);
    local_irq_restore(flags);
    textbuf_printk(&out);
}

void sched_report_init(void)
{
    keyhandler_register('r', key_sched, "scheduler: run queues, weights, credit, runtime");
}
