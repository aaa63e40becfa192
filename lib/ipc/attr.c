/* attr.c - attribute lists: building, strict typed getters, scanning and
 * the unexpected-attribute check (see attr.h). Builders panic on
 * programming errors; getters return -1 for missing or mistyped values. */
#include "ipc/attr.h"
#include "ipc/attr_impl.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct attr {
    char *name;
    size_t name_len;
    buf_t value;
};

/* Attributes in frame order, plus an open-addressing hash index of
 * positions (EMPTY_SLOT when free) so that lookups and the duplicate
 * check stay fast for frames with thousands of attributes. */
struct attr_list {
    struct attr *items;
    size_t count;
    size_t cap;
    size_t *index;
    size_t index_cap;          /* a power of two, or 0 */
};

#define EMPTY_SLOT ((size_t) -1)

const attr_limits_t attr_default_limits = {
    ATTR_DEFAULT_MAX_MESSAGE, ATTR_DEFAULT_MAX_VALUE, ATTR_DEFAULT_MAX_COUNT,
};

attr_list_t *attr_list_new(void)
{
    return xcalloc(1, sizeof(attr_list_t));
}

void attr_list_reset(attr_list_t *l)
{
    for (size_t i = 0; i < l->count; i++) {
        xfree(l->items[i].name);
        buf_dispose(&l->items[i].value);
    }
    l->count = 0;
    for (size_t i = 0; i < l->index_cap; i++)
        l->index[i] = EMPTY_SLOT;
}

void attr_list_free(attr_list_t *l)
{
    if (l == NULL)
        return;
    attr_list_reset(l);
    xfree(l->items);
    xfree(l->index);
    xfree(l);
}

size_t attr_count(const attr_list_t *l)
{
    return l->count;
}

const char *attr_name_at(const attr_list_t *l, size_t i)
{
    if (i >= l->count)
        msg_panic("attr_name_at: index %zu of %zu", i, l->count);
    return l->items[i].name;
}

/* Names: 1..ATTR_NAME_MAX bytes of [a-z0-9_]; len counts the bytes. */
static bool valid_name_bytes(const char *name, size_t len)
{
    if (len == 0 || len > ATTR_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

bool attr_valid_name(const char *name)
{
    return valid_name_bytes(name, strnlen(name, ATTR_NAME_MAX + 1));
}

static size_t hash_name(const char *name, size_t len)
{
    size_t h = 2166136261u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char) name[i]) * 16777619u;
    return h;
}

/* The index slot holding name, or the free slot where it would go. */
static size_t slot_of(const attr_list_t *l, const char *name, size_t len)
{
    size_t mask = l->index_cap - 1, slot = hash_name(name, len) & mask;

    for (;;) {
        size_t at = l->index[slot];
        if (at == EMPTY_SLOT || (l->items[at].name_len == len
                                 && memcmp(l->items[at].name, name, len) == 0))
            return slot;
        slot = (slot + 1) & mask;
    }
}

/* Keeps the index at most half full. */
static void grow_index(attr_list_t *l)
{
    size_t cap = l->index_cap ? l->index_cap * 2 : 32;

    if (l->count * 2 < l->index_cap)
        return;
    xfree(l->index);
    l->index = xreallocarray(NULL, cap, sizeof(*l->index));
    l->index_cap = cap;
    for (size_t i = 0; i < cap; i++)
        l->index[i] = EMPTY_SLOT;
    for (size_t i = 0; i < l->count; i++)
        l->index[slot_of(l, l->items[i].name, l->items[i].name_len)] = i;
}

static const struct attr *find(const attr_list_t *l, const char *name, size_t len)
{
    size_t at;

    if (l->index_cap == 0)
        return NULL;
    at = l->index[slot_of(l, name, len)];
    return at == EMPTY_SLOT ? NULL : &l->items[at];
}

bool attr_has(const attr_list_t *l, const char *name)
{
    return find(l, name, strlen(name)) != NULL;
}

int attr_list_add(attr_list_t *l, const char *name, size_t name_len,
                  const void *value, size_t value_len)
{
    struct attr *a;

    if (!valid_name_bytes(name, name_len) || find(l, name, name_len) != NULL)
        return -1;
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = xreallocarray(l->items, l->cap, sizeof(*l->items));
    }
    grow_index(l);
    l->index[slot_of(l, name, name_len)] = l->count;
    a = &l->items[l->count++];
    a->name = xstrndup(name, name_len);
    a->name_len = name_len;
    buf_init(&a->value);
    buf_append(&a->value, value, value_len);
    return 0;
}

void attr_put_data(attr_list_t *l, const char *name, const void *data, size_t len)
{
    if (attr_list_add(l, name, strlen(name), data, len) < 0)
        msg_panic("attr_put: bad or duplicate attribute name \"%s\"", name);
}

void attr_put_str(attr_list_t *l, const char *name, const char *value)
{
    attr_put_data(l, name, value, strlen(value));
}

void attr_put_long(attr_list_t *l, const char *name, long value)
{
    char text[32];

    snprintf(text, sizeof(text), "%ld", value);
    attr_put_str(l, name, text);
}

void attr_put_int(attr_list_t *l, const char *name, int value)
{
    attr_put_long(l, name, value);
}

int attr_get_data(const attr_list_t *l, const char *name,
                  const void **data, size_t *len)
{
    const struct attr *a = find(l, name, strlen(name));

    if (a == NULL)
        return -1;
    *data = a->value.data;
    *len = a->value.len;
    return 0;
}

int attr_get_str(const attr_list_t *l, const char *name, const char **out)
{
    const struct attr *a = find(l, name, strlen(name));

    if (a == NULL || memchr(a->value.data, '\0', a->value.len) != NULL)
        return -1;
    *out = a->value.data;
    return 0;
}

/* Decimal with optional '-', nothing else: no blanks, no '+', no "0x". */
static int parse_long(const char *text, long min, long max, long *out)
{
    const char *digits = text[0] == '-' ? text + 1 : text;
    char *end;
    long v;

    if (digits[0] < '0' || digits[0] > '9')
        return -1;
    errno = 0;
    v = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int attr_get_long(const attr_list_t *l, const char *name, long *out)
{
    const char *text;

    if (attr_get_str(l, name, &text) < 0)
        return -1;
    return parse_long(text, LONG_MIN, LONG_MAX, out);
}

int attr_get_int(const attr_list_t *l, const char *name, int *out)
{
    const char *text;
    long v;

    if (attr_get_str(l, name, &text) < 0 || parse_long(text, INT_MIN, INT_MAX, &v) < 0)
        return -1;
    *out = (int) v;
    return 0;
}

int attr_check_only(const attr_list_t *l, const char *const *allowed, char **err)
{
    for (size_t i = 0; i < l->count; i++) {
        const char *const *p;
        for (p = allowed; *p != NULL; p++)
            if (strcmp(*p, l->items[i].name) == 0)
                break;
        if (*p == NULL) {
            errstr_set(err, "unexpected attribute %s", l->items[i].name);
            return -1;
        }
    }
    return 0;
}

static int scan_one(const attr_list_t *l, const attr_spec_t *spec)
{
    attr_data_t *d;

    switch (spec->type) {
    case ATTR_TYPE_STR:
        return attr_get_str(l, spec->name, spec->out);
    case ATTR_TYPE_INT:
        return attr_get_int(l, spec->name, spec->out);
    case ATTR_TYPE_LONG:
        return attr_get_long(l, spec->name, spec->out);
    case ATTR_TYPE_DATA:
        d = spec->out;
        return attr_get_data(l, spec->name, &d->data, &d->len);
    }
    msg_panic("attr_scan: bad type %d for %s", (int) spec->type, spec->name);
}

int attr_scan(const attr_list_t *l, const attr_spec_t *specs, size_t nspecs,
              int flags, char **err)
{
    size_t i, j;

    for (i = 0; i < nspecs; i++) {
        if (!attr_has(l, specs[i].name)) {
            if (specs[i].optional)
                continue;
            errstr_set(err, "missing attribute %s", specs[i].name);
            return -1;
        }
        if (scan_one(l, &specs[i]) < 0) {
            errstr_set(err, "bad value for attribute %s", specs[i].name);
            return -1;
        }
    }
    if (!(flags & ATTR_SCAN_STRICT))
        return 0;
    for (i = 0; i < l->count; i++) {
        for (j = 0; j < nspecs; j++)
            if (strcmp(specs[j].name, l->items[i].name) == 0)
                break;
        if (j == nspecs) {
            errstr_set(err, "unexpected attribute %s", l->items[i].name);
            return -1;
        }
    }
    return 0;
}

const buf_t *attr_value_at(const attr_list_t *l, size_t i)
{
    if (i >= l->count)
        msg_panic("attr_value_at: index %zu of %zu", i, l->count);
    return &l->items[i].value;
}
