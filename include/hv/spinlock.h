/* SPDX-License-Identifier: MIT */
/* Ticket spinlocks: fair under contention, and free of hardware access so
 * that code using them also runs in host unit tests. */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <hv/types.h>

typedef struct spinlock {
    volatile uint16_t next;  /* ticket handed to the next arrival */
    volatile uint16_t owner; /* ticket now holding the lock */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock_init(spinlock_t *l)
{
    l->next = 0;
    l->owner = 0;
}

static inline void spin_lock(spinlock_t *l)
{
    uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
        __builtin_ia32_pause();
}

static inline bool spin_trylock(spinlock_t *l)
{
    uint16_t o = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
    uint32_t old = ((uint32_t)o << 16) | o;
    uint32_t new = ((uint32_t)o << 16) | (uint16_t)(o + 1);

    /* next is the low half, owner the high half of one 32-bit word. */
    return __atomic_compare_exchange_n((volatile uint32_t *)l, &old, new,
                                       false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return l->next != l->owner;
}

#endif /* HV_SPINLOCK_H */
