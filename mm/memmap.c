// SPDX-License-Identifier: MIT
/* Machine memory map: boot-loader parsers, sanitizer and queries. */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/memmap.h>
#include <hv/unaligned.h>
#include <hv/printk.h>
#include <hv/types.h>

/*
 * Design: memmap_sanitize is a boundary sweep. Every entry start and end is
 * a boundary; between two consecutive boundaries the set of covering
 * entries is constant, so each elementary interval gets the strongest type
 * among them, and runs of equal type are merged. n entries give at most
 * 2n-1 intervals, so the result is built in scratch arrays twice the size
 * of a map and only then copied back; if it does not fit, the smallest RAM
 * pieces are given up (turning them into holes is always safe).
 *
 * Locking: none. The scratch arrays are static (kernel stacks are small),
 * so memmap_sanitize is not reentrant; it runs once, on the boot CPU.
 */

#define MEMMAP_SCRATCH (2 * MEMMAP_MAX)

/* Multiboot 1 "Boot information format", mmap_* fields: a 32-bit size
 * (not counting itself), then base_addr, length and type. */
#define MB1_SIZE_MIN 20
#define MB1_OFF_BASE 4
#define MB1_OFF_LEN 12
#define MB1_OFF_TYPE 20
#define MB1_ENTRY_MIN (4 + MB1_SIZE_MIN)

/* Multiboot 2 "Memory map" tag: type, size, entry_size, entry_version,
 * then entries of entry_size bytes (base_addr, length, type, reserved). */
#define MB2_TAG_MMAP 6
#define MB2_OFF_SIZE 4
#define MB2_OFF_ESIZE 8
#define MB2_HDR 16
#define MB2_ENTRY_MIN 24
#define MB2_OFF_LEN 8
#define MB2_OFF_TYPE 16

static paddr_t memmap_points[MEMMAP_SCRATCH];
static struct memmap_entry memmap_out[MEMMAP_SCRATCH];

/* End of an entry, saturated so a bogus entry cannot wrap past 2^64. */
static uint64_t memmap_end(paddr_t base, uint64_t len)
{
    return len > UINT64_MAX - base ? UINT64_MAX : base + len;
}

static uint32_t memmap_norm_type(uint32_t type)
{
    return type >= MEMMAP_RAM && type <= MEMMAP_BAD ? type : MEMMAP_RESERVED;
}

/* Overlap precedence: RAM loses to everything, otherwise higher wins. */
static unsigned int memmap_rank(uint32_t type)
{
    return type == MEMMAP_RAM ? 0 : type;
}

int memmap_add(struct memmap *m, paddr_t base, uint64_t len, uint32_t type)
{
    struct memmap_entry *e;

    if (len == 0)
        return 0;
    if (m->nr >= MEMMAP_MAX)
        return -ENOSPC;
    e = &m->e[m->nr++];
    e->base = base;
    e->len = memmap_end(base, len) - base;
    e->type = type;
    return 0;
}

/* Sorted, duplicate-free start and end points of the non-empty entries. */
static unsigned int memmap_collect_points(const struct memmap *m,
                                          unsigned int nr)
{
    unsigned int i, j, n = 0;

    for (i = 0; i < nr; i++) {
        if (!m->e[i].len)
            continue;
        memmap_points[n++] = m->e[i].base;
        memmap_points[n++] = memmap_end(m->e[i].base, m->e[i].len);
    }
    for (i = 1; i < n; i++) {
        paddr_t p = memmap_points[i];

        for (j = i; j > 0 && memmap_points[j - 1] > p; j--)
            memmap_points[j] = memmap_points[j - 1];
        memmap_points[j] = p;
    }
    for (i = j = 0; i < n; i++)
        if (j == 0 || memmap_points[j - 1] != memmap_points[i])
            memmap_points[j++] = memmap_points[i];
    return j;
}

/* Strongest type among entries covering [lo, ...) up to the next
 * boundary, or 0 for a hole. No entry straddles a boundary, so covering
 * lo is enough. */
static uint32_t memmap_cover_type(const struct memmap *m, unsigned int nr,
                                  paddr_t lo)
{
    uint32_t best = 0;
    unsigned int i;

    for (i = 0; i < nr; i++) {
        const struct memmap_entry *e = &m->e[i];
        uint32_t t = memmap_norm_type(e->type);

        if (!e->len || e->base > lo || memmap_end(e->base, e->len) <= lo)
            continue;
        if (!best || memmap_rank(t) > memmap_rank(best))
            best = t;
    }
    return best;
}

static unsigned int memmap_out_append(unsigned int n, paddr_t lo, paddr_t hi,
                                      uint32_t type)
{
    struct memmap_entry *last = n ? &memmap_out[n - 1] : NULL;

    if (last && last->type == type && last->base + last->len == lo) {
        last->len += hi - lo;
        return n;
    }
    memmap_out[n].base = lo;
    memmap_out[n].len = hi - lo;
    memmap_out[n].type = type;
    return n + 1;
}

/* Index of the smallest RAM entry, or of the smallest entry if none. */
static unsigned int memmap_out_victim(unsigned int n)
{
    unsigned int i, v = 0;

    for (i = 1; i < n; i++) {
        bool v_ram = memmap_out[v].type == MEMMAP_RAM;
        bool i_ram = memmap_out[i].type == MEMMAP_RAM;

        if (i_ram != v_ram ? i_ram : memmap_out[i].len < memmap_out[v].len)
            v = i;
    }
    return v;
}

static unsigned int memmap_out_shrink(unsigned int n)
{
    unsigned int dropped = 0;

    while (n > MEMMAP_MAX) {
        unsigned int v = memmap_out_victim(n);

        memmove(&memmap_out[v], &memmap_out[v + 1],
                (n - v - 1) * sizeof(memmap_out[0]));
        n--;
        dropped++;
    }
    if (dropped)
        printk(LOG_WARN "memmap: too many ranges, dropped %u small ones\n",
               dropped);
    return n;
}

void memmap_sanitize(struct memmap *m)
{
    unsigned int nr = MIN(m->nr, (unsigned int)MEMMAP_MAX);
    unsigned int np = memmap_collect_points(m, nr);
    unsigned int i, n = 0;

    for (i = 0; i + 1 < np; i++) {
        uint32_t t = memmap_cover_type(m, nr, memmap_points[i]);

        if (t)
            n = memmap_out_append(n, memmap_points[i], memmap_points[i + 1], t);
    }
    n = memmap_out_shrink(n);
    memcpy(m->e, memmap_out, n * sizeof(memmap_out[0]));
    m->nr = n;
}

void memmap_clip_ram(struct memmap *m, paddr_t limit)
{
    unsigned int i, j = 0;

    for (i = 0; i < m->nr; i++) {
        struct memmap_entry e = m->e[i];

        if (e.type == MEMMAP_RAM) {
            if (e.base >= limit)
                continue;
            e.len = MIN(e.len, limit - e.base);
        }
        m->e[j++] = e;
    }
    m->nr = j;
}

/* Meaningful on a sanitized map, where RAM entries do not overlap. */
uint64_t memmap_ram_bytes(const struct memmap *m)
{
    uint64_t sum = 0;
    unsigned int i;

    for (i = 0; i < m->nr; i++)
        if (m->e[i].type == MEMMAP_RAM)
            sum += m->e[i].len;
    return sum;
}

paddr_t memmap_ram_end(const struct memmap *m)
{
    paddr_t end = 0;
    unsigned int i;

    for (i = 0; i < m->nr; i++)
        if (m->e[i].type == MEMMAP_RAM)
            end = MAX(end, memmap_end(m->e[i].base, m->e[i].len));
    return end;
}

const char *memmap_type_name(uint32_t type)
{
    static const char *const names[] = {
        [MEMMAP_RAM] = "RAM",   [MEMMAP_RESERVED] = "reserved",
        [MEMMAP_ACPI] = "ACPI", [MEMMAP_NVS] = "ACPI NVS",
        [MEMMAP_BAD] = "bad",
    };

    if (type >= ARRAY_SIZE(names) || !names[type])
        return "unknown";
    return names[type];
}

/*
 * Boot-loader buffers carry no alignment promise, hence get_unaligned_*().
 * Entries are read while a whole minimal entry fits in the buffer. A size
 * field below the minimum would make the walk meaningless, so it ends the
 * parse; entries read so far are kept and 0 is returned (-ENOSPC only when
 * the map fills up).
 */
int memmap_from_mb1(struct memmap *m, const void *buf, uint32_t length)
{
    const uint8_t *p = buf;
    uint64_t off = 0;

    while (off + MB1_ENTRY_MIN <= length) {
        uint32_t size = get_unaligned_32(p + off);
        int rc;

        if (size < MB1_SIZE_MIN) {
            printk(LOG_WARN "memmap: mb1 entry size %u, stopping\n", size);
            return 0;
        }
        rc = memmap_add(m, get_unaligned_64(p + off + MB1_OFF_BASE),
                        get_unaligned_64(p + off + MB1_OFF_LEN),
                        get_unaligned_32(p + off + MB1_OFF_TYPE));
        if (rc)
            return rc;
        off += 4 + (uint64_t)size;
    }
    if (off < length)
        printk(LOG_WARN "memmap: mb1 map truncated at %u\n", (unsigned)off);
    return 0;
}

/* The tag's own size field and tag_size (what the caller can read) both
 * bound the walk; a trailing partial entry is ignored. */
int memmap_from_mb2(struct memmap *m, const void *tag, uint32_t tag_size)
{
    const uint8_t *p = tag;
    uint32_t end, esize, off;

    if (tag_size < MB2_HDR || get_unaligned_32(p) != MB2_TAG_MMAP)
        return -EINVAL;
    end = MIN(get_unaligned_32(p + MB2_OFF_SIZE), tag_size);
    esize = get_unaligned_32(p + MB2_OFF_ESIZE);
    if (end < MB2_HDR || esize < MB2_ENTRY_MIN)
        return -EINVAL;
    for (off = MB2_HDR; end - off >= esize; off += esize) {
        int rc = memmap_add(m, get_unaligned_64(p + off),
                            get_unaligned_64(p + off + MB2_OFF_LEN),
                            get_unaligned_32(p + off + MB2_OFF_TYPE));

        if (rc)
            return rc;
    }
    return 0;
}
