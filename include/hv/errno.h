/* SPDX-License-Identifier: MIT */
/* Error numbers: the values Xen's public ABI uses (they match Linux's). */
#ifndef HV_ERRNO_H
#define HV_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define EOVERFLOW 75
#define EOPNOTSUPP 95

#endif /* HV_ERRNO_H */
