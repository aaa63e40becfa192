/* cleanup_rewrite.c - qualification, canonical mapping and virtual alias
 * expansion of envelope addresses (see cleanup_rewrite.h). Table errors
 * and limits are returned to the caller. */
#include "cleanup/cleanup_rewrite.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strutil.h"

static char *errf(const char *fmt, const char *a, const char *b)
{
    buf_t b2 = BUF_INIT;

    buf_printf(&b2, fmt, a, b);
    return buf_detach(&b2);
}

int cleanup_maps_open(cleanup_maps_t *m, const char *list, char **err)
{
    char **words = cfg_split_list(list ? list : "");
    size_t i;

    m->tables = NULL;
    m->count = 0;
    for (i = 0; words[i]; i++) {
        dict_t *d = dict_open(words[i], O_RDONLY, DICT_FLAG_FOLD_KEYS, err);

        if (d == NULL) {
            cleanup_maps_close(m);
            cfg_list_free(words);
            return -1;
        }
        m->tables = xreallocarray(m->tables, m->count + 1, sizeof(*m->tables));
        m->tables[m->count++] = d;
    }
    cfg_list_free(words);
    return 0;
}

void cleanup_maps_close(cleanup_maps_t *m)
{
    size_t i;

    for (i = 0; i < m->count; i++)
        dict_close(m->tables[i]);
    xfree(m->tables);
    m->tables = NULL;
    m->count = 0;
}

static bool domain_is_local(char *const *local_domains, const char *domain)
{
    size_t i;

    for (i = 0; local_domains && local_domains[i]; i++)
        if (str_case_eq(local_domains[i], domain))
            return true;
    return false;
}

/* One key in every table (pattern tables only for the full address). */
static int find_key(const cleanup_maps_t *m, const char *key, bool full,
                    buf_t *value, char **err)
{
    size_t i;

    for (i = 0; i < m->count; i++) {
        int rc;

        if (!full && (dict_flags(m->tables[i]) & DICT_FLAG_PATTERN))
            continue;
        rc = dict_lookup(m->tables[i], key, value, err);
        if (rc != DICT_NOTFOUND)
            return rc;
    }
    return DICT_NOTFOUND;
}

int cleanup_maps_find_address(const cleanup_maps_t *m, const char *address,
                              char *const *local_domains, buf_t *value,
                              char **err)
{
    const char *at = strrchr(address, '@');
    buf_t key = BUF_INIT;
    int rc;

    if (m->count == 0 || *address == 0)
        return DICT_NOTFOUND;
    rc = find_key(m, address, true, value, err);
    if (rc == DICT_NOTFOUND && at != NULL && domain_is_local(local_domains, at + 1)) {
        buf_append(&key, address, (size_t) (at - address));
        rc = find_key(m, buf_str(&key), false, value, err);
    }
    if (rc == DICT_NOTFOUND && at != NULL && at[1] != 0)
        rc = find_key(m, at, false, value, err);
    buf_dispose(&key);
    return rc;
}

/* "@other" in a result: the same user in domain "other". */
static void apply_result(const char *address, const char *result, buf_t *out)
{
    const char *at = strrchr(address, '@');

    buf_reset(out);
    if (result[0] == '@' && result[1] != 0) {
        buf_append(out, address, at ? (size_t) (at - address) : strlen(address));
        buf_puts(out, result);
    } else {
        buf_puts(out, result);
    }
}

void cleanup_qualify(const cleanup_rewrite_t *rw, const char *address, buf_t *out)
{
    buf_set(out, address);
    if (*address && strchr(address, '@') == NULL && rw->myorigin && *rw->myorigin)
        buf_printf(out, "@%s", rw->myorigin);
}

static int canon_one(const cleanup_maps_t *m, char *const *local, buf_t *addr,
                     char **err)
{
    buf_t value = BUF_INIT;
    buf_t result = BUF_INIT;
    int rc = cleanup_maps_find_address(m, buf_str(addr), local, &value, err);

    if (rc == DICT_FOUND) {
        char *v = str_trim(value.data);

        if (*v) {
            apply_result(buf_str(addr), v, &result);
            buf_set(addr, buf_str(&result));
        }
    }
    buf_dispose(&value);
    buf_dispose(&result);
    return rc == DICT_ERROR ? -1 : 0;
}

static int canon(const cleanup_maps_t *first, const cleanup_rewrite_t *rw,
                 const char *address, buf_t *out, char **err)
{
    buf_set(out, address);
    if (canon_one(first, rw->local_domains, out, err) < 0)
        return -1;
    return canon_one(&rw->canonical, rw->local_domains, out, err);
}

int cleanup_canon_sender(const cleanup_rewrite_t *rw, const char *address,
                         buf_t *out, char **err)
{
    return canon(&rw->sender_canonical, rw, address, out, err);
}

int cleanup_canon_recipient(const cleanup_rewrite_t *rw, const char *address,
                            buf_t *out, char **err)
{
    return canon(&rw->recipient_canonical, rw, address, out, err);
}

void cleanup_addrs_add(cleanup_addrs_t *a, const char *address)
{
    a->items = xreallocarray(a->items, a->count + 1, sizeof(*a->items));
    a->items[a->count++] = xstrdup(address);
}

bool cleanup_addrs_has(const cleanup_addrs_t *a, const char *address)
{
    size_t i;

    for (i = 0; i < a->count; i++)
        if (str_case_eq(a->items[i], address))
            return true;
    return false;
}

void cleanup_addrs_free(cleanup_addrs_t *a)
{
    size_t i;

    for (i = 0; i < a->count; i++)
        xfree(a->items[i]);
    xfree(a->items);
    a->items = NULL;
    a->count = 0;
}

struct expansion {
    const cleanup_rewrite_t *rw;
    cleanup_addrs_t *out;
    size_t added;              /* addresses produced from this original */
    cleanup_addrs_t path;      /* ancestors of the address being expanded */
};

static int add_leaf(struct expansion *x, const char *address, char **err)
{
    if (cleanup_addrs_has(x->out, address))
        return 0;
    if (x->rw->expansion_limit > 0 && x->added >= (size_t) x->rw->expansion_limit) {
        *err = errf("virtual_alias_expansion_limit exceeded for %s%s", address, "");
        return -2;
    }
    cleanup_addrs_add(x->out, address);
    x->added++;
    return 0;
}

static int expand(struct expansion *x, const char *address, int depth, char **err)
{
    buf_t value = BUF_INIT;
    buf_t item = BUF_INIT;
    char *cursor, *word;
    int rc;
    bool any = false;

    if (x->rw->recursion_limit > 0 && depth > x->rw->recursion_limit) {
        *err = errf("virtual_alias_recursion_limit exceeded for %s%s", address, "");
        return -2;
    }
    rc = cleanup_maps_find_address(&x->rw->virtual_alias, address,
                                   x->rw->local_domains, &value, err);
    if (rc == DICT_ERROR)
        return -1;
    if (rc == DICT_NOTFOUND) {
        buf_dispose(&value);
        return add_leaf(x, address, err);
    }
    cleanup_addrs_add(&x->path, address);
    cursor = value.data;
    rc = 0;
    while (rc == 0 && (word = str_token(&cursor, ", \t\r\n")) != NULL) {
        if (*word == 0)
            continue;
        any = true;
        apply_result(address, word, &item);
        if (cleanup_addrs_has(&x->path, buf_str(&item)))
            rc = add_leaf(x, buf_str(&item), err);
        else
            rc = expand(x, buf_str(&item), depth + 1, err);
    }
    xfree(x->path.items[--x->path.count]);
    if (rc == 0 && !any)
        rc = add_leaf(x, address, err);
    buf_dispose(&value);
    buf_dispose(&item);
    return rc;
}

int cleanup_virtual_expand(const cleanup_rewrite_t *rw, const char *address,
                           cleanup_addrs_t *out, char **err)
{
    struct expansion x = {rw, out, 0, {NULL, 0}};
    int rc;

    if (*address == 0)
        return add_leaf(&x, address, err);
    rc = expand(&x, address, 0, err);
    cleanup_addrs_free(&x.path);
    return rc;
}
