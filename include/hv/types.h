/* SPDX-License-Identifier: MIT */
/* Basic fixed-width types and frame-number types shared by every module. */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ssize_t_hv;

/*
 * Frame and address types are distinct structs so that a machine frame can
 * never be passed where a guest frame is expected without a visible
 * conversion.
 */
typedef struct { uint64_t m; } mfn_t;
typedef struct { uint64_t g; } gfn_t;
typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;

#define _mfn(x) ((mfn_t){ (x) })
#define mfn_x(x) ((x).m)
#define _gfn(x) ((gfn_t){ (x) })
#define gfn_x(x) ((x).g)
#define INVALID_MFN _mfn(~0ULL)
#define mfn_eq(a, b) (mfn_x(a) == mfn_x(b))

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define mfn_to_paddr(mfn) ((paddr_t)mfn_x(mfn) << PAGE_SHIFT)
#define paddr_to_mfn(pa) _mfn((pa) >> PAGE_SHIFT)

#define __must_check __attribute__((warn_unused_result))
#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __section(s) __attribute__((section(s)))
#define __used __attribute__((used))
#define __unused __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#endif /* HV_TYPES_H */
