/* buf.c - growable NUL-terminated byte buffer (see buf.h). */
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

void buf_init(buf_t *b)
{
    b->cap = 64;
    b->len = 0;
    b->data = xmalloc(b->cap);
    b->data[0] = '\0';
}

buf_t *buf_new(size_t hint)
{
    buf_t *b = xmalloc(sizeof(*b));

    b->cap = hint < 16 ? 16 : hint + 1;
    b->len = 0;
    b->data = xmalloc(b->cap);
    b->data[0] = '\0';
    return b;
}

void buf_dispose(buf_t *b)
{
    xfree(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void buf_free(buf_t *b)
{
    if (b == NULL)
        return;
    buf_dispose(b);
    xfree(b);
}

void buf_reserve(buf_t *b, size_t extra)
{
    size_t need;

    if (b->data == NULL)
        buf_init(b);
    if (extra > SIZE_MAX - b->len - 1)
        msg_fatal("buffer size overflow");
    need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    while (b->cap < need)
        b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
    b->data = xrealloc(b->data, b->cap);
}

void buf_reset(buf_t *b)
{
    buf_truncate(b, 0);
}

void buf_truncate(buf_t *b, size_t len)
{
    if (b->data == NULL)
        buf_init(b);
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

void buf_append(buf_t *b, const void *data, size_t len)
{
    buf_reserve(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void buf_puts(buf_t *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_putc(buf_t *b, int c)
{
    char ch = (char) c;

    buf_append(b, &ch, 1);
}

void buf_set(buf_t *b, const char *s)
{
    buf_reset(b);
    buf_puts(b, s);
}

void buf_vprintf(buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    buf_reserve(b, 64);
    va_copy(ap2, ap);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        msg_panic("buf_vprintf: bad format \"%s\"", fmt);
    if ((size_t) n >= b->cap - b->len) {
        buf_reserve(b, (size_t) n);
        n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    }
    b->len += (size_t) n;
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *buf_detach(buf_t *b)
{
    char *p;

    if (b->data == NULL)
        buf_init(b);
    p = b->data;
    b->data = NULL;             /* like BUF_INIT: no storage until next use */
    b->len = b->cap = 0;
    return p;
}
