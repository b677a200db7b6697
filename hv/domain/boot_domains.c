// SPDX-License-Identifier: MIT
/* Domains described by the boot modules, built and started at boot.
 *
 * A kernel module's command line is "<path> [options] [-- <guest command
 * line>]"; a module whose first option is "ramdisk" is the ramdisk of the
 * kernel module before it. Options: type=hvm, mem=<size>, vcpus=<n>,
 * name=<text>, testdev, cpu=<first pCPU>. (README, "Domains".)
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
#include <hv/smp.h>

struct dom_opts {
    char type[8];
    uint64_t mem, vcpus, cpu;
    char name[32];
    bool testdev, ramdisk;
    unsigned int errors;
};

static struct dom_opts opts;
static bool pcpu_taken[MAX_CPUS];

static void dom_warn(const char *word, const char *why)
{
    printk(LOG_ERR "domain option %s: %s\n", word, why);
    opts.errors++;
}

static const struct cmdline_opt dom_options[] = {
    { "type", OPT_STRING, opts.type, sizeof(opts.type), NULL, "type=hvm" },
    { "mem", OPT_SIZE, &opts.mem, 0, NULL, "mem=<size>: guest RAM (default 128M)" },
    { "vcpus", OPT_UINT, &opts.vcpus, 0, NULL, "vcpus=<n> (default 1)" },
    { "cpu", OPT_UINT, &opts.cpu, 0, NULL, "cpu=<n>: pCPU of vCPU 0" },
    { "name", OPT_STRING, opts.name, sizeof(opts.name), NULL, "name=<text>" },
    { "testdev", OPT_BOOL, &opts.testdev, 0, NULL, "testdev: MMIO test device" },
    { "ramdisk", OPT_BOOL, &opts.ramdisk, 0, NULL, "this module is a ramdisk" },
};

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
    cmdline_parse(module_split(buf, guest), dom_options, ARRAY_SIZE(dom_options),
                  dom_warn);
    return opts.errors ? -EINVAL : 0;
}

/* First run of `n` free pCPUs, starting at `first` if given. */
static int pick_pcpus(unsigned int n, uint64_t first)
{
    unsigned int start = nr_cpus_online > 1 ? 1 : 0;

    for (unsigned int i = 0; i < nr_cpus_online; i++) {
        unsigned int c = first != ~0ULL ? (unsigned int)first : (start + i) % nr_cpus_online;
        bool ok = c + n <= nr_cpus_online;

        for (unsigned int k = 0; ok && k < n; k++)
            ok = !pcpu_taken[c + k];
        if (ok) {
            for (unsigned int k = 0; k < n; k++)
                pcpu_taken[c + k] = true;
            return (int)c;
        }
        if (first != ~0ULL)
            break;
    }
    return -ENOSPC;
}

static void release_pcpus(unsigned int first, unsigned int n)
{
    for (unsigned int k = 0; k < n; k++)
        pcpu_taken[first + k] = false;
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
    const char *guest;
    struct domain *d;
    int rc, pcpu;

    if (i + 1 < MIN(boot_info.nr_modules, BOOT_MODULES_MAX) &&
        module_is_ramdisk(boot_info.module[i + 1].cmdline))
        rd = &boot_info.module[i + 1];
    if (module_options(k, &guest))
        return;
    if (strcmp(opts.type, "hvm") && strcmp(opts.type, "pvh") && opts.type[0]) {
        printk(LOG_ERR "module %u: type=%s is not supported (hvm or pvh)\n", i, opts.type);
        return;
    }
    config_fill(&cfg, k, rd, guest, idx);
    if (!strcmp(opts.type, "pvh"))
        cfg.type = DOMAIN_PVH;
    pcpu = pick_pcpus(cfg.vcpus, opts.cpu);
    if (pcpu < 0) {
        printk(LOG_ERR "%s: no %u free CPU%s (each vCPU needs its own pCPU until "
               "the scheduler lands)\n", cfg.name, cfg.vcpus, cfg.vcpus > 1 ? "s" : "");
        return;
    }
    cfg.first_pcpu = (unsigned int)pcpu;
    rc = domain_create(&cfg, &d);
    if (!rc && (rc = domain_build(d, &cfg)))
        domain_destroy(d); /* nothing half-built stays behind */
    if (rc) {
        release_pcpus((unsigned int)pcpu, cfg.vcpus);
        printk(LOG_ERR "%s: not created (error %d)\n", cfg.name, rc);
        return;
    }
    domain_start(d);
    printk("Domain %u (%s): %s, %lu MiB, %u vCPU%s on pCPU %u%s\n", d->id, d->name,
           cfg.type == DOMAIN_PVH ? "PVH" : "HVM", cfg.mem >> 20, cfg.vcpus,
           cfg.vcpus > 1 ? "s" : "", cfg.first_pcpu,
           cfg.testdev ? ", test device" : "");
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
    return domains_alive();
}
