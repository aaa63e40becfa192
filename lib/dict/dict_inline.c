/* dict_inline.c - the "inline:{ key=value, { key = text with spaces } }"
 * table (Postfix 3.0 syntax), held in memory. Items are separated by
 * blanks or commas; a braced item may hold blanks around '=' and in the
 * value. A duplicate key keeps the last value. The open fails with a
 * message for a missing '{' or '}', text after '}', an empty table, or an
 * item without '='. An empty value is "not found", as in Postfix.
 * Entries are kept sorted (binary search); iteration is in key order. */
#include "dict/dict_builtin.h"
#include "util/brace.h"
#include "util/array_grow.h"
#include "util/mem.h"
#include "util/strutil.h"

#include <stdlib.h>
#include <string.h>

struct inline_entry {
    char *key;
    char *value;
    size_t order;   /* position in the table text */
};

static int compare_entries_by_key(const void *a, const void *b)
{
    return strcmp(((const struct inline_entry *) a)->key,
                  ((const struct inline_entry *) b)->key);
}

struct inline_table {
    struct inline_entry *entries;
    size_t count;
    size_t cursor;   /* for dict_sequence */
};

static int compare_entries(const void *a, const void *b)
{
    const struct inline_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    if (c != 0)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static struct inline_entry *find_entry(struct inline_table *t, const char *key)
{
    struct inline_entry probe = {(char *) key, NULL, 0};

    return bsearch(&probe, t->entries, t->count, sizeof(*t->entries), compare_entries_by_key);
}

static int inline_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    struct inline_entry *e = find_entry(d->priv, key);

    (void) err;
    if (e == NULL || e->value[0] == '\0')
        return DICT_NOTFOUND;
    buf_set(value, e->value);
    return DICT_FOUND;
}

static int inline_sequence(dict_t *d, bool first, buf_t *key, buf_t *value, char **err)
{
    struct inline_table *t = d->priv;

    (void) err;
    if (first)
        t->cursor = 0;
    if (t->cursor >= t->count)
        return DICT_NOTFOUND;
    buf_set(key, t->entries[t->cursor].key);
    buf_set(value, t->entries[t->cursor].value);
    t->cursor++;
    return DICT_FOUND;
}

static void inline_free(struct inline_table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        xfree(t->entries[i].key);
        xfree(t->entries[i].value);
    }
    xfree(t->entries);
    xfree(t);
}

static void inline_close(dict_t *d)
{
    inline_free(d->priv);
}

/* Adds "name=value" (blanks around both trimmed); -1 without '='. */
static int add_item(struct inline_table *t, char *item, bool fold)
{
    char *eq = strchr(item, '=');
    char *key;

    if (eq == NULL)
        return -1;
    *eq = '\0';
    key = str_trim(item);
    if (fold)
        str_lower(key);
    t->entries = array_grow(t->entries, t->count, t->count + 1, sizeof(*t->entries));
    t->entries[t->count].key = xstrdup(key);
    t->entries[t->count].value = xstrdup(str_trim(eq + 1));
    t->entries[t->count].order = t->count;
    t->count++;
    return 0;
}

/* Sorts by key for bsearch; of duplicate keys the last one written wins. */
static void sort_and_dedupe(struct inline_table *t)
{
    size_t kept = 0;

    qsort(t->entries, t->count, sizeof(*t->entries), compare_entries);
    for (size_t i = 0; i < t->count; i++) {
        if (i + 1 < t->count && strcmp(t->entries[i].key, t->entries[i + 1].key) == 0) {
            xfree(t->entries[i].key);
            xfree(t->entries[i].value);
            continue;
        }
        t->entries[kept++] = t->entries[i];
    }
    t->count = kept;
}

static char *syntax_error(const dict_t *d, const char *what)
{
    return dict_errorf("%s: \"%s\"; need \"inline:{name=value...}\"", what, d->type_name);
}

/* Parses d->name into t; returns 0 or -1 with *err set. */
static int parse_inline(dict_t *d, struct inline_table *t, char **err)
{
    buf_t body = BUF_INIT;
    char **items = NULL, *why = NULL;
    size_t count = 0, i;
    int rc = -1;

    if (brace_unwrap(d->name, &body, &why) < 0) {
        *err = syntax_error(d, "bad syntax");
    } else if (brace_split(body.data, &items, NULL, &count, &why) < 0) {
        *err = dict_errorf("%s: \"%s\"; need \"inline:{name=value...}\"", why, d->type_name);
    } else if (count == 0) {
        *err = syntax_error(d, "empty table");
    } else {
        for (i = 0; i < count; i++)
            if (add_item(t, items[i], (d->flags & DICT_FLAG_FOLD_KEYS) != 0) < 0)
                break;
        if (i < count) {
            *err = syntax_error(d, "missing '=' after attribute name");
        } else {
            sort_and_dedupe(t);
            rc = 0;
        }
    }
    xfree(why);
    brace_free_items(items, NULL, count);
    buf_dispose(&body);
    return rc;
}

int dict_inline_open(dict_t *d, int open_flags, char **err)
{
    struct inline_table *t = xcalloc(1, sizeof(*t));

    (void) open_flags;
    if (parse_inline(d, t, err) < 0) {
        inline_free(t);
        return -1;
    }
    d->priv = t;
    d->lookup = inline_lookup;
    d->sequence = inline_sequence;
    d->close = inline_close;
    d->flags |= DICT_FLAG_FIXED;
    return 0;
}
