// SPDX-License-Identifier: MIT
// Guest (long mode), a benchmark: cost per operation of instructions that
// exit to a hypervisor (CPUID, port I/O, LAPIC MMIO) against a RAM loop.
//
// Each operation runs for about ms= milliseconds of TSC time (default
// 1000) and is reported as "bench_exits: <op> <ns> ns/op (<n> kop/s)";
// bench/exit_rates.py compares the lines natively and on Mica. Nothing is
// asserted about the times: the verdict only says that the run completed
// and that the devices answered as on a PC (values written read back), so
// an operation that went nowhere does not pass for a fast one.
#include "apic.h"
#include "guest.h"
#include "pc.h"

const char test_name[] = "bench_exits";

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NV 0x6c /* a battery-backed byte no device model uses */
#define CMOS_NV_PATTERN 0x5a
#define UART_SCR 0x3ff /* COM1 scratch register (16550 datasheet) */
#define DEFAULT_MS 1000
#define MIN_MS 10
#define MAX_MS 10000
#define MAX_ITERS (1ULL << 40)

/* The RAM loop reads its way through a whole page rather than one word:
 * under QEMU's TCG a load of a single fixed word cost either about 1 or
 * about 5 ns, depending on the QEMU process and on where the loop's code
 * lay, a host-side effect (most likely 4 KiB aliasing between the load and
 * TCG's stores to its CPU state). Over all 1024 offsets it averages out. */
#define RAM_WORDS 1024
static volatile uint32_t ram_page[RAM_WORDS] __aligned(4096);

/* The loops are separate, non-inlined functions so that each op is timed
 * with the same call and loop overhead; the RAM loop shows that overhead. */
static __attribute__((noinline)) void loop_cpuid(uint64_t n)
{
    for (; n; n--)
        (void)cpuid(0, 0);
}

/* The CMOS index is selected once by the caller: only the data read is
 * timed (MC146818 datasheet: the index register keeps its value). */
static __attribute__((noinline)) void loop_inb_cmos(uint64_t n)
{
    for (; n; n--)
        (void)inb(CMOS_DATA);
}

static __attribute__((noinline)) void loop_outb_scratch(uint64_t n)
{
    for (; n; n--)
        outb(UART_SCR, (uint8_t)n);
}

static __attribute__((noinline)) void loop_mmio_lapic(uint64_t n)
{
    for (; n; n--)
        (void)mmio_read32(LAPIC_BASE + APIC_VERSION);
}

static __attribute__((noinline)) void loop_ram(uint64_t n)
{
    for (; n; n--)
        (void)ram_page[n % RAM_WORDS];
}

struct bench_op {
    const char *name;
    void (*loop)(uint64_t n);
};

static const struct bench_op ops[] = {
    {"cpuid", loop_cpuid},
    {"inb_cmos", loop_inb_cmos},
    {"outb_scratch", loop_outb_scratch},
    {"mmio_lapic", loop_mmio_lapic},
    {"ram", loop_ram},
};

static uint64_t time_loop(void (*loop)(uint64_t), uint64_t n)
{
    uint64_t t0 = rdtsc();

    loop(n);
    return rdtsc() - t0;
}

/* Iterations for about target TSC ticks: double a batch until it takes a
 * sixteenth of the target, then scale. The first short batch also pays
 * for TCG translating the loop, so it is not used for the estimate. */
static uint64_t pick_iterations(void (*loop)(uint64_t), uint64_t target)
{
    uint64_t n = 16, t;

    (void)time_loop(loop, n);
    t = time_loop(loop, n);
    while (t < target / 16 && n < MAX_ITERS) {
        n *= 2;
        t = time_loop(loop, n);
    }
    if (!t)
        t = 1;
    /* n * target / t without overflowing 64 bits for long targets. */
    n = n * (target / t) + n * (target % t) / t;
    return n ? n : 1;
}

static void run_op(const struct bench_op *op, uint64_t target, uint64_t khz)
{
    uint64_t n = pick_iterations(op->loop, target);
    uint64_t t = time_loop(op->loop, n);
    /* ns/op to 0.1 ns: t ticks are t * 1e6 / khz ns, so tenths are
     * t * 1e7 / (khz * n); kop/s is ops per ms, n * khz / t. Both fit in
     * 64 bits for t < 10^11 and n * khz < 10^18. */
    uint64_t tenths = (t * 10000000ULL + khz * n / 2) / (khz * n);
    uint64_t kops = (n * khz + (t ? t : 1) / 2) / (t ? t : 1);

    info("%s %llu.%llu ns/op (%llu kop/s)", op->name, (unsigned long long)(tenths / 10),
         (unsigned long long)(tenths % 10), (unsigned long long)kops);
    info("%s: %llu ops in %llu TSC ticks", op->name, (unsigned long long)n,
         (unsigned long long)t);
}

/* The devices must answer as on a PC before their timings mean anything. */
static void check_devices(void)
{
    uint32_t ver = mmio_read32(LAPIC_BASE + APIC_VERSION);

    cmos_write(CMOS_NV, CMOS_NV_PATTERN);
    CHECK_EQ("CMOS NVRAM byte read back", cmos_read(CMOS_NV), CMOS_NV_PATTERN);
    outb(UART_SCR, 0xa5);
    CHECK_EQ("UART scratch read back", inb(UART_SCR), 0xa5);
    /* Intel SDM vol. 3, "Local APIC Version Register": version 0x1x for
     * an integrated APIC, max LVT entry in bits 23:16. */
    CHECK((ver & 0xf0) == 0x10 && ((ver >> 16) & 0xff) >= 3,
          "LAPIC version register %#x is not an integrated APIC's", ver);
    CHECK(cpuid(0, 0).eax >= 1, "CPUID 0: max basic leaf 0");
}

void test_main(void)
{
    uint64_t ms = mb_cmdline_ulong("ms", DEFAULT_MS), khz;

    if (ms < MIN_MS || ms > MAX_MS)
        ms = DEFAULT_MS;
    check_devices();
    khz = tsc_khz();
    info("TSC %llu kHz, about %llu ms of TSC time per op", (unsigned long long)khz,
         (unsigned long long)ms);
    outb(CMOS_INDEX, CMOS_NV); /* for inb_cmos */
    for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
        run_op(&ops[i], khz * ms, khz);
    CHECK_EQ("CMOS NVRAM byte after the reads", cmos_read(CMOS_NV), CMOS_NV_PATTERN);
}
