/* mem.c - allocators that never return NULL (see mem.h). */
#include "util/mem.h"
#include "util/msg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *checked(void *p, size_t size)
{
    if (p == NULL && size != 0)
        msg_fatal("out of memory allocating %zu bytes", size);
    return p;
}

void *xmalloc(size_t size)
{
    return checked(malloc(size ? size : 1), size ? size : 1);
}

void *xcalloc(size_t count, size_t size)
{
    if (count && size > SIZE_MAX / count)
        msg_fatal("allocation overflow: %zu * %zu", count, size);
    return checked(calloc(count ? count : 1, size ? size : 1), 1);
}

void *xrealloc(void *ptr, size_t size)
{
    return checked(realloc(ptr, size ? size : 1), size ? size : 1);
}

void *xreallocarray(void *ptr, size_t count, size_t size)
{
    if (count && size > SIZE_MAX / count)
        msg_fatal("allocation overflow: %zu * %zu", count, size);
    return xrealloc(ptr, count * size);
}

char *xstrdup(const char *s)
{
    return xmemdup(s, strlen(s) + 1);
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void *xmemdup(const void *p, size_t n)
{
    void *q = xmalloc(n);

    if (n)
        memcpy(q, p, n);
    return q;
}

void xfree(void *ptr)
{
    free(ptr);
}
