/* buf.h - growable byte buffer, the one string type used everywhere.
 * The contents may hold any bytes including NUL; data[len] is always a
 * terminating NUL so that text can be passed to C string functions.
 * Allocation failure is fatal (see mem.h). */
#ifndef POSTERN_UTIL_BUF_H
#define POSTERN_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data;   /* never NULL after buf_init/buf_new */
    size_t len;   /* bytes in use, excluding the terminating NUL */
    size_t cap;   /* bytes allocated, including room for the NUL */
} buf_t;

#define BUF_INIT {0, 0, 0}

void buf_init(buf_t *b);             /* for a buf_t on the stack */
buf_t *buf_new(size_t hint);
void buf_free(buf_t *b);             /* for buf_new() results; NULL ok */
void buf_dispose(buf_t *b);          /* release storage of a stack buf_t */
void buf_reserve(buf_t *b, size_t extra);
void buf_reset(buf_t *b);
void buf_truncate(buf_t *b, size_t len);
void buf_append(buf_t *b, const void *data, size_t len);
void buf_puts(buf_t *b, const char *s);
void buf_putc(buf_t *b, int c);
void buf_set(buf_t *b, const char *s); /* reset + puts */
void buf_printf(buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf_t *b, const char *fmt, va_list ap);
/* Returns the data (caller frees) and leaves b without storage, as
 * BUF_INIT: a stack buffer needs no buf_dispose() after it, and may be
 * reused (the next write allocates). */
char *buf_detach(buf_t *b);
static inline const char *buf_str(const buf_t *b) { return b->data; }

#endif
