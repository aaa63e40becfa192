/* strmap.c - string-keyed hash map with open addressing (see strmap.h). */
#include "util/strmap.h"
#include "util/mem.h"

#include <stdint.h>
#include <string.h>

struct slot {
    char *key;      /* NULL: empty slot (there are no deletions) */
    void *value;
};

struct strmap {
    struct slot *slots;
    size_t size;    /* power of two */
    size_t count;
};

static uint64_t hash_key(const char *key)
{
    uint64_t h = 0xcbf29ce484222325ULL;     /* FNV-1a */

    for (const unsigned char *p = (const unsigned char *) key; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

strmap_t *strmap_new(void)
{
    strmap_t *map = xmalloc(sizeof(*map));

    map->size = 64;
    map->count = 0;
    map->slots = xcalloc(map->size, sizeof(*map->slots));
    return map;
}

void strmap_free(strmap_t *map, void (*free_value)(void *))
{
    if (map == NULL)
        return;
    for (size_t i = 0; i < map->size; i++) {
        if (map->slots[i].key == NULL)
            continue;
        xfree(map->slots[i].key);
        if (free_value)
            free_value(map->slots[i].value);
    }
    xfree(map->slots);
    xfree(map);
}

static struct slot *find_slot(struct slot *slots, size_t size, const char *key)
{
    size_t i = (size_t) hash_key(key) & (size - 1);

    while (slots[i].key != NULL && strcmp(slots[i].key, key) != 0)
        i = (i + 1) & (size - 1);
    return &slots[i];
}

void *strmap_get(const strmap_t *map, const char *key)
{
    struct slot *s = find_slot(map->slots, map->size, key);

    return s->key ? s->value : NULL;
}

static void grow(strmap_t *map)
{
    size_t new_size = map->size * 2;
    struct slot *new_slots = xcalloc(new_size, sizeof(*new_slots));

    for (size_t i = 0; i < map->size; i++) {
        if (map->slots[i].key != NULL)
            *find_slot(new_slots, new_size, map->slots[i].key) = map->slots[i];
    }
    xfree(map->slots);
    map->slots = new_slots;
    map->size = new_size;
}

void *strmap_put(strmap_t *map, const char *key, void *value)
{
    struct slot *s;
    void *old;

    if ((map->count + 1) * 2 > map->size)
        grow(map);
    s = find_slot(map->slots, map->size, key);
    if (s->key != NULL) {
        old = s->value;
        s->value = value;
        return old;
    }
    s->key = xstrdup(key);
    s->value = value;
    map->count++;
    return NULL;
}

size_t strmap_count(const strmap_t *map)
{
    return map->count;
}

bool strmap_next(const strmap_t *map, size_t *cursor, const char **key, void **value)
{
    while (*cursor < map->size) {
        struct slot *s = &map->slots[(*cursor)++];
        if (s->key != NULL) {
            *key = s->key;
            *value = s->value;
            return true;
        }
    }
    return false;
}
