// SPDX-License-Identifier: MIT
/* Boot command-line parser: words matched against a table of options. */
#include <hv/cmdline.h>
#include <hv/errno.h>
#include <hv/lib.h>

/*
 * The command line comes from the boot loader and may be anything, so the
 * parser never writes a word into a buffer without a bound and never lets
 * one bad word stop the rest. Values are unquoted into a bounded buffer
 * before conversion; string values go straight to the option's buffer
 * after their length has been checked, so a value that does not fit
 * leaves the old contents in place.
 *
 * The per-type setters return NULL on success or the reason handed to
 * warn(): the reason is what the user needs, an errno would lose it.
 */

/* Longest bool/number/custom value after unquoting; "0x" + 16 digits or
 * 20 decimal digits need far less, custom parsers get room to spare. */
#define CMDLINE_VALUE_MAX 256
/* How much of a bad word warn() is shown; longer words end in "...". */
#define CMDLINE_WORD_SHOWN 96

struct cmdline_word {
    const char *start;   /* raw word, quotes included */
    size_t len;
    size_t name_len;     /* name is start[0, name_len) */
    const char *val;     /* raw value after the first '=', or NULL */
    size_t val_len;
    bool open_quote;     /* the line ended inside "..." */
};

struct cmdline_ctx {
    const struct cmdline_opt *opts;
    size_t nr_opts;
    cmdline_warn_fn warn;
    int nr_reported;
};

static bool cmdline_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Split the word at p: it ends at the first space outside quotes. */
static void cmdline_word_scan(const char *p, struct cmdline_word *w)
{
    const char *s = p;
    bool quoted = false;

    *w = (struct cmdline_word){ .start = p };
    for (; *s && (quoted || !cmdline_is_space(*s)); s++) {
        if (*s == '"')
            quoted = !quoted;
        else if (*s == '=' && !quoted && !w->val)
            w->val = s + 1;
    }
    w->len = (size_t)(s - p);
    w->open_quote = quoted;
    w->name_len = w->val ? (size_t)(w->val - 1 - p) : w->len;
    w->val_len = w->val ? (size_t)(s - w->val) : 0;
}

static void cmdline_report(struct cmdline_ctx *c, const struct cmdline_word *w,
                           const char *why)
{
    char shown[CMDLINE_WORD_SHOWN];
    size_t n = MIN(w->len, sizeof(shown) - 1);

    c->nr_reported++;
    if (!c->warn)
        return;
    memcpy(shown, w->start, n);
    if (n < w->len)
        memcpy(shown + n - 3, "...", 3);
    shown[n] = '\0';
    c->warn(shown, why);
}

static const struct cmdline_opt *cmdline_lookup(const struct cmdline_ctx *c,
                                                const char *name, size_t len)
{
    for (size_t i = 0; i < c->nr_opts; i++) {
        const char *n = c->opts[i].name;

        if (n && strnlen(n, len + 1) == len && !memcmp(n, name, len))
            return &c->opts[i];
    }
    return NULL;
}

static size_t cmdline_unquoted_len(const char *v, size_t n)
{
    size_t len = 0;

    for (size_t i = 0; i < n; i++)
        len += v[i] != '"';
    return len;
}

/* Copy v[0, n) without its quote characters into dst[cap], NUL-terminated;
 * -ENOSPC, with dst untouched, when it does not fit. */
static int __must_check cmdline_unquote(const char *v, size_t n, char *dst,
                                        size_t cap)
{
    size_t out = 0;

    if (cmdline_unquoted_len(v, n) >= cap)
        return -ENOSPC;
    for (size_t i = 0; i < n; i++) {
        if (v[i] != '"')
            dst[out++] = v[i];
    }
    dst[out] = '\0';
    return 0;
}

static const char *cmdline_set_bool(const struct cmdline_opt *o,
                                    const char *val)
{
    static const char *const yes[] = { "1", "yes", "on", "true" };
    static const char *const no[] = { "0", "no", "off", "false" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(val, yes[i]) || !strcmp(val, no[i])) {
            *(bool *)o->var = !strcmp(val, yes[i]);
            return NULL;
        }
    }
    return "malformed boolean";
}

static const char *cmdline_set_u64(const struct cmdline_opt *o,
                                   const char *val)
{
    const char *end;
    uint64_t v;

    /* Trailing junk ("12Q", "0x1g") makes the whole value malformed. */
    if (hv_parse_u64(val, &end, &v, o->type == OPT_SIZE) || *end)
        return o->type == OPT_SIZE ? "malformed size" : "malformed number";
    *(uint64_t *)o->var = v;
    return NULL;
}

static const char *cmdline_set_string(const struct cmdline_opt *o,
                                      const struct cmdline_word *w)
{
    if (!w->val)
        return "missing value";
    if (!o->var || cmdline_unquote(w->val, w->val_len, o->var, o->len))
        return "value too long";
    return NULL;
}

/* Types whose value is converted from a NUL-terminated copy. */
static const char *cmdline_set_value(const struct cmdline_opt *o,
                                     const struct cmdline_word *w)
{
    char buf[CMDLINE_VALUE_MAX];

    if (!w->val && o->type == OPT_BOOL) {
        *(bool *)o->var = true;
        return NULL;
    }
    if (!w->val && o->type == OPT_CUSTOM)
        return o->parse(NULL) ? "rejected value" : NULL;
    if (!w->val)
        return "missing value";
    if (cmdline_unquote(w->val, w->val_len, buf, sizeof(buf)))
        return "value too long";
    if (o->type == OPT_BOOL)
        return cmdline_set_bool(o, buf);
    if (o->type == OPT_CUSTOM)
        return o->parse(buf) ? "rejected value" : NULL;
    return cmdline_set_u64(o, buf);
}

static const char *cmdline_set(const struct cmdline_opt *o,
                               const struct cmdline_word *w)
{
    switch (o->type) {
    case OPT_STRING:
        return cmdline_set_string(o, w);
    case OPT_BOOL:
    case OPT_UINT:
    case OPT_SIZE:
        return o->var ? cmdline_set_value(o, w) : "option has no variable";
    case OPT_CUSTOM:
        return o->parse ? cmdline_set_value(o, w) : "option has no parser";
    default:
        return "option has an unknown type";
    }
}

/* "no-name" clears boolean "name" (an option really named "no-..." is
 * matched before this is tried). */
static const char *cmdline_negate(const struct cmdline_ctx *c,
                                  const struct cmdline_word *w)
{
    const struct cmdline_opt *o;

    if (w->name_len <= 3 || memcmp(w->start, "no-", 3))
        return "unknown option";
    o = cmdline_lookup(c, w->start + 3, w->name_len - 3);
    if (!o || o->type != OPT_BOOL || !o->var)
        return "unknown option";
    if (w->val)
        return "no- option takes no value";
    *(bool *)o->var = false;
    return NULL;
}

static const char *cmdline_apply(const struct cmdline_ctx *c,
                                 const struct cmdline_word *w)
{
    const struct cmdline_opt *o;

    if (w->open_quote)
        return "unterminated quote";
    o = cmdline_lookup(c, w->start, w->name_len);
    return o ? cmdline_set(o, w) : cmdline_negate(c, w);
}

int cmdline_parse(const char *cmdline, const struct cmdline_opt *opts,
                  size_t nr_opts, cmdline_warn_fn warn)
{
    struct cmdline_ctx c = { .opts = opts, .nr_opts = nr_opts, .warn = warn };
    const char *p = cmdline;
    struct cmdline_word w;
    const char *why;

    while (p && *p) {
        while (cmdline_is_space(*p))
            p++;
        if (!*p)
            break;
        cmdline_word_scan(p, &w);
        why = cmdline_apply(&c, &w);
        if (why)
            cmdline_report(&c, &w, why);
        p += w.len;
    }
    return c.nr_reported;
}
