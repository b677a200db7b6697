// SPDX-License-Identifier: MIT
/* Linux user-space micro-benchmarks, lmbench-style, for bench/guest_micro.py.
 *
 * Built static into the test initramfs (scripts/linux/mk-initramfs.sh) as
 * /bin/mica-micro and started by /init when the kernel command line holds
 * mica.run=mica-micro. Prints one line per operation,
 *   MICA-BENCH <name> <median ns/op> iters=<n> min=<ns> max=<ns>
 * then "MICA-BENCH done" (or "MICA-BENCH error <why>" and exit status 1).
 *
 * Each operation is timed with CLOCK_MONOTONIC over a batch long enough to
 * drown the clock's own cost and TCG's jitter: the batch size is doubled
 * until it takes 1/16 of the target time, then scaled to the target; the
 * batch is then timed `reps` times and the median is printed.
 *
 * With -n N each named operation instead runs exactly N iterations, once,
 * with no calibration (its setup and teardown included), so that what the
 * kernel did for it can be counted from outside: bench/pv_hypercalls.py
 * divides the hypervisor's hypercall counts by N. It prints
 *   MICA-BENCH <name> <ns/op> iters=N min=<ns> max=<ns>
 * as above (one timed batch: min = max), and N=0 runs only the setup and
 * teardown, the baseline.
 *
 * Usage: mica-micro [-t ms_per_rep] [-r reps] [-n iters] [name...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define PF_CHUNK 1024UL /* pages mapped at a time by pagefault */
#define MMAP_LEN (64UL * 1024)
#define MAX_REPS 31

struct bench {
    const char *name;
    unsigned int ops_per_iter; /* e.g. 2 switches per ping-pong round */
    int (*setup)(void);
    uint64_t (*run)(long iters); /* ns spent in the timed part */
    void (*teardown)(void);
};

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
    printf("MICA-BENCH error %s: %s\n", what, strerror(errno));
    exit(1);
}

/* getppid: never cached by libc, does almost nothing in the kernel. */
static uint64_t run_syscall(long iters)
{
    uint64_t t0 = now_ns();

    for (long i = 0; i < iters; i++)
        syscall(SYS_getppid);
    return now_ns() - t0;
}

static uint64_t run_fork(long iters)
{
    uint64_t t0 = now_ns();

    for (long i = 0; i < iters; i++) {
        pid_t pid = fork();

        if (pid < 0)
            die("fork");
        if (pid == 0)
            _exit(0);
        if (waitpid(pid, NULL, 0) != pid)
            die("waitpid");
    }
    return now_ns() - t0;
}

/* Write-fault fresh anonymous pages; mmap and munmap stay outside the
 * timed part, which is only the first touch of each page. One iteration
 * is one page. */
static uint64_t run_pagefault(long iters)
{
    uint64_t spent = 0;

    for (long done = 0; done < iters; done += PF_CHUNK) {
        long pages = iters - done < (long)PF_CHUNK ? iters - done : (long)PF_CHUNK;
        volatile char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED)
            die("mmap");
        /* A huge page would turn 512 faults into one. */
        madvise((void *)p, pages * PAGE, MADV_NOHUGEPAGE);
        uint64_t t0 = now_ns();
        for (long i = 0; i < pages; i++)
            p[i * PAGE] = 1;
        spent += now_ns() - t0;
        munmap((void *)p, pages * PAGE);
    }
    return spent;
}

/* The address-space bookkeeping alone: nothing is touched, so no page
 * table entry is written. */
static uint64_t run_mmap(long iters)
{
    uint64_t t0 = now_ns();

    for (long i = 0; i < iters; i++) {
        void *p = mmap(NULL, MMAP_LEN, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED)
            die("mmap");
        munmap(p, MMAP_LEN);
    }
    return now_ns() - t0;
}

/* Context switch: a child echoes each byte back over a second pipe. Both
 * processes are pinned to one CPU (main() pins before forking), so every
 * byte sent is a switch to the other process: two per round trip. */
static int ping[2], pong[2];
static pid_t echo_pid;

static int setup_ctxsw(void)
{
    char c;

    if (pipe(ping) || pipe(pong))
        return -1;
    echo_pid = fork();
    if (echo_pid < 0)
        return -1;
    if (echo_pid == 0) {
        close(ping[1]);
        while (read(ping[0], &c, 1) == 1)
            if (write(pong[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    close(ping[0]);
    close(pong[1]);
    return 0;
}

static uint64_t run_ctxsw(long iters)
{
    char c = 'x';
    uint64_t t0 = now_ns();

    for (long i = 0; i < iters; i++)
        if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
            die("pipe");
    return now_ns() - t0;
}

static void teardown_ctxsw(void)
{
    close(ping[1]); /* the echo process sees EOF and exits */
    close(pong[0]);
    waitpid(echo_pid, NULL, 0);
}

static const struct bench benches[] = {
    {"null_syscall", 1, NULL, run_syscall, NULL},
    {"fork_exit_wait", 1, NULL, run_fork, NULL},
    {"pagefault", 1, NULL, run_pagefault, NULL},
    {"ctxsw", 2, setup_ctxsw, run_ctxsw, teardown_ctxsw},
    {"mmap_munmap_64k", 1, NULL, run_mmap, NULL},
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Batch size that takes about target_ns. */
static long calibrate(const struct bench *b, uint64_t target_ns)
{
    long n = 1;
    uint64_t t;

    while ((t = b->run(n)) < target_ns / 16 && n < (1L << 40))
        n *= 2;
    double scaled = (double)n * (double)target_ns / (double)(t ? t : 1);
    return scaled < 1 ? 1 : (long)scaled;
}

static void measure(const struct bench *b, uint64_t target_ns, int reps)
{
    double ns[MAX_REPS];

    if (b->setup && b->setup())
        die(b->name);
    long n = calibrate(b, target_ns);
    for (int r = 0; r < reps; r++)
        ns[r] = (double)b->run(n) / ((double)n * b->ops_per_iter);
    if (b->teardown)
        b->teardown();
    qsort(ns, reps, sizeof(ns[0]), cmp_double);
    printf("MICA-BENCH %s %.1f iters=%ld min=%.1f max=%.1f\n", b->name, ns[reps / 2], n,
           ns[0], ns[reps - 1]);
    fflush(stdout);
}

/* Exactly n iterations, one batch (-n). */
static void run_fixed(const struct bench *b, long n)
{
    uint64_t t;
    double ns;

    if (b->setup && b->setup())
        die(b->name);
    t = b->run(n);
    if (b->teardown)
        b->teardown();
    ns = n ? (double)t / ((double)n * b->ops_per_iter) : 0;
    printf("MICA-BENCH %s %.1f iters=%ld min=%.1f max=%.1f\n", b->name, ns, n, ns, ns);
    fflush(stdout);
}

static void print_info(void)
{
    char cs[64] = "?";
    FILE *f =
        fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");

    if (f) {
        if (fscanf(f, "%63s", cs) != 1)
            strcpy(cs, "?");
        fclose(f);
    }
    printf("MICA-BENCH-INFO clocksource=%s cpus=%ld\n", cs,
           sysconf(_SC_NPROCESSORS_ONLN));
    fflush(stdout);
}

static int wanted(const char *name, int argc, char **argv)
{
    if (optind >= argc)
        return 1;
    for (int i = optind; i < argc; i++)
        if (!strcmp(argv[i], name))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    long ms = 200, fixed = -1;
    int reps = 5, opt;
    cpu_set_t one;

    while ((opt = getopt(argc, argv, "t:r:n:")) != -1) {
        if (opt == 't')
            ms = atol(optarg);
        else if (opt == 'r')
            reps = atoi(optarg);
        else if (opt == 'n')
            fixed = atol(optarg);
        else
            return 2;
    }
    if (ms < 1 || reps < 1 || reps > MAX_REPS || (fixed < 0 && fixed != -1))
        return 2;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    if (sched_setaffinity(0, sizeof(one), &one))
        die("sched_setaffinity");
    print_info();
    for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
        if (!wanted(benches[i].name, argc, argv))
            continue;
        if (fixed >= 0)
            run_fixed(&benches[i], fixed);
        else
            measure(&benches[i], (uint64_t)ms * 1000000ULL, reps);
    }
    printf("MICA-BENCH done\n");
    return 0;
}
