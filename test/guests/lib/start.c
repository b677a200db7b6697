// SPDX-License-Identifier: MIT
// Test-guest start: boot information, hypervisor detection, then test_main().
#include "acpi.h"
#include "guest.h"
#include "traps.h"

#define MB_BOOTLOADER_MAGIC 0x2BADB002
#define MB_INFO_MEM (1U << 0)
#define MB_INFO_CMDLINE (1U << 2)
#define MB_INFO_MMAP (1U << 6)

/* Multiboot Specification 0.6.96, "Boot information format". */
struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper; /* KiB below 640 KiB and above 1 MiB */
    uint32_t boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __packed;

struct mb_mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t addr, len;
    uint32_t type;
} __packed;

static const struct mb_info *mbi;

static const struct mb_mmap_entry *mmap_next(const struct mb_mmap_entry *e)
{
    uintptr_t first = mbi->mmap_addr, end = first + mbi->mmap_length;
    uintptr_t next = e ? (uintptr_t)e + e->size + 4 : first;

    if (!(mbi->flags & MB_INFO_MMAP) || next + sizeof(*e) > end)
        return NULL;
    return (const struct mb_mmap_entry *)next;
}

unsigned int mb_mem_type(uint64_t addr)
{
    for (const struct mb_mmap_entry *e = mmap_next(NULL); e; e = mmap_next(e))
        if (addr >= e->addr && addr - e->addr < e->len)
            return e->type;
    return 0;
}

/* End of the RAM that starts at 1 MiB: the available map entry holding
 * 1 MiB (extended over touching available entries), else mem_upper. */
uint64_t mb_ram_end(void)
{
    uint64_t end = 0x100000;
    bool grew = true;

    while (grew) {
        grew = false;
        for (const struct mb_mmap_entry *e = mmap_next(NULL); e; e = mmap_next(e))
            if (e->type == MB_MEM_AVAILABLE && e->addr <= end && e->addr + e->len > end) {
                end = e->addr + e->len;
                grew = true;
            }
    }
    if (end == 0x100000 && (mbi->flags & MB_INFO_MEM))
        end += (uint64_t)mbi->mem_upper * 1024;
    return end;
}

/* The value of "key=<decimal>" on the command line, else def. */
unsigned long mb_cmdline_ulong(const char *key, unsigned long def)
{
    const char *p =
        (mbi->flags & MB_INFO_CMDLINE) ? (const char *)(uintptr_t)mbi->cmdline : "";
    size_t n = strlen(key);

    for (; *p; p++) {
        unsigned long v = 0;
        const char *q = p + n + 1;

        if ((p != (const char *)(uintptr_t)mbi->cmdline && p[-1] != ' ') ||
            memcmp(p, key, n) != 0 || p[n] != '=' || *q < '0' || *q > '9')
            continue;
        while (*q >= '0' && *q <= '9')
            v = v * 10 + (unsigned long)(*q++ - '0');
        return v;
    }
    return def;
}

static char hv_sig[13];
static bool hv_is_mica;

/* Hypervisors put a 12-byte signature in EBX:ECX:EDX of a base leaf; Mica
 * (and Xen-style stacks) may move it up in steps of 0x100. */
static void hv_detect(void)
{
    for (uint32_t leaf = 0x40000000; leaf <= 0x4000ff00; leaf += 0x100) {
        struct cpuid_regs r = cpuid(leaf, 0);
        char sig[13];

        memcpy(sig + 0, &r.ebx, 4);
        memcpy(sig + 4, &r.ecx, 4);
        memcpy(sig + 8, &r.edx, 4);
        sig[12] = '\0';
        if (leaf == 0x40000000)
            memcpy(hv_sig, sig, sizeof(sig));
        if (memcmp(sig, "MicaMicaMica", 12) == 0) {
            memcpy(hv_sig, sig, sizeof(sig));
            hv_is_mica = true;
            return;
        }
    }
    for (unsigned int i = 0; i < 12; i++)
        if (hv_sig[i] < 0x20 || hv_sig[i] > 0x7e)
            hv_sig[i] = '.';
}

bool on_mica(void)
{
    return hv_is_mica;
}

const char *hv_signature(void)
{
    return hv_sig;
}

void guest_start(uint32_t magic, uint32_t info_addr);
void guest_start(uint32_t magic, uint32_t info_addr)
{
    static const struct mb_info none;

    serial_init();
    mbi = magic == MB_BOOTLOADER_MAGIC ? (const struct mb_info *)(uintptr_t)info_addr
                                       : &none;
    traps_init();
    acpi_init();
    if (magic != MB_BOOTLOADER_MAGIC)
        test_fail("not started by a multiboot loader (EAX %#x)", magic);
    hv_detect();
    info("%s-bit, RAM to %#llx, hypervisor signature \"%s\"%s",
         sizeof(long) == 8 ? "64" : "32", (unsigned long long)mb_ram_end(), hv_sig,
         hv_is_mica ? " (Mica)" : "");
    test_main();
    test_pass();
}
