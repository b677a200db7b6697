/* SPDX-License-Identifier: MIT */
/* A text buffer filled under a lock and printed after it is dropped, so
 * that a slow serial line never stalls the lock's other users. */
#ifndef HV_TEXTBUF_H
#define HV_TEXTBUF_H

#include <hv/types.h>

struct textbuf {
    char *buf;
    size_t size, len;  /* buf[len] is always '\0' */
    bool truncated;    /* something did not fit */
};

static inline void textbuf_init(struct textbuf *t, char *buf, size_t size)
{
    *t = (struct textbuf){ buf, size, 0, false };
    buf[0] = '\0';
}

/* Append formatted text (hv_vsnprintf's subset); on overflow the text is
 * cut at the buffer's end and `truncated` set. */
void textbuf_printf(struct textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* printk every line of t, then a note if it was truncated. */
void textbuf_printk(const struct textbuf *t);

#endif /* HV_TEXTBUF_H */
