// SPDX-License-Identifier: MIT
/* Domains described by the boot modules, built and started at boot.
 *
 * A kernel module's command line is "<path> [options] [-- <guest command
 * line>]"; a module whose first option is "ramdisk" is the ramdisk of the
 * kernel module before it. Options: type=hvm|pvh|pv, mem=<size>, vcpus=<n>,
 * name=<text>, testdev, cpu=<pCPU to pin to>, weight=<n>, cap=<%>, stats
 * (hypercall counts printed when the domain ends).
 * (README, "Domains".)
 */
#include <hv/boot.h>
#include <hv/cmdline.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/ioremap.h>
#include <hv/lib.h>
#include <hv/paging.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/smp.h>

struct dom_opts {
    char type[8];
    uint64_t mem, vcpus, cpu, weight, cap;
    char name[32];
    bool testdev, ramdisk, stats;
    unsigned int errors;
};

static struct dom_opts opts;

static void dom_warn(const char *word, const char *why)
{
    printk(LOG_ERR "domain option %s: %s\n", word, why);
    opts.errors++;
}

static const struct cmdline_opt dom_options[] = {
    { "type", OPT_STRING, opts.type, sizeof(opts.type), NULL, "type=hvm|pvh|pv" },
    { "mem", OPT_SIZE, &opts.mem, 0, NULL, "mem=<size>: guest RAM (default 128M)" },
    { "vcpus", OPT_UINT, &opts.vcpus, 0, NULL, "vcpus=<n> (default 1)" },
    { "cpu", OPT_UINT, &opts.cpu, 0, NULL, "cpu=<n>: run only on pCPU n" },
    { "weight", OPT_UINT, &opts.weight, 0, NULL, "weight=<1..65535>: CPU share (default 256)" },
    { "cap", OPT_UINT, &opts.cap, 0, NULL, "cap=<%>: at most this % of one pCPU (0: none)" },
    { "name", OPT_STRING, opts.name, sizeof(opts.name), NULL, "name=<text>" },
    { "testdev", OPT_BOOL, &opts.testdev, 0, NULL, "testdev: MMIO test device" },
    { "ramdisk", OPT_BOOL, &opts.ramdisk, 0, NULL, "this module is a ramdisk" },
    { "stats", OPT_BOOL, &opts.stats, 0, NULL,
      "stats: print its hypercall counts when the domain ends" },
};

static int domain_type_parse(const char *word, enum domain_type *type)
{
    static const char *const names[] = {
        [DOMAIN_HVM] = "hvm", [DOMAIN_PVH] = "pvh", [DOMAIN_PV] = "pv",
    };

    *type = DOMAIN_HVM; /* the default */
    if (!word[0])
        return 0;
    for (unsigned int t = 0; t < ARRAY_SIZE(names); t++) {
        if (!strcmp(word, names[t])) {
            *type = (enum domain_type)t;
            return 0;
        }
    }
    return -EINVAL;
}

/* Split "<path> options -- guest" in place: returns the options part and
 * sets *guest to the guest's command line ("" if none). */
static char *module_split(char *cmdline, const char **guest)
{
    char *opts_start = cmdline, *sep;

    while (*opts_start && *opts_start != ' ')
        opts_start++;
    sep = strstr(opts_start, " -- ");
    *guest = "";
    if (sep) {
        *sep = '\0';
        *guest = sep + 4;
    }
    return opts_start;
}

/* The first word after the module's path is "ramdisk". */
static bool module_is_ramdisk(const char *cmdline)
{
    while (*cmdline && *cmdline != ' ')
        cmdline++;
    while (*cmdline == ' ')
        cmdline++;
    return !strncmp(cmdline, "ramdisk", 7) && (cmdline[7] == ' ' || !cmdline[7]);
}

static int module_options(struct boot_module *m, const char **guest)
{
    static char buf[MODULE_CMDLINE_MAX];

    memcpy(buf, m->cmdline, sizeof(buf));
    memset(&opts, 0, sizeof(opts));
    opts.mem = MiB(128);
    opts.vcpus = 1;
    opts.cpu = ~0ULL;
    opts.weight = SCHED_DEFAULT_WEIGHT;
    cmdline_parse(module_split(buf, guest), dom_options, ARRAY_SIZE(dom_options),
                  dom_warn);
    return opts.errors ? -EINVAL : 0;
}

/* Scheduler parameters: checked here so that a typo is reported, not
 * silently replaced by a default. */
static int sched_options_check(struct domain_config *cfg)
{
    if (opts.weight < 1 || opts.weight > SCHED_MAX_WEIGHT) {
        printk(LOG_ERR "%s: weight=%lu out of range (1..%u)\n", cfg->name, opts.weight,
               SCHED_MAX_WEIGHT);
        return -EINVAL;
    }
    if (opts.cap > 100ULL * cfg->vcpus) {
        printk(LOG_ERR "%s: cap=%lu above 100%% per vCPU (%u vCPUs)\n", cfg->name,
               opts.cap, cfg->vcpus);
        return -EINVAL;
    }
    if (opts.cpu != ~0ULL && (opts.cpu >= MAX_CPUS || !percpu_of[opts.cpu] ||
                              !percpu_of[opts.cpu]->online)) {
        printk(LOG_ERR "%s: cpu=%lu is not an online pCPU\n", cfg->name, opts.cpu);
        return -EINVAL;
    }
    cfg->weight = (unsigned int)opts.weight;
    cfg->cap = (unsigned int)opts.cap;
    cfg->affinity = opts.cpu == ~0ULL ? ~0ULL : 1ULL << opts.cpu;
    return 0;
}

static void config_fill(struct domain_config *cfg, const struct boot_module *k,
                        const struct boot_module *rd, const char *guest, unsigned int idx)
{
    memset(cfg, 0, sizeof(*cfg));
    if (opts.name[0])
        memcpy(cfg->name, opts.name, sizeof(cfg->name));
    else
        hv_snprintf(cfg->name, sizeof(cfg->name), "guest%u", idx);
    cfg->type = DOMAIN_HVM;
    cfg->mem = opts.mem;
    cfg->vcpus = (unsigned int)opts.vcpus;
    cfg->testdev = opts.testdev;
    cfg->hcstats = opts.stats;
    cfg->kernel = __va(k->start);
    cfg->kernel_len = k->end - k->start;
    cfg->ramdisk = rd ? __va(rd->start) : NULL;
    cfg->ramdisk_len = rd ? rd->end - rd->start : 0;
    cfg->cmdline = guest;
}

static void boot_domain_one(unsigned int i, unsigned int idx)
{
    struct boot_module *k = &boot_info.module[i];
    struct boot_module *rd = NULL;
    static struct domain_config cfg;
    enum domain_type type;
    const char *guest;
    struct domain *d;
    int rc;

    if (i + 1 < MIN(boot_info.nr_modules, BOOT_MODULES_MAX) &&
        module_is_ramdisk(boot_info.module[i + 1].cmdline))
        rd = &boot_info.module[i + 1];
    if (module_options(k, &guest))
        return;
    if (domain_type_parse(opts.type, &type)) {
        printk(LOG_ERR "module %u: type=%s is not supported (hvm, pvh or pv)\n", i,
               opts.type);
        return;
    }
    config_fill(&cfg, k, rd, guest, idx);
    cfg.type = type;
    if (sched_options_check(&cfg))
        return;
    rc = domain_create(&cfg, &d);
    if (!rc && (rc = domain_build(d, &cfg)))
        domain_destroy(d); /* nothing half-built stays behind */
    if (rc) {
        printk(LOG_ERR "%s: not created (error %d)\n", cfg.name, rc);
        return;
    }
    printk("Domain %u (%s): %s, %lu MiB, %u vCPU%s, weight %u, cap %u%s%s\n", d->id,
           d->name, domain_type_name(cfg.type), cfg.mem >> 20, cfg.vcpus,
           cfg.vcpus > 1 ? "s" : "", cfg.weight, cfg.cap,
           opts.cpu != ~0ULL ? ", pinned" : "", cfg.testdev ? ", test device" : "");
    domain_start(d, &cfg);
}

unsigned int boot_domains_create(void)
{
    unsigned int idx = 0;

    for (unsigned int i = 0; i < MIN(boot_info.nr_modules, BOOT_MODULES_MAX); i++) {
        if (module_is_ramdisk(boot_info.module[i].cmdline))
            continue;
        boot_domain_one(i, ++idx);
    }
    boot_modules_release();
    domains_boot_done();
    return domains_alive();
}
