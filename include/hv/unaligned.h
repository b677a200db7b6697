/* SPDX-License-Identifier: MIT */
/* Reads of little-endian fields at any alignment (firmware tables, boot
 * loader buffers), without undefined behaviour. */
#ifndef HV_UNALIGNED_H
#define HV_UNALIGNED_H

#include <hv/types.h>

#define DEFINE_GET_UNALIGNED(bits)                                  \
    static inline uint##bits##_t get_unaligned_##bits(const void *p) \
    {                                                               \
        uint##bits##_t v;                                           \
        __builtin_memcpy(&v, p, sizeof(v));                         \
        return v;                                                   \
    }
DEFINE_GET_UNALIGNED(16)
DEFINE_GET_UNALIGNED(32)
DEFINE_GET_UNALIGNED(64)
#undef DEFINE_GET_UNALIGNED

#endif /* HV_UNALIGNED_H */
