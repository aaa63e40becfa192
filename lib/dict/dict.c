/* dict.c - the generic lookup-table layer: parses "type:name", finds the
 * implementation in the registry, folds keys, and dispatches. */
#include "dict/dict_impl.h"
#include "util/mem.h"
#include "util/strutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

char *dict_errorf(const char *fmt, ...)
{
    buf_t b = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return buf_detach(&b) ;
}

static void set_err(char **err, char *msg)
{
    if (err)
        *err = msg;
    else
        xfree(msg);
}

dict_t *dict_open(const char *type_name, int open_flags, int dict_flags, char **err)
{
    const char *colon = strchr(type_name, ':');
    const struct dict_type *t;
    char *type;
    dict_t *d;

    if (colon == NULL || colon == type_name) {
        set_err(err, dict_errorf("table \"%s\": need type:name", type_name));
        return NULL;
    }
    type = xstrndup(type_name, (size_t) (colon - type_name));
    if ((t = dict_find_type(type)) == NULL) {
        set_err(err, dict_errorf("unsupported dictionary type: %s", type));
        xfree(type);
        return NULL;
    }
    d = xcalloc(1, sizeof(*d));
    d->type = type;
    d->name = xstrdup(colon + 1);
    d->type_name = xstrdup(type_name);
    d->flags = dict_flags;
    if (t->open(d, open_flags, err) < 0) {
        xfree(d->type);
        xfree(d->name);
        xfree(d->type_name);
        xfree(d);
        return NULL;
    }
    return d;
}

/* Returns the key to pass to the implementation: folded into *tmp when the
 * table folds keys. */
static const char *fold(dict_t *d, const char *key, buf_t *tmp)
{
    if (!(d->flags & DICT_FLAG_FOLD_KEYS))
        return key;
    buf_set(tmp, key);
    str_lower(tmp->data);
    return tmp->data;
}

static int unsupported(dict_t *d, const char *what, char **err)
{
    set_err(err, dict_errorf("%s: %s is not supported by this table type",
                             d->type_name, what));
    return DICT_ERROR;
}

int dict_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    buf_t tmp = BUF_INIT;
    int rc;

    if (d->lookup == NULL)
        return unsupported(d, "lookup", err);
    rc = d->lookup(d, fold(d, key, &tmp), value, err);
    buf_dispose(&tmp);
    return rc;
}

int dict_update(dict_t *d, const char *key, const char *value, char **err)
{
    buf_t tmp = BUF_INIT;
    int rc;

    if (d->update == NULL)
        return unsupported(d, "update", err);
    rc = d->update(d, fold(d, key, &tmp), value, err);
    buf_dispose(&tmp);
    return rc;
}

int dict_delete(dict_t *d, const char *key, char **err)
{
    buf_t tmp = BUF_INIT;
    int rc;

    if (d->remove == NULL)
        return unsupported(d, "delete", err);
    rc = d->remove(d, fold(d, key, &tmp), err);
    buf_dispose(&tmp);
    return rc;
}

int dict_sequence(dict_t *d, bool first, buf_t *key, buf_t *value, char **err)
{
    if (d->sequence == NULL)
        return unsupported(d, "iteration", err);
    return d->sequence(d, first, key, value, err);
}

bool dict_changed(dict_t *d)
{
    return d->changed ? d->changed(d) : false;
}

const char *dict_name(const dict_t *d)
{
    return d->type_name;
}

int dict_flags(const dict_t *d)
{
    return d->flags;
}

void dict_close(dict_t *d)
{
    if (d == NULL)
        return;
    if (d->close)
        d->close(d);
    xfree(d->type);
    xfree(d->name);
    xfree(d->type_name);
    xfree(d);
}
