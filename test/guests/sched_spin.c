// SPDX-License-Identifier: MIT
// Guest: CPU-bound load for the scheduler tests and bench/sched.py. Runs
// fixed chunks of register-only arithmetic for "seconds=<n>" (default 2)
// of its own TSC time and reports how many it finished: under a scheduler
// the count is proportional to the CPU time the vCPU was given.
#include "guest.h"
#include "pc.h"

const char test_name[] = "sched_spin";

#define DEFAULT_SECONDS 2
#define MAX_SECONDS 3600
/* About 10 us of work under TCG: fine-grained against a 30 ms time slice,
 * coarse enough that the RDTSC after each chunk costs little. */
#define CHUNK_ITERS 2048

/* One chunk: a xorshift32 generator stepped CHUNK_ITERS times. The state is
 * threaded through every chunk and printed, so no loop can be dropped. */
static uint32_t chunk(uint32_t x)
{
    for (unsigned int i = 0; i < CHUNK_ITERS; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
    }
    return x;
}

void test_main(void)
{
    unsigned long secs = mb_cmdline_ulong("seconds", DEFAULT_SECONDS);
    uint64_t chunks = 0, stall = 0, t0, prev, now, end, ms;
    uint32_t x = 1;

    CHECK(secs >= 1 && secs <= MAX_SECONDS, "seconds=%lu: expected 1..%u", secs,
          MAX_SECONDS);
    tsc_khz();
    info("spinning for %lu s", secs);
    t0 = prev = rdtsc();
    end = t0 + us_to_tsc((uint64_t)secs * 1000000);
    do {
        x = chunk(x);
        chunks++;
        now = rdtsc();
        /* The longest time between two chunk ends: mostly time the vCPU
         * spent off a pCPU. */
        if (now - prev > stall)
            stall = now - prev;
        prev = now;
    } while (now < end);
    ms = tsc_to_us(now - t0) / 1000;
    /* xorshift32 never reaches 0 from a non-zero state. */
    CHECK(x != 0, "xorshift state became 0 after %llu chunks", (unsigned long long)chunks);
    info("%llu chunks in %llu ms (%llu chunks/s), longest stall %llu us, state %#x",
         (unsigned long long)chunks, (unsigned long long)ms,
         (unsigned long long)(chunks * 1000 / (ms ? ms : 1)),
         (unsigned long long)tsc_to_us(stall), x);
    info("tsc %llu..%llu ms", (unsigned long long)(tsc_to_us(t0) / 1000),
         (unsigned long long)(tsc_to_us(now) / 1000));
}
