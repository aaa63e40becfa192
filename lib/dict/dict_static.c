/* dict_static.c - the "static:value" table: every lookup finds value.
 * "static:{ text with spaces }" gives the text inside the braces without
 * the surrounding blanks. An empty value is "not found" (Postfix refuses
 * empty results); a malformed name makes the open fail. */
#include "dict/dict_builtin.h"
#include "util/brace.h"
#include "util/mem.h"

struct static_table {
    char *value;
};

static int static_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    struct static_table *t = d->priv;

    (void) key;
    (void) err;
    if (t->value[0] == '\0')
        return DICT_NOTFOUND;
    buf_set(value, t->value);
    return DICT_FOUND;
}

static void static_close(dict_t *d)
{
    struct static_table *t = d->priv;

    xfree(t->value);
    xfree(t);
}

int dict_static_open(dict_t *d, int open_flags, char **err)
{
    buf_t value = BUF_INIT;
    char *why = NULL;
    struct static_table *t;

    (void) open_flags;
    if (d->name[0] == '\0') {
        *err = dict_errorf("bad static:name syntax: need static:value");
        return -1;
    }
    if (d->name[0] == '{') {
        if (brace_unwrap(d->name, &value, &why) < 0) {
            *err = dict_errorf("bad static:name syntax: %s", why);
            xfree(why);
            buf_dispose(&value);
            return -1;
        }
    } else {
        buf_set(&value, d->name);
    }
    t = xcalloc(1, sizeof(*t));
    t->value = buf_detach(&value);
    d->priv = t;
    d->lookup = static_lookup;
    d->close = static_close;
    d->flags |= DICT_FLAG_FIXED;
    return 0;
}
