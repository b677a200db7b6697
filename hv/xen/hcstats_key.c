// SPDX-License-Identifier: MIT
/* Reading the hypercall counts: the 'H' debug key (every domain) and a
 * domain's table at its end (its `stats` option). */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/hcstats.h>
#include <hv/spinlock.h>
#include <hv/textbuf.h>

/*
 * Design: the key sums each domain's counters under the domain list's lock
 * (domain_for_each: no domain is torn down meanwhile) into a table of its
 * own, and formats and prints after the lock is dropped, so that printing
 * at serial speed never delays a domain's creation or end.
 *
 * Locking: print_lock guards the text buffer; it is a leaf lock, taken by
 * the console poller (the key) or a domain's last vCPU at its end.
 */

#define HCSTATS_TEXT 8192 /* every line of one domain (~110 at most) */

static spinlock_t print_lock = SPINLOCK_INIT;

static void print_table(const struct hcstats *s, unsigned int domid)
{
    static char text[HCSTATS_TEXT];
    struct textbuf out;

    spin_lock(&print_lock);
    textbuf_init(&out, text, sizeof(text));
    hcstats_format(s, domid, &out);
    textbuf_printk(&out);
    spin_unlock(&print_lock);
}

void hcstats_domain_print(const struct domain *d)
{
    struct hcstats sum;

    hcstats_domain_sum(d, &sum);
    print_table(&sum, d->id);
}

/* Filled under the domain list's lock by one key press at a time (one
 * console poller). */
static struct hcstats key_sums[MAX_DOMAINS];
static bool key_seen[MAX_DOMAINS];

static void key_collect(struct domain *d, void *arg)
{
    (void)arg;
    if (d->id < MAX_DOMAINS && d->xen_abi) {
        hcstats_domain_sum(d, &key_sums[d->id]);
        key_seen[d->id] = true;
    }
}

static void key_hcstats(unsigned char key)
{
    (void)key;
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        key_seen[i] = false;
    domain_for_each(key_collect, NULL);
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (key_seen[i])
            print_table(&key_sums[i], i);
}

void hcstats_init(void)
{
    keyhandler_register('H', key_hcstats, "hypercall and PV event counts per domain");
}
