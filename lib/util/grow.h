/* grow.h - amortised growth of arrays that are only ever appended to.
 * xgrow(ptr, count, size) returns ptr resized so that element [count] may
 * be written. The capacity is implied by count (4, then powers of two),
 * so the caller keeps no capacity field; the array must have been built
 * from NULL through xgrow alone. Allocation failure is fatal (mem.h). */
#ifndef POSTERN_UTIL_GROW_H
#define POSTERN_UTIL_GROW_H

#include <stddef.h>

#include "util/mem.h"

static inline void *xgrow(void *ptr, size_t count, size_t size)
{
    if (ptr != NULL && (count < 4 || (count & (count - 1)) != 0))
        return ptr;
    return xreallocarray(ptr, count < 4 ? 4 : 2 * count, size);
}

#endif
