// SPDX-License-Identifier: MIT
// Guest: CPU-bound load for the scheduler tests and bench/sched.py. Runs
// fixed chunks of register-only arithmetic for "seconds=<n>" (default 2)
// of its own TSC time and reports how many it finished: under a scheduler
// the count is proportional to the CPU time the vCPU was given.
// "warmup=<n>" (default 0) spins n uncounted seconds before and after:
// domains started one after the other then all count while all compete.
#include "guest.h"
#include "pc.h"

const char test_name[] = "sched_spin";

#define DEFAULT_SECONDS 2
/* TSC calibration span; descheduling within it does not matter. */
#define CALIBRATE_MS 100
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

struct spin {
    uint64_t chunks, t0, t1;
    uint64_t stall, stall_end; /* the longest gap between chunk ends, and when */
    uint32_t x;
};

/* Chunks until the TSC reaches end. The longest time between two chunk
 * ends is mostly time the vCPU spent off a pCPU. */
static void spin_until(struct spin *s, uint64_t end)
{
    uint64_t prev = rdtsc(), now;

    s->t0 = prev;
    do {
        s->x = chunk(s->x);
        s->chunks++;
        now = rdtsc();
        if (now - prev > s->stall) {
            s->stall = now - prev;
            s->stall_end = now;
        }
        prev = now;
    } while (now < end);
    s->t1 = now;
}

void test_main(void)
{
    unsigned long secs = mb_cmdline_ulong("seconds", DEFAULT_SECONDS);
    unsigned long warm = mb_cmdline_ulong("warmup", 0);
    struct spin before = { .x = 1 }, counted, after;
    uint64_t ms;

    CHECK(secs >= 1 && secs <= MAX_SECONDS, "seconds=%lu: expected 1..%u", secs,
          MAX_SECONDS);
    CHECK(warm <= MAX_SECONDS, "warmup=%lu: expected 0..%u", warm, MAX_SECONDS);
    tsc_calibrate_pm(CALIBRATE_MS);
    info("spinning for %lu s (plus %lu s before and after)", secs, warm);
    spin_until(&before, rdtsc() + us_to_tsc((uint64_t)warm * 1000000));
    counted = (struct spin){ .x = before.x };
    spin_until(&counted, rdtsc() + us_to_tsc((uint64_t)secs * 1000000));
    after = (struct spin){ .x = counted.x };
    spin_until(&after, rdtsc() + us_to_tsc((uint64_t)warm * 1000000));
    /* xorshift32 never reaches 0 from a non-zero state. */
    CHECK(after.x != 0, "xorshift state became 0");
    ms = tsc_to_us(counted.t1 - counted.t0) / 1000;
    info("%llu chunks in %llu ms (%llu chunks/s), longest stall %llu us "
         "(ending at %llu ms), state %#x",
         (unsigned long long)counted.chunks, (unsigned long long)ms,
         (unsigned long long)(counted.chunks * 1000 / (ms ? ms : 1)),
         (unsigned long long)tsc_to_us(counted.stall),
         (unsigned long long)(tsc_to_us(counted.stall_end - counted.t0) / 1000), after.x);
    /* Raw TSC: domains share the host's TSC, so a benchmark can line the
     * guests up at Mica's TSC rate rather than each guest's calibration. */
    info("tsc spin %llu..%llu counted %llu..%llu, %llu kHz",
         (unsigned long long)before.t0, (unsigned long long)after.t1,
         (unsigned long long)counted.t0, (unsigned long long)counted.t1,
         (unsigned long long)tsc_khz());
}
