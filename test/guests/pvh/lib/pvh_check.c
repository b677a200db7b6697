// SPDX-License-Identifier: MIT
// PVH test guests: hypercall result checks against Xen's errno values.
#include "pvh.h"

static const struct {
    int err;
    const char *name;
} errno_names[] = {
    {XEN_EPERM, "EPERM"},   {XEN_ENOENT, "ENOENT"}, {XEN_ESRCH, "ESRCH"},
    {XEN_ENXIO, "ENXIO"},   {XEN_E2BIG, "E2BIG"},   {XEN_EAGAIN, "EAGAIN"},
    {XEN_ENOMEM, "ENOMEM"}, {XEN_EACCES, "EACCES"}, {XEN_EFAULT, "EFAULT"},
    {XEN_EBUSY, "EBUSY"},   {XEN_EEXIST, "EEXIST"}, {XEN_ENODEV, "ENODEV"},
    {XEN_EINVAL, "EINVAL"}, {XEN_ENOSPC, "ENOSPC"}, {XEN_ERANGE, "ERANGE"},
    {XEN_ENOSYS, "ENOSYS"}, {XEN_ETIME, "ETIME"},   {XEN_EOPNOTSUPP, "EOPNOTSUPP"},
};

const char *xen_errno_name(long rc)
{
    if (rc >= 0)
        return "ok";
    for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
        if (rc == -errno_names[i].err)
            return errno_names[i].name;
    return "?";
}

/* "-22 (EINVAL)" or "1"; buf holds at least 32 bytes. */
static const char *rc_str(char *buf, size_t size, long rc)
{
    if (rc < 0)
        snprintf(buf, size, "%ld (%s)", rc, xen_errno_name(rc));
    else
        snprintf(buf, size, "%ld", rc);
    return buf;
}

void expect_rc_(const char *what, long rc, const long *want, size_t n)
{
    char got[32], xen[32], list[160];
    size_t len = 0;

    for (size_t i = 0; i < n; i++) {
        if (rc != want[i])
            continue;
        if (i > 0)
            info("%s: %s, accepted (Xen returns %s)", what, rc_str(got, sizeof(got), rc),
                 rc_str(xen, sizeof(xen), want[0]));
        return;
    }
    for (size_t i = 0; i < n && len < sizeof(list); i++)
        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? " or " : "",
                                rc_str(xen, sizeof(xen), want[i]));
    test_fail("%s: got %s, expected %s", what, rc_str(got, sizeof(got), rc), list);
}
