/* mem.h - allocation that succeeds or does not return.
 * Every allocator here calls msg_fatal() when memory runs out, so callers
 * never check for NULL. xfree(NULL) is harmless. */
#ifndef POSTERN_UTIL_MEM_H
#define POSTERN_UTIL_MEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* xreallocarray: like xrealloc(ptr, count * size) with overflow checking. */
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);
void xfree(void *ptr);

#endif
