/* array_grow.h - amortized growth for plain C arrays.
 * array_grow(p, used, need, size) returns p enlarged so that it holds at
 * least need items of size bytes, when it is known to hold room for
 * array_grow_cap(used) items (the invariant of every array grown only by
 * this function, whose used count never exceeds its item count). Capacity
 * doubles, so appending n items costs O(n). Allocation failure is fatal. */
#ifndef POSTERN_UTIL_ARRAY_GROW_H
#define POSTERN_UTIL_ARRAY_GROW_H

#include <stddef.h>

#include "util/mem.h"

static inline size_t array_grow_cap(size_t n)
{
    size_t cap = 4;

    while (cap < n)
        cap *= 2;
    return cap;
}

static inline void *array_grow(void *p, size_t used, size_t need, size_t size)
{
    if (p == NULL || need > array_grow_cap(used))
        p = xreallocarray(p, array_grow_cap(need), size);
    return p;
}

#endif
