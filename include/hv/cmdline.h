/* SPDX-License-Identifier: MIT */
/* Boot command-line parsing against a table of documented options. */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <hv/types.h>

enum cmdline_type {
    OPT_BOOL,   /* "name", "name=1/0/yes/no/on/off/true/false", "no-name" */
    OPT_UINT,   /* decimal or 0x hex, stored as uint64_t */
    OPT_SIZE,   /* like UINT with K/M/G suffix (bytes), uint64_t */
    OPT_STRING, /* copied into a char[len] buffer, NUL-terminated */
    OPT_CUSTOM, /* handed to parse(); it returns 0 or -EINVAL */
};

struct cmdline_opt {
    const char *name;
    enum cmdline_type type;
    void *var;                       /* bool*, uint64_t*, char[len] */
    size_t len;                      /* OPT_STRING buffer size */
    int (*parse)(const char *value); /* OPT_CUSTOM; value may be NULL */
    const char *help;                /* one line for the README/help key */
};

/* How a problem with one word of the command line is reported. */
typedef void (*cmdline_warn_fn)(const char *word, const char *why);

/*
 * Parse `cmdline` (words separated by spaces; "name=value"; values may be
 * double-quoted to contain spaces) against `opts`. Unknown names and
 * malformed values are reported through warn (which may be NULL) and
 * skipped; they never stop the parse, and a malformed value leaves the
 * variable unchanged. The first word is NOT special (callers strip the
 * image name). Returns the number of words reported.
 */
int cmdline_parse(const char *cmdline, const struct cmdline_opt *opts,
                  size_t nr_opts, cmdline_warn_fn warn);

#endif /* HV_CMDLINE_H */
