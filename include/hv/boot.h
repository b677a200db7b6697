/* SPDX-License-Identifier: MIT */
/* What the boot loader told us, copied out of its memory early. */
#ifndef HV_BOOT_H
#define HV_BOOT_H

#include <hv/acpi.h>
#include <hv/memmap.h>

#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODULES_MAX 80
#define MODULE_CMDLINE_MAX 512

/* A boot module (kernel, ramdisk) as the loader placed it. Its frames stay
 * reserved until the domain builder has copied it (boot_modules_release). */
struct boot_module {
    paddr_t start, end;                /* [start, end) physical */
    char cmdline[MODULE_CMDLINE_MAX];  /* first word: the loader's path */
};

struct boot_info {
    unsigned int protocol;          /* 1 or 2 (multiboot version) */
    char cmdline[BOOT_CMDLINE_MAX]; /* options only: the image name stripped */
    char loader[64];
    struct memmap map;              /* as reported, before sanitizing */
    paddr_t rsdp;                   /* 0: scan the BIOS areas */
    unsigned int nr_modules;
    struct boot_module module[BOOT_MODULES_MAX];
};

extern struct boot_info boot_info;
extern struct acpi_info acpi_info;

/* Parse the multiboot information at `info` (identity-mapped). */
int __must_check multiboot_parse(uint32_t magic, paddr_t info, struct boot_info *bi);

/* Boot options (hv/common/bootopts.c). */
struct boot_options {
    uint64_t mem_limit;   /* mem=: ignore RAM above this (0: all) */
    uint64_t max_cpus;    /* maxcpus= */
    bool poweroff_when_empty; /* on_empty=poweroff */
    char fault[16];       /* fault=: deliberate fault after boot */
    uint64_t timer_lose;  /* timer_lose=: drop that many timer interrupts (tests) */
    bool help;            /* help: list the options at boot */
};
extern struct boot_options boot_opts;
void bootopts_parse(const char *cmdline);
/* Print the warnings collected while parsing (the console was not up). */
void bootopts_report(void);
void bootopts_print_help(void);

__noreturn void start_mica(uint32_t magic, paddr_t info);

#endif /* HV_BOOT_H */
