// SPDX-License-Identifier: MIT
// PVH test-guest start: hvm_start_info, CPUID leaves, guard pages, then test_main().
#include "pvh.h"

#define MAX_MEMMAP 64
#define MAX_CMDLINE 1024

/* Copies: builders may put these anywhere, page 0 included (QEMU does),
 * and page 0 is unmapped below. */
static struct hvm_start_info start_info;
static struct hvm_memmap_table_entry memmap[MAX_MEMMAP];
static char cmdline[MAX_CMDLINE];
const struct hvm_start_info *pvh_start_info = &start_info;
static uint32_t xen_base, mica_base;

/* Unmapped in the guest's own page tables at start, so that NULL and a
 * buffer running into guard_page[1] fault for the guest and for Xen's
 * copy_{from,to}_guest alike. */
static uint8_t guard_page[2][PAGE_SIZE] __aligned(PAGE_SIZE);

const char *pvh_cmdline(void)
{
    return cmdline;
}

/* The value after "key=" when key starts a word, else NULL. */
static const char *cmdline_find(const char *key)
{
    const char *line = pvh_cmdline();
    size_t n = strlen(key);

    for (const char *p = line; *p; p++)
        if ((p == line || p[-1] == ' ') && memcmp(p, key, n) == 0 && p[n] == '=')
            return p + n + 1;
    return NULL;
}

unsigned long pvh_cmdline_ulong(const char *key, unsigned long def)
{
    const char *q = cmdline_find(key);
    unsigned long v = 0;

    if (!q || *q < '0' || *q > '9')
        return def;
    while (*q >= '0' && *q <= '9')
        v = v * 10 + (unsigned long)(*q++ - '0');
    return v;
}

char pvh_cmdline_char(const char *key, char def)
{
    const char *q = cmdline_find(key);

    return q && *q && *q != ' ' ? *q : def;
}

unsigned int pvh_memmap_count(void)
{
    if (start_info.version < 1 || !start_info.memmap_paddr)
        return 0;
    return start_info.memmap_entries < MAX_MEMMAP ? start_info.memmap_entries : MAX_MEMMAP;
}

const struct hvm_memmap_table_entry *pvh_memmap(unsigned int i)
{
    return i < pvh_memmap_count() ? &memmap[i] : NULL;
}

/* Everything below 4 GiB is identity-mapped at this point. */
static void start_info_copy(uint32_t ebx)
{
    const char *line;

    if (ebx < 8 || ebx > UINT32_MAX - sizeof(start_info))
        test_fail("no hvm_start_info at EBX %#x: not a PVH boot", ebx);
    memcpy(&start_info, (const void *)(uintptr_t)ebx, sizeof(start_info));
    if (start_info.magic != HVM_START_MAGIC)
        test_fail("no hvm_start_info at EBX %#x (magic %#x): not a PVH boot", ebx,
                  start_info.magic);
    if (start_info.memmap_paddr >= 1ULL << 32)
        start_info.memmap_entries = 0;
    memcpy(memmap, (const void *)(uintptr_t)start_info.memmap_paddr,
           pvh_memmap_count() * sizeof(memmap[0]));
    line = (const char *)(uintptr_t)start_info.cmdline_paddr;
    if (!start_info.cmdline_paddr || start_info.cmdline_paddr >= 1ULL << 32)
        line = "";
    for (size_t i = 0; i + 1 < sizeof(cmdline) && line[i]; i++)
        cmdline[i] = line[i];
}

uint64_t pvh_ram_end(void)
{
    uint64_t end = (uintptr_t)__image_start;
    bool grew = true;

    while (grew) {
        grew = false;
        for (unsigned int i = 0; i < pvh_memmap_count(); i++) {
            const struct hvm_memmap_table_entry *e = pvh_memmap(i);

            if (e->type == HVM_MEMMAP_RAM && e->addr <= end && e->addr + e->size > end) {
                end = e->addr + e->size;
                grew = true;
            }
        }
    }
    return end;
}

uint64_t pvh_unbacked_gpa(void)
{
    uint64_t gpa = pvh_ram_end();

    /* Stay clear of the device area high in the first 4 GiB. */
    if (gpa >= 0xc0000000ULL || gpa & (PAGE_SIZE - 1))
        return 0;
    for (unsigned int i = 0; i < pvh_memmap_count(); i++) {
        const struct hvm_memmap_table_entry *e = pvh_memmap(i);

        if (gpa >= e->addr && gpa - e->addr < e->size)
            return 0;
    }
    return gpa;
}

void *pvh_guard_edge(size_t n)
{
    return guard_page[1] - n;
}

size_t pvh_bad_ptrs(const struct bad_ptr **list)
{
    static struct bad_ptr ptrs[] = {
        {"NULL (unmapped page 0)", 0},
        {"unmapped VA 256 GiB", 0x4000000000ULL},
        {"guard page", 0},
        {"non-canonical VA", 0x8000000000000000ULL},
        {"Xen hypervisor range", 0xffff800000000000ULL},
        {"Mica image VA", 0xffff82d080000000ULL},
        {"top page of the VA space", 0xfffffffffffff000ULL},
        {"unbacked GPA", 0},
    };
    size_t n = ARRAY_SIZE(ptrs);

    ptrs[2].addr = (uintptr_t)guard_page[1];
    ptrs[7].addr = (uintptr_t)pvh_unbacked_gpa();
    if (!ptrs[7].addr)
        n--; /* no hole below the device area: skip that case */
    *list = ptrs;
    return n;
}

static bool cpuid_sig_is(uint32_t leaf, const char *sig)
{
    struct cpuid_regs r = cpuid(leaf, 0);
    char s[12];

    memcpy(s + 0, &r.ebx, 4);
    memcpy(s + 4, &r.ecx, 4);
    memcpy(s + 8, &r.edx, 4);
    return memcmp(s, sig, 12) == 0;
}

/* Hypervisors place their leaves at 0x40000000 + n * 0x100; Linux and XTF
 * scan the same range for Xen's signature (xen-abi.md §1.4). */
static void cpuid_detect(void)
{
    for (uint32_t leaf = 0x40000000; leaf <= 0x4000ff00; leaf += 0x100) {
        if (!xen_base && cpuid_sig_is(leaf, XEN_CPUID_SIGNATURE))
            xen_base = leaf;
        if (!mica_base && cpuid_sig_is(leaf, "MicaMicaMica"))
            mica_base = leaf;
    }
}

uint32_t xen_cpuid_base(void)
{
    return xen_base;
}

uint32_t mica_cpuid_base(void)
{
    return mica_base;
}

uint16_t xen_own_domid(void)
{
    struct cpuid_regs r;

    if (!xen_base || cpuid(xen_base, 0).eax < xen_base + 4)
        return DOMID_SELF;
    r = cpuid(xen_base + 4, 0);
    return (r.eax & XEN_HVM_CPUID_DOMID_PRESENT) ? (uint16_t)r.ecx : DOMID_SELF;
}

void guest_start(uint32_t eax, uint32_t ebx);

/* Called by entry_64.asm in long mode, interrupts off; ebx is what the
 * builder passed in EBX: the hvm_start_info address (docs/misc/pvh.pandoc). */
void guest_start(uint32_t eax, uint32_t ebx)
{
    (void)eax;
    traps_init();
    pvh_output_init();
    cpuid_detect();
    start_info_copy(ebx);
    pt_set_pte(0, 0);
    pt_set_pte((uintptr_t)guard_page[1], 0);
    info("PVH start_info v%u at %#x, cmdline \"%s\", %u memmap entries, RAM to %#llx; "
         "Xen CPUID base %#x, Mica base %#x",
         start_info.version, ebx, cmdline, pvh_memmap_count(),
         (unsigned long long)pvh_ram_end(), xen_base, mica_base);
    test_main();
    test_pass();
}
