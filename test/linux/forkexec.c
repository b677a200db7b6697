// SPDX-License-Identifier: MIT
/* /bin/mica-forkexec in the test initramfs: fork, exec and mmap checked
 * from inside a Linux guest, for the boot tests (a PV kernel's page tables
 * are the hypervisor's business: copy-on-write, protections and unmaps
 * must all hold).
 *
 * Usage: mica-forkexec <rounds>
 * Each round: an anonymous mapping is filled with a pattern; a child
 * checks it, writes its own copy (copy-on-write), then execs this program
 * with --child <sum>, which exits with a status derived from the sum; the
 * parent checks the status, that its own copy is unchanged, that a write
 * to the mapping made read-only kills a child with SIGSEGV, and that
 * after munmap the range faults. Prints "forkexec: <rounds> rounds ok"
 * or "forkexec: FAIL <why>" (exit status 1).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGES 64
#define PAGE 4096UL
#define LEN (PAGES * PAGE)

static int fail(const char *why, long round)
{
    printf("forkexec: FAIL %s (round %ld)\n", why, round);
    return 1;
}

static uint64_t fill(uint64_t *m, uint64_t seed)
{
    uint64_t sum = 0;

    for (unsigned long i = 0; i < LEN / 8; i++)
        sum += (m[i] = seed * (i + 1));
    return sum;
}

static uint64_t sum_of(const uint64_t *m)
{
    uint64_t sum = 0;

    for (unsigned long i = 0; i < LEN / 8; i++)
        sum += m[i];
    return sum;
}

static int child_status(uint64_t sum)
{
    return (int)(sum % 199) + 1;
}

/* The child after fork: its copy first, then the exec. */
static void child(uint64_t *m, uint64_t sum, const char *self)
{
    char arg[32];

    if (sum_of(m) != sum)
        _exit(250);
    for (unsigned long i = 0; i < LEN / 8; i += PAGE / 8)
        m[i] = ~m[i]; /* one write per page: every page copied */
    snprintf(arg, sizeof(arg), "%llu", (unsigned long long)sum);
    execl(self, self, "--child", arg, (char *)NULL);
    _exit(251);
}

#define SEGV_STATUS 111

/* Caught rather than fatal: the kernel logs every unhandled segfault. */
static void on_segv(int sig)
{
    (void)sig;
    _exit(SEGV_STATUS);
}

/* A child writing to the mapping, read-only or gone, must get SIGSEGV. */
static int write_faults(uint64_t *m)
{
    int st;
    pid_t pid = fork();

    if (pid == 0) {
        signal(SIGSEGV, on_segv);
        m[PAGE / 8] = 1;
        _exit(0);
    }
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
           WEXITSTATUS(st) == SEGV_STATUS;
}

static int round_ok(long r, const char *self)
{
    uint64_t *m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint64_t sum;
    pid_t pid;
    int st;

    if (m == MAP_FAILED)
        return fail("mmap", r);
    sum = fill(m, (uint64_t)r * 2654435761u + 7);
    pid = fork();
    if (pid < 0)
        return fail("fork", r);
    if (pid == 0)
        child(m, sum, self);
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return fail("child did not exit", r);
    if (WEXITSTATUS(st) != child_status(sum))
        return fail(WEXITSTATUS(st) == 250 ? "child saw other data" : "exec'd child's status", r);
    if (sum_of(m) != sum)
        return fail("child's writes reached the parent", r);
    if (mprotect(m, LEN, PROT_READ) || !write_faults(m))
        return fail("write to a read-only page did not fault", r);
    if (munmap(m, LEN))
        return fail("munmap", r);
    if (!write_faults(m))
        return fail("an unmapped page was still mapped", r);
    return 0;
}

int main(int argc, char **argv)
{
    long rounds;

    if (argc == 3 && !strcmp(argv[1], "--child"))
        return child_status(strtoull(argv[2], NULL, 10));
    if (argc != 2 || (rounds = strtol(argv[1], NULL, 10)) < 1) {
        fprintf(stderr, "usage: %s <rounds>\n", argv[0]);
        return 2;
    }
    for (long r = 1; r <= rounds; r++)
        if (round_ok(r, "/proc/self/exe"))
            return 1;
    printf("forkexec: %ld rounds ok\n", rounds);
    return 0;
}
