/* SPDX-License-Identifier: MIT */
/* Host-buffer guest memory for the domain builder tests (bzImage, multiboot, ACPI). */
#ifndef LOADER_TEST_MEM_H
#define LOADER_TEST_MEM_H

#include <string.h>
#include <sys/mman.h>

#include "test_support.h"
#include <hv/errno.h>
#include <hv/loader.h>

/*
 * GPA [0, backed) maps onto `buf`, a lazily-committed anonymous mapping so
 * a test can claim a 1 GiB guest and touch only a few pages. `ram_bytes`
 * may claim more than is backed, to provoke -EFAULT. Every access is
 * counted; fail_at makes the n-th access fail (1-based, 0 = never).
 */
struct test_guest {
    uint8_t *buf;
    uint64_t backed;
    unsigned int accesses;
    unsigned int fail_at;
    struct guest_mem mem;
};

static inline int tg_check(struct test_guest *g, uint64_t gpa, size_t len)
{
    g->accesses++;
    if (g->fail_at && g->accesses == g->fail_at)
        return -EFAULT;
    if (gpa > g->backed || len > g->backed - gpa)
        return -EFAULT;
    return 0;
}

static inline int tg_write(void *opaque, uint64_t gpa, const void *src, size_t len)
{
    struct test_guest *g = opaque;
    int rc = tg_check(g, gpa, len);

    if (!rc)
        memcpy(g->buf + gpa, src, len);
    return rc;
}

static inline int tg_zero(void *opaque, uint64_t gpa, size_t len)
{
    struct test_guest *g = opaque;
    int rc = tg_check(g, gpa, len);

    if (!rc)
        memset(g->buf + gpa, 0, len);
    return rc;
}

static inline void tg_init(struct test_guest *g, uint64_t ram, uint64_t backed)
{
    void *p = mmap(NULL, backed, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    assert_true(p != MAP_FAILED);
    g->buf = p;
    g->backed = backed;
    g->accesses = 0;
    g->fail_at = 0;
    g->mem = (struct guest_mem){ tg_write, tg_zero, ram, g };
}

static inline void tg_fini(struct test_guest *g)
{
    munmap(g->buf, g->backed);
    g->buf = NULL;
}

static inline uint64_t tg_get(const struct test_guest *g, uint64_t gpa,
                              unsigned int size)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < size; i++)
        v |= (uint64_t)g->buf[gpa + i] << (8 * i);
    return v;
}

#endif /* LOADER_TEST_MEM_H */
