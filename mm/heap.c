// SPDX-License-Identifier: MIT
/* Small-object heap: size-class slabs in single pages, big objects in page runs. */
#include <hv/errno.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/spinlock.h>

/*
 * Design: a request of up to the largest size class is served from a slab:
 * one page from ops->alloc(0) holding a header followed by equal slots of
 * that class. The header keeps a bitmap of allocated slots, which is what
 * turns a double free into an error rather than corruption, and the
 * requested size of each live slot for bytes_in_use. Slabs with a free slot
 * sit on their class's partial list; a slab whose last object is freed goes
 * straight back to the page source, so an idle heap holds no pages.
 *
 * Bigger requests get 2^order pages with a small header in front.
 *
 * Every heap page starts with a magic word mixed with the page's own
 * address, so a pointer is recognised by reading the first word of the page
 * that contains it: a page of something else, or a copy of a heap page at
 * another address, does not match. That read is always of mapped memory,
 * since it is the page the caller's pointer points into. A page given back
 * to the source is stamped HEAP_MAGIC_DEAD, so a late double free of its
 * objects is refused as long as the page has not been handed out again.
 *
 * All results are HEAP_ALIGN-aligned: slots start on a HEAP_ALIGN boundary
 * and every class size and header size is a multiple of it.
 *
 * Locking: heap_lock protects the class lists, every page header and the
 * statistics. It is held across calls into the page source, so it is taken
 * before any lock the source takes (buddy.lock for the hypervisor heap); the
 * page source must not call back into the heap.
 */

#define HEAP_ALIGN 16
#define HEAP_MAX_SLOTS 256 /* bitmap capacity; the 16-byte class needs 224 */
#define HEAP_MAX_ORDER 20  /* largest big allocation: 2^20 pages */

#define HEAP_MAGIC_SLAB 0x4d696361536c6162ULL  /* "MicaSlab" */
#define HEAP_MAGIC_LARGE 0x4d6963614c617267ULL /* "MicaLarg" */
#define HEAP_MAGIC_DEAD 0x4d69636144656164ULL  /* "MicaDead" */

static const uint16_t heap_class_size[] = { 16, 32, 64, 128, 256, 512, 1024 };
#define HEAP_NR_CLASSES ARRAY_SIZE(heap_class_size)
#define HEAP_SLAB_MAX 1024U /* largest class */

/* Header at the start of every slab page. */
struct heap_slab {
    uint64_t magic;         /* HEAP_MAGIC_SLAB ^ page address */
    struct heap_slab *next; /* class partial list */
    struct heap_slab *prev;
    uint8_t cls;            /* index into heap_class_size */
    uint8_t pad;
    uint16_t nr_free;       /* free slots */
    uint32_t pad2;
    uint64_t used[HEAP_MAX_SLOTS / 64]; /* bit set: slot allocated */
    uint16_t size[];        /* requested size of each allocated slot */
};

/* Header in front of a big allocation, in its first page. */
struct heap_large {
    uint64_t magic; /* HEAP_MAGIC_LARGE ^ page address */
    uint64_t size;  /* requested size */
    uint32_t order; /* pages held: 2^order */
    uint32_t pad;
    uint64_t pad2;
};
_Static_assert(sizeof(struct heap_large) % HEAP_ALIGN == 0, "large header");

struct heap_class {
    struct heap_slab *partial; /* slabs with at least one free slot */
    uint16_t nr_slots;         /* slots per slab page */
    uint16_t first;            /* byte offset of slot 0 in the page */
};

static spinlock_t heap_lock = SPINLOCK_INIT;
static const struct heap_page_ops *heap_ops;
static struct heap_class heap_classes[HEAP_NR_CLASSES];
static struct heap_stats heap_stats;

static uint64_t heap_magic(const void *page, uint64_t kind)
{
    return kind ^ (uint64_t)(uintptr_t)page;
}

static unsigned int heap_slot_offset(unsigned int nr_slots)
{
    size_t hdr = offsetof(struct heap_slab, size) + nr_slots * sizeof(uint16_t);

    return (unsigned int)ROUNDUP(hdr, (size_t)HEAP_ALIGN);
}

/* As many slots as fit after a header whose size grows with the count. */
static void heap_class_layout(struct heap_class *c, unsigned int size)
{
    unsigned int n = HEAP_MAX_SLOTS;

    while (heap_slot_offset(n) + n * size > PAGE_SIZE)
        n--;
    c->partial = NULL;
    c->nr_slots = (uint16_t)n;
    c->first = (uint16_t)heap_slot_offset(n);
}

/* Forgets any pages held: meant for boot, and for tests between cases. */
void heap_init(const struct heap_page_ops *ops)
{
    spin_lock(&heap_lock);
    heap_ops = ops;
    for (unsigned int i = 0; i < HEAP_NR_CLASSES; i++)
        heap_class_layout(&heap_classes[i], heap_class_size[i]);
    memset(&heap_stats, 0, sizeof(heap_stats));
    spin_unlock(&heap_lock);
}

static void heap_list_push(struct heap_class *c, struct heap_slab *s)
{
    s->prev = NULL;
    s->next = c->partial;
    if (c->partial)
        c->partial->prev = s;
    c->partial = s;
}

static void heap_list_del(struct heap_class *c, struct heap_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        c->partial = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = NULL;
    s->prev = NULL;
}

static struct heap_slab *heap_slab_new(unsigned int cls)
{
    struct heap_class *c = &heap_classes[cls];
    struct heap_slab *s = heap_ops->alloc(0);

    if (!s)
        return NULL;
    memset(s, 0, c->first);
    s->magic = heap_magic(s, HEAP_MAGIC_SLAB);
    s->cls = (uint8_t)cls;
    s->nr_free = c->nr_slots;
    heap_list_push(c, s);
    heap_stats.pages_held++;
    return s;
}

static bool heap_slot_used(const struct heap_slab *s, unsigned int slot)
{
    return s->used[slot / 64] & (1ULL << (slot % 64));
}

/* First clear bit among the slab's slots; the caller knows there is one. */
static unsigned int heap_slab_find_free(const struct heap_slab *s,
                                        unsigned int nr_slots)
{
    for (unsigned int w = 0; w * 64 < nr_slots; w++) {
        uint64_t avail = ~s->used[w];
        unsigned int left = nr_slots - w * 64;

        if (left < 64)
            avail &= (1ULL << left) - 1;
        if (avail)
            return w * 64 + (unsigned int)__builtin_ctzll(avail);
    }
    return nr_slots;
}

static void *heap_slab_alloc(unsigned int cls, size_t size)
{
    struct heap_class *c = &heap_classes[cls];
    struct heap_slab *s = c->partial;
    unsigned int slot;

    if (!s)
        s = heap_slab_new(cls);
    if (!s)
        return NULL;
    slot = heap_slab_find_free(s, c->nr_slots);
    s->used[slot / 64] |= 1ULL << (slot % 64);
    s->size[slot] = (uint16_t)size;
    if (--s->nr_free == 0)
        heap_list_del(c, s);
    return (char *)s + c->first + (size_t)slot * heap_class_size[cls];
}

/* Order of the page run for a big request, or -1 when none could hold it. */
static int heap_large_order(size_t size)
{
    size_t max = ((size_t)PAGE_SIZE << HEAP_MAX_ORDER) - sizeof(struct heap_large);
    size_t pages;
    int order = 0;

    if (size > max)
        return -1;
    pages = (size + sizeof(struct heap_large) + PAGE_SIZE - 1) >> PAGE_SHIFT;
    while (((size_t)1 << order) < pages)
        order++;
    return order;
}

static void *heap_large_alloc(size_t size)
{
    int order = heap_large_order(size);
    struct heap_large *h;

    if (order < 0)
        return NULL;
    h = heap_ops->alloc((unsigned int)order);
    if (!h)
        return NULL;
    h->magic = heap_magic(h, HEAP_MAGIC_LARGE);
    h->size = size;
    h->order = (uint32_t)order;
    h->pad = 0;
    h->pad2 = 0;
    heap_stats.pages_held += 1ULL << order;
    return h + 1;
}

static unsigned int heap_class_of(size_t size)
{
    unsigned int cls = 0;

    while (heap_class_size[cls] < size)
        cls++;
    return cls;
}

void *heap_alloc(size_t size)
{
    void *p;

    if (!size)
        return NULL;
    spin_lock(&heap_lock);
    if (!heap_ops)
        p = NULL;
    else if (size <= HEAP_SLAB_MAX)
        p = heap_slab_alloc(heap_class_of(size), size);
    else
        p = heap_large_alloc(size);
    if (p) {
        heap_stats.bytes_in_use += size;
        heap_stats.nr_allocs++;
    }
    spin_unlock(&heap_lock);
    return p;
}

void *heap_zalloc(size_t size)
{
    void *p = heap_alloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

static void heap_slab_release(struct heap_class *c, struct heap_slab *s)
{
    heap_list_del(c, s);
    s->magic = heap_magic(s, HEAP_MAGIC_DEAD);
    heap_stats.pages_held--;
    heap_ops->free(s, 0);
}

/* Free the object at byte `off` of slab `s`; why not, or NULL when done. */
static const char *heap_slab_free(struct heap_slab *s, size_t off)
{
    struct heap_class *c;
    size_t size, slot;

    if (s->cls >= HEAP_NR_CLASSES)
        return "corrupt slab header";
    c = &heap_classes[s->cls];
    size = heap_class_size[s->cls];
    if (off < c->first || (off - c->first) % size)
        return "not the start of a slot";
    slot = (off - c->first) / size;
    if (slot >= c->nr_slots)
        return "past the last slot";
    if (!heap_slot_used(s, (unsigned int)slot))
        return "double free";
    s->used[slot / 64] &= ~(1ULL << (slot % 64));
    heap_stats.bytes_in_use -= s->size[slot];
    heap_stats.nr_allocs--;
    if (s->nr_free++ == 0)
        heap_list_push(c, s);
    if (s->nr_free == c->nr_slots)
        heap_slab_release(c, s);
    return NULL;
}

static const char *heap_large_free(struct heap_large *h, size_t off)
{
    unsigned int order = h->order;

    if (off != sizeof(*h))
        return "not the start of an allocation";
    if (order > HEAP_MAX_ORDER)
        return "corrupt header";
    heap_stats.bytes_in_use -= h->size;
    heap_stats.nr_allocs--;
    heap_stats.pages_held -= 1ULL << order;
    h->magic = heap_magic(h, HEAP_MAGIC_DEAD);
    heap_ops->free(h, order);
    return NULL;
}

static const char *heap_free_locked(void *p)
{
    uintptr_t va = (uintptr_t)p;
    void *page = (void *)(va & PAGE_MASK);
    uint64_t magic;

    /* No slot or header is misaligned: refuse before touching memory. */
    if (va & (HEAP_ALIGN - 1))
        return "misaligned";
    magic = *(const uint64_t *)page;
    if (magic == heap_magic(page, HEAP_MAGIC_SLAB))
        return heap_slab_free(page, va - (uintptr_t)page);
    if (magic == heap_magic(page, HEAP_MAGIC_LARGE))
        return heap_large_free(page, va - (uintptr_t)page);
    if (magic == heap_magic(page, HEAP_MAGIC_DEAD))
        return "page already freed (double free)";
    return "not a heap pointer";
}

int heap_free(void *p)
{
    const char *why;

    if (!p)
        return 0;
    spin_lock(&heap_lock);
    why = heap_free_locked(p);
    spin_unlock(&heap_lock);
    if (why) {
        printk(LOG_ERR "heap: bad free of %p: %s\n", p, why);
        return -EINVAL;
    }
    return 0;
}

void heap_get_stats(struct heap_stats *s)
{
    spin_lock(&heap_lock);
    *s = heap_stats;
    spin_unlock(&heap_lock);
}
