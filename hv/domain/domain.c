// SPDX-License-Identifier: MIT
/* Domain life cycle: create with RAM and vCPUs, shut down, destroy.
 *
 * Locking: domlist_lock protects domains[] and each domain's `destroying`
 * (domain_for_each); d->lock protects a domain's
 * shutdown state. A domain is destroyed only after all its vCPUs left the
 * run loop (domain_destroy is called by the last one out).
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/hcstats.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/pv.h>
#include <hv/xen.h>

struct domain *domains[MAX_DOMAINS];
static spinlock_t domlist_lock = SPINLOCK_INIT;

static int domain_alloc_id(struct domain *d)
{
    int id = -ENOSPC;

    spin_lock(&domlist_lock);
    for (unsigned int i = 1; i < MAX_DOMAINS; i++) {
        if (!domains[i]) {
            domains[i] = d;
            id = (int)i;
            break;
        }
    }
    spin_unlock(&domlist_lock);
    return id;
}

void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg)
{
    spin_lock(&domlist_lock);
    for (unsigned int i = 1; i < MAX_DOMAINS; i++)
        if (domains[i] && !domains[i]->destroying)
            fn(domains[i], arg);
    spin_unlock(&domlist_lock);
}

/* From now on domain_for_each no longer sees d, whose state goes next. */
static void domain_unlist(struct domain *d)
{
    spin_lock(&domlist_lock);
    d->destroying = true;
    spin_unlock(&domlist_lock);
}

static void domain_free_id(struct domain *d)
{
    spin_lock(&domlist_lock);
    if (d->id < MAX_DOMAINS && domains[d->id] == d)
        domains[d->id] = NULL;
    spin_unlock(&domlist_lock);
}

/* FPU state after FNINIT, SSE exceptions masked (MXCSR's reset value),
 * in FXSAVE layout: FCW at byte 0, MXCSR at byte 24. */
static void vcpu_fpu_init(struct vcpu *v)
{
    v->fpu[0] = 0x7f;
    v->fpu[1] = 0x03;
    v->fpu[24] = 0x80;
    v->fpu[25] = 0x1f;
}

static int domain_vcpus_init(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = xzalloc(sizeof(*v));
        int rc;

        if (!v)
            return -ENOMEM;
        d->vcpu[i] = v;
        v->domain = d;
        v->id = i;
        vcpu_fpu_init(v);
        v->wait_for_sipi = i != 0; /* APs start through INIT/SIPI */
        rc = d->ops->vcpu_init(v);
        if (rc)
            return rc;
    }
    return 0;
}

static int domain_config_check(const struct domain_config *cfg)
{
    if (cfg->vcpus == 0 || cfg->vcpus > MAX_VCPUS)
        return -EINVAL;
    if (cfg->mem < MiB(4) || cfg->mem > GiB(64) || (cfg->mem & (MiB(2) - 1)))
        return -EINVAL;
    return 0;
}

static const struct domain_ops *domain_ops_of(enum domain_type type)
{
    return type == DOMAIN_PV ? &pv_domain_ops : &hvm_domain_ops;
}

int domain_create(const struct domain_config *cfg, struct domain **out)
{
    struct domain *d;
    int rc = domain_config_check(cfg);

    if (rc)
        return rc;
    d = xzalloc(sizeof(*d));
    if (!d)
        return -ENOMEM;
    rc = domain_alloc_id(d);
    if (rc < 0) {
        xfree(d);
        return rc;
    }
    d->id = (unsigned int)rc;
    memcpy(d->name, cfg->name, sizeof(d->name) - 1);
    d->type = cfg->type;
    d->ops = domain_ops_of(cfg->type);
    d->ram_bytes = cfg->mem;
    d->nr_vcpus = cfg->vcpus;
    d->testdev = cfg->testdev;
    d->hcstats_at_end = cfg->hcstats;
    d->xen_abi = cfg->type != DOMAIN_HVM;
    d->created_ns = now_ns();
    spin_lock_init(&d->lock);
    rc = d->ops->domain_init(d);
    if (!rc)
        rc = domain_vcpus_init(d);
    if (rc) {
        domain_destroy(d);
        return rc;
    }
    *out = d;
    return 0;
}

void domain_destroy(struct domain *d)
{
    if (d->hcstats_at_end)
        hcstats_domain_print(d);
    domain_unlist(d);
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        if (!d->vcpu[i])
            continue;
        d->ops->vcpu_destroy(d->vcpu[i]);
        xfree(d->vcpu[i]);
    }
    /* Before the Xen-ABI pages go: a PV domain's page tables may still
     * reference shared_info until its pins are released there. */
    d->ops->domain_destroy(d);
    if (d->xen)
        xen_domain_destroy(d);
    p2m_teardown(&d->p2m);
    domain_free_id(d);
    xfree(d);
}

int domain_build(struct domain *d, const struct domain_config *cfg)
{
    return d->ops->build(d, cfg);
}

const char *domain_type_name(enum domain_type type)
{
    return type == DOMAIN_PV ? "PV" : type == DOMAIN_PVH ? "PVH" : "HVM";
}

const char *shutdown_reason_name(enum shutdown_reason r)
{
    static const char *const names[] = { "running", "poweroff", "reboot", "crash" };

    return r < ARRAY_SIZE(names) ? names[r] : "?";
}

void domain_shutdown(struct domain *d, enum shutdown_reason why)
{
    spin_lock(&d->lock);
    if (!d->dying) {
        d->shutdown = why;
        d->dying = true;
        printk("Domain %u (%s) shut down: %s\n", d->id, d->name,
               shutdown_reason_name(why));
    }
    spin_unlock(&d->lock);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (d->vcpu[i])
            vcpu_kick(d->vcpu[i]);
}

void domain_crash(struct domain *d, const char *why)
{
    printk(LOG_ERR "Domain %u (%s) crashed: %s\n", d->id, d->name, why);
    domain_shutdown(d, SHUTDOWN_CRASH);
}

unsigned int domains_alive(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        n += domains[i] != NULL;
    return n;
}

static int copy_gpa(struct domain *d, uint64_t gpa, void *buf, size_t len, bool to)
{
    while (len) {
        size_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
        paddr_t pa;

        if (gpa + chunk < gpa || p2m_translate(&d->p2m, gpa, &pa))
            return -EFAULT;
        if (to)
            memcpy(__va(pa), buf, chunk);
        else
            memcpy(buf, __va(pa), chunk);
        buf = (char *)buf + chunk;
        gpa += chunk;
        len -= chunk;
    }
    return 0;
}

int copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    return copy_gpa(d, gpa, (void *)src, len, true);
}

int copy_from_gpa(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
    return copy_gpa(d, gpa, dst, len, false);
}
