/* strmap.h - hash map from NUL-terminated string keys to pointers.
 * Keys are copied (xstrdup); values are owned by the caller, who may give a
 * free function to strmap_free(). Open addressing with linear probing,
 * grown at 50% load. Allocation failure is fatal (see mem.h); nothing else
 * can fail. Iteration order is unspecified. */
#ifndef POSTERN_UTIL_STRMAP_H
#define POSTERN_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strmap strmap_t;

strmap_t *strmap_new(void);
/* free_value: called for each value (NULL: values are not freed). */
void strmap_free(strmap_t *map, void (*free_value)(void *));
/* Returns the value stored under key, or NULL. */
void *strmap_get(const strmap_t *map, const char *key);
/* Stores value under key and returns the previous value (or NULL). */
void *strmap_put(strmap_t *map, const char *key, void *value);
size_t strmap_count(const strmap_t *map);
/* Iteration: *cursor starts at 0; returns false at the end. */
bool strmap_next(const strmap_t *map, size_t *cursor, const char **key, void **value);

#endif
