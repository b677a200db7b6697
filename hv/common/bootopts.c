// SPDX-License-Identifier: MIT
/* The hypervisor's boot options: one table, documented in the README.
 * Parsing happens before the console is up, so problems are collected
 * and printed once it is. */
#include <hv/boot.h>
#include <hv/cmdline.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/layout.h>
#include <hv/lib.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/sched.h>

struct boot_options boot_opts = { .max_cpus = MAX_CPUS };

#define MAX_WARNINGS 8
static char warnings[MAX_WARNINGS][96];
static unsigned int nr_warnings;

static int opt_com1(const char *v)
{
    const char *end;
    uint64_t port, baud = com1_config.baud;

    if (!v || hv_parse_u64(v, &end, &port, false) || port == 0 || port > 0xfff8)
        return -EINVAL;
    if (*end == ',' && (hv_parse_u64(end + 1, &end, &baud, false) ||
                        baud > 115200 || (baud && 115200 % baud)))
        return -EINVAL;
    if (*end)
        return -EINVAL;
    com1_config.port = (uint16_t)port;
    com1_config.baud = (uint32_t)baud;
    return 0;
}

static int opt_loglvl(const char *v)
{
    static const char *const names[] = { "err", "warning", "info", "debug" };

    for (unsigned int i = 0; v && i < ARRAY_SIZE(names); i++) {
        if (!strcmp(v, names[i])) {
            printk_set_level((enum log_level)(i + 1));
            return 0;
        }
    }
    return -EINVAL;
}

static int opt_panic(const char *v)
{
    static const char *const names[] = { "halt", "reboot", "exit" };

    for (unsigned int i = 0; v && i < ARRAY_SIZE(names); i++) {
        if (!strcmp(v, names[i])) {
            panic_action = (enum panic_action)i;
            return 0;
        }
    }
    return -EINVAL;
}

static int opt_debug_exit(const char *v)
{
    const char *end;
    uint64_t port;

    if (!v || hv_parse_u64(v, &end, &port, false) || *end || port > 0xffff)
        return -EINVAL;
    debug_exit_port = (uint16_t)port;
    return 0;
}

static int opt_on_empty(const char *v)
{
    if (v && !strcmp(v, "poweroff"))
        boot_opts.poweroff_when_empty = true;
    else if (v && !strcmp(v, "stay"))
        boot_opts.poweroff_when_empty = false;
    else
        return -EINVAL;
    return 0;
}

static const struct cmdline_opt options[] = {
    { "com1", OPT_CUSTOM, NULL, 0, opt_com1,
      "com1=<port>[,<baud>]  console UART (default 0x3f8,115200; baud 0 keeps the firmware's)" },
    { "loglvl", OPT_CUSTOM, NULL, 0, opt_loglvl,
      "loglvl=err|warning|info|debug  least important messages printed (default info)" },
    { "mem", OPT_SIZE, &boot_opts.mem_limit, 0, NULL,
      "mem=<size>[K|M|G]  ignore RAM above this physical address" },
    { "maxcpus", OPT_UINT, &boot_opts.max_cpus, 0, NULL,
      "maxcpus=<n>  start at most n CPUs (boot CPU included)" },
    { "panic", OPT_CUSTOM, NULL, 0, opt_panic,
      "panic=halt|reboot|exit  after a fatal error (exit: QEMU isa-debug-exit)" },
    { "debug_exit", OPT_CUSTOM, NULL, 0, opt_debug_exit,
      "debug_exit=<port>  I/O port of QEMU's isa-debug-exit (default 0xf4)" },
    { "on_empty", OPT_CUSTOM, NULL, 0, opt_on_empty,
      "on_empty=stay|poweroff  when no domain is left to run (default stay)" },
    { "fault", OPT_STRING, boot_opts.fault, sizeof(boot_opts.fault), NULL,
      "fault=ud|gp|pf|de|wx|stack  deliberately fault after boot (tests)" },
    { "timer_lose", OPT_UINT, &boot_opts.timer_lose, 0, NULL,
      "timer_lose=<n>  drop n timer interrupts of the other CPUs after boot, as QEMU's TCG can (tests)" },
    { "sched", OPT_CUSTOM, NULL, 0, sched_opt_policy,
      "sched=credit|rr  vCPU scheduler (default credit; rr: round robin, for tests)" },
    { "sched_tslice_ms", OPT_CUSTOM, NULL, 0, sched_opt_tslice,
      "sched_tslice_ms=<1..1000>  scheduler time slice (default 30)" },
    { "sched_report", OPT_CUSTOM, NULL, 0, sched_opt_report,
      "sched_report=<delay_ms>,<window_ms>  print per-domain CPU shares measured "
      "over a window starting delay_ms after the first domain starts" },
    { "help", OPT_BOOL, &boot_opts.help, 0, NULL, "help  list these options at boot" },
};

static void bootopt_warn(const char *word, const char *why)
{
    if (nr_warnings < MAX_WARNINGS)
        hv_snprintf(warnings[nr_warnings], sizeof(warnings[0]), "%.48s: %s",
                    word, why);
    nr_warnings++;
}

void bootopts_parse(const char *cmdline)
{
    cmdline_parse(cmdline, options, ARRAY_SIZE(options), bootopt_warn);
    if (boot_opts.max_cpus == 0 || boot_opts.max_cpus > MAX_CPUS) {
        bootopt_warn("maxcpus", "out of range, using the limit");
        boot_opts.max_cpus = MAX_CPUS;
    }
}

void bootopts_report(void)
{
    for (unsigned int i = 0; i < MIN(nr_warnings, MAX_WARNINGS); i++)
        printk(LOG_WARN "ignoring boot option %s\n", warnings[i]);
    if (nr_warnings > MAX_WARNINGS)
        printk(LOG_WARN "... and %u more bad boot options\n",
               nr_warnings - MAX_WARNINGS);
}

void bootopts_print_help(void)
{
    printk("Boot options:\n");
    for (unsigned int i = 0; i < ARRAY_SIZE(options); i++)
        printk("  %s\n", options[i].help);
}
