/* dict_texthash.c - texthash:FILE, a postmap(1) source file read into
 * memory when the table is opened (no indexed file), as in Postfix 3.0+.
 * Same syntax as postmap: keys lower-cased unless the table was opened
 * without DICT_FLAG_FOLD_KEYS, the first of duplicate keys wins (the last
 * with DICT_FLAG_DUP_REPLACE). Malformed lines are logged as warnings and
 * skipped; an unreadable file fails the open. Read-only; iterates in
 * storage order; dict_changed() notices a replaced or modified file. */
#include "dict/dict_file.h"
#include "dict/dict_impl.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

struct entry {
    char *key;    /* NULL: empty slot */
    char *value;
};

struct texthash {
    struct entry *slots;
    size_t cap;           /* power of two */
    size_t used;
    size_t cursor;        /* iteration position */
    char *path;
    struct stat st;
};

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    while (*s)
        h = (h ^ (unsigned char) *s++) * 1099511628211ULL;
    return h;
}

static struct entry *find_slot(struct texthash *t, const char *key)
{
    size_t i = (size_t) hash_key(key) & (t->cap - 1);

    while (t->slots[i].key && strcmp(t->slots[i].key, key) != 0)
        i = (i + 1) & (t->cap - 1);
    return &t->slots[i];
}

static void grow(struct texthash *t)
{
    struct entry *old = t->slots;
    size_t old_cap = t->cap;

    t->cap = old_cap ? old_cap * 2 : 64;
    t->slots = xcalloc(t->cap, sizeof(*t->slots));
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            *find_slot(t, old[i].key) = old[i];
    xfree(old);
}

/* Inserts or (replace) overwrites; false when the key was there. */
static bool put(struct texthash *t, const char *key, const char *value,
                bool replace)
{
    struct entry *e;

    if ((t->used + 1) * 2 > t->cap)
        grow(t);
    e = find_slot(t, key);
    if (e->key) {
        if (replace) {
            xfree(e->value);
            e->value = xstrdup(value);
        }
        return false;
    }
    e->key = xstrdup(key);
    e->value = xstrdup(value);
    t->used++;
    return true;
}

static int th_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    struct texthash *t = d->priv;
    struct entry *e;

    (void) err;
    if (t->cap == 0)
        return DICT_NOTFOUND;
    e = find_slot(t, key);
    if (e->key == NULL)
        return DICT_NOTFOUND;
    buf_set(value, e->value);
    return DICT_FOUND;
}

static int th_sequence(dict_t *d, bool first, buf_t *key, buf_t *value,
                       char **err)
{
    struct texthash *t = d->priv;

    (void) err;
    if (first)
        t->cursor = 0;
    while (t->cursor < t->cap && t->slots[t->cursor].key == NULL)
        t->cursor++;
    if (t->cursor >= t->cap)
        return DICT_NOTFOUND;
    buf_set(key, t->slots[t->cursor].key);
    buf_set(value, t->slots[t->cursor].value);
    t->cursor++;
    return DICT_FOUND;
}

static bool th_changed(dict_t *d)
{
    struct texthash *t = d->priv;

    return dict_file_changed(t->path, &t->st);
}

static void th_close(dict_t *d)
{
    struct texthash *t = d->priv;

    for (size_t i = 0; i < t->cap; i++) {
        xfree(t->slots[i].key);
        xfree(t->slots[i].value);
    }
    xfree(t->slots);
    xfree(t->path);
    xfree(t);
    d->priv = NULL;
}

/* Reads every entry of fp into t; warnings for bad lines and duplicates. */
static int load(dict_t *d, struct texthash *t, FILE *fp, char **err)
{
    dict_file_reader_t r;
    buf_t line = BUF_INIT;
    char *key, *value, *msg;
    const char *why;
    int lineno, rc;

    dict_file_reader_init(&r, fp, t->path, 0);
    while ((rc = dict_file_next(&r, &line, &lineno, &msg)) != DICT_FILE_EOF) {
        if (rc == DICT_FILE_IOERR) {
            *err = msg;
            break;
        }
        if (rc == DICT_FILE_BAD) {
            msg_warn("%s", msg);
            xfree(msg);
            continue;
        }
        if (dict_file_parse_entry(line.data, &key, &value, &why) < 0) {
            msg_warn("%s, line %d: %s", t->path, lineno, why);
            continue;
        }
        if (d->flags & DICT_FLAG_FOLD_KEYS)
            str_lower(key);
        if (!put(t, key, value, (d->flags & DICT_FLAG_DUP_REPLACE) != 0)
            && !(d->flags & DICT_FLAG_DUP_IGNORE))
            msg_warn("%s, line %d: duplicate entry: \"%s\"", t->path, lineno,
                     key);
    }
    buf_dispose(&line);
    dict_file_reader_done(&r);
    return rc == DICT_FILE_IOERR ? -1 : 0;
}

int dict_texthash_open(dict_t *d, int open_flags, char **err)
{
    struct texthash *t;
    FILE *fp;

    if ((open_flags & O_ACCMODE) != O_RDONLY) {
        *err = dict_errorf("%s: texthash tables are read-only", d->type_name);
        return -1;
    }
    if ((fp = fopen(d->name, "r")) == NULL) {
        *err = dict_errorf("open %s: %s", d->name, strerror(errno));
        return -1;
    }
    t = xcalloc(1, sizeof(*t));
    t->path = xstrdup(d->name);
    if (fstat(fileno(fp), &t->st) < 0)
        memset(&t->st, 0, sizeof(t->st));
    d->priv = t;
    if (load(d, t, fp, err) < 0) {
        (void) fclose(fp);
        th_close(d);
        return -1;
    }
    (void) fclose(fp);
    d->flags |= DICT_FLAG_FIXED;
    d->lookup = th_lookup;
    d->sequence = th_sequence;
    d->changed = th_changed;
    d->close = th_close;
    return 0;
}
