/* dict_db.c - hash: and btree: tables in Berkeley DB files (NAME.db),
 * readable by and from Postfix: keys and values are written with a
 * trailing NUL by default, lookups try with and without it (see
 * dict_file.h for the policy), and the first form found is kept.
 *
 * A table opened for writing without O_TRUNC (postmap -i, -d) holds an
 * exclusive fcntl lock until it is closed; with DICT_FLAG_LOCK, readers
 * take a shared lock around each access. dict_changed() compares the file
 * under the name with the one opened. update() returns DICT_FOUND when the
 * key already existed (kept unless DICT_FLAG_DUP_REPLACE), else 0. */
#include "dict/dict_file.h"
#include "dict/dict_impl.h"
#include "util/mem.h"

#include <db.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define DB_READ_CACHE_MIN (256 * 1024)
#define DB_READ_CACHE_MAX (256 * 1024 * 1024)
#define DB_CREATE_CACHE (64 * 1024 * 1024)

struct db_state {
    DB *db;
    DBC *cursor;
    int fd;
    char *path;
    struct stat st;      /* the file as opened */
    int tries;           /* DICT_TRY_* still worth trying */
    bool write_nul;
    bool writable;
    bool held_lock;      /* exclusive lock held from open to close */
};

static long create_hint;

void dict_db_set_create_hint(long nelem)
{
    create_hint = nelem;
}

static struct db_state *state(dict_t *d)
{
    return d->priv;
}

static int db_fail(dict_t *d, const char *what, int ret, char **err)
{
    *err = dict_errorf("%s: %s: %s", d->type_name, what, db_strerror(ret));
    return DICT_ERROR;
}

static int lock_shared(dict_t *d, short type, char **err)
{
    struct db_state *s = state(d);

    return dict_file_access_lock(d, s->fd, s->held_lock, s->path, type, err);
}

static void unlock_shared(dict_t *d)
{
    struct db_state *s = state(d);

    dict_file_access_unlock(d, s->fd, s->held_lock);
}

static void set_dbt(DBT *t, const char *text, bool with_nul)
{
    memset(t, 0, sizeof(*t));
    t->data = (void *) text;
    t->size = (u_int32_t) strlen(text) + (with_nul ? 1 : 0);
}

/* Copies a stored key or value into out, without a trailing NUL. */
static void get_text(const DBT *t, buf_t *out)
{
    size_t len = t->size;

    if (len > 0 && ((const char *) t->data)[len - 1] == '\0')
        len--;
    buf_reset(out);
    buf_append(out, t->data, len);
}

/* One get with the key in one form; DB_NOTFOUND or 0 or an error. */
static int get_form(struct db_state *s, const char *key, bool with_nul,
                    DBT *val)
{
    DBT k;

    set_dbt(&k, key, with_nul);
    memset(val, 0, sizeof(*val));
    return s->db->get(s->db, NULL, &k, val, 0);
}

static int db_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    struct db_state *s = state(d);
    DBT val;
    int ret = DB_NOTFOUND;

    if (lock_shared(d, F_RDLCK, err) < 0)
        return DICT_ERROR;
    if (s->tries & DICT_TRY_NUL) {
        ret = get_form(s, key, true, &val);
        if (ret == 0)
            s->tries = DICT_TRY_NUL;
    }
    if (ret == DB_NOTFOUND && (s->tries & DICT_TRY_NO_NUL)) {
        ret = get_form(s, key, false, &val);
        if (ret == 0)
            s->tries = DICT_TRY_NO_NUL;
    }
    if (ret == 0)
        get_text(&val, value);
    unlock_shared(d);
    if (ret == DB_NOTFOUND)
        return DICT_NOTFOUND;
    if (ret != 0)
        return db_fail(d, "lookup", ret, err);
    return DICT_FOUND;
}

static int db_update(dict_t *d, const char *key, const char *value,
                     char **err)
{
    struct db_state *s = state(d);
    bool replace = (d->flags & DICT_FLAG_DUP_REPLACE) != 0;
    bool existed = false;
    DBT k, v;
    int ret;

    if (!s->writable) {
        *err = dict_errorf("%s: table is open read-only", d->type_name);
        return DICT_ERROR;
    }
    set_dbt(&k, key, s->write_nul);
    set_dbt(&v, value, s->write_nul);
    if (lock_shared(d, F_WRLCK, err) < 0)
        return DICT_ERROR;
    if (replace)
        existed = s->db->exists(s->db, NULL, &k, 0) == 0;
    ret = s->db->put(s->db, NULL, &k, &v, replace ? 0 : DB_NOOVERWRITE);
    unlock_shared(d);
    if (ret == DB_KEYEXIST)
        return DICT_FOUND;
    if (ret != 0)
        return db_fail(d, "update", ret, err);
    return existed ? DICT_FOUND : 0;
}

static int db_remove(dict_t *d, const char *key, char **err)
{
    struct db_state *s = state(d);
    DBT k;
    int ret = DB_NOTFOUND;

    if (!s->writable) {
        *err = dict_errorf("%s: table is open read-only", d->type_name);
        return DICT_ERROR;
    }
    if (lock_shared(d, F_WRLCK, err) < 0)
        return DICT_ERROR;
    if (s->tries & DICT_TRY_NUL) {
        set_dbt(&k, key, true);
        ret = s->db->del(s->db, NULL, &k, 0);
    }
    if (ret == DB_NOTFOUND && (s->tries & DICT_TRY_NO_NUL)) {
        set_dbt(&k, key, false);
        ret = s->db->del(s->db, NULL, &k, 0);
    }
    unlock_shared(d);
    if (ret == DB_NOTFOUND)
        return DICT_NOTFOUND;
    if (ret != 0)
        return db_fail(d, "delete", ret, err);
    return DICT_FOUND;
}

static int db_sequence(dict_t *d, bool first, buf_t *key, buf_t *value,
                       char **err)
{
    struct db_state *s = state(d);
    DBT k, v;
    int ret;

    if (s->cursor == NULL) {
        if ((ret = s->db->cursor(s->db, NULL, &s->cursor, 0)) != 0)
            return db_fail(d, "cursor", ret, err);
        first = true;
    }
    memset(&k, 0, sizeof(k));
    memset(&v, 0, sizeof(v));
    if (lock_shared(d, F_RDLCK, err) < 0)
        return DICT_ERROR;
    ret = s->cursor->get(s->cursor, &k, &v, first ? DB_FIRST : DB_NEXT);
    if (ret == 0) {
        get_text(&k, key);
        get_text(&v, value);
    }
    unlock_shared(d);
    if (ret == DB_NOTFOUND)
        return DICT_NOTFOUND;
    if (ret != 0)
        return db_fail(d, "sequence", ret, err);
    return DICT_FOUND;
}

static bool db_changed(dict_t *d)
{
    struct db_state *s = state(d);

    return dict_file_changed(s->path, &s->st);
}

static void db_close(dict_t *d)
{
    struct db_state *s = state(d);

    if (s->cursor)
        (void) s->cursor->close(s->cursor);
    if (s->writable) {
        (void) s->db->sync(s->db, 0);
        (void) fsync(s->fd);
    }
    (void) s->db->close(s->db, 0);
    xfree(s->path);
    xfree(s);
    d->priv = NULL;
}

static u_int32_t db_open_flags(int open_flags)
{
    u_int32_t f = 0;

    if ((open_flags & O_ACCMODE) == O_RDONLY)
        f |= DB_RDONLY;
    if (open_flags & O_CREAT)
        f |= DB_CREATE;
    if (open_flags & O_TRUNC)
        f |= DB_TRUNCATE;
    return f;
}

/* Enough cache to hold the whole file when reading (random lookups then
 * read each page from the kernel once), within bounds. */
static u_int32_t cache_size(const char *path, bool creating)
{
    struct stat st;

    if (creating)
        return DB_CREATE_CACHE;
    if (stat(path, &st) < 0 || st.st_size < DB_READ_CACHE_MIN)
        return DB_READ_CACHE_MIN;
    if (st.st_size > DB_READ_CACHE_MAX)
        return DB_READ_CACHE_MAX;
    return (u_int32_t) st.st_size + st.st_size / 8;
}

static int open_db(dict_t *d, struct db_state *s, DBTYPE type,
                   int open_flags, char **err)
{
    bool creating = (open_flags & O_TRUNC) != 0;
    int ret;

    if ((ret = db_create(&s->db, NULL, 0)) != 0)
        return db_fail(d, "db_create", ret, err);
    ret = s->db->set_cachesize(s->db, 0, cache_size(s->path, creating), 0);
    if (ret == 0 && creating && type == DB_HASH && create_hint > 0)
        ret = s->db->set_h_nelem(s->db, (u_int32_t) create_hint);
    if (ret == 0)
        ret = s->db->open(s->db, NULL, s->path, NULL, type,
                          db_open_flags(open_flags), 0644);
    if (ret == 0)
        ret = s->db->fd(s->db, &s->fd);
    if (ret != 0) {
        *err = dict_errorf("open database %s: %s", s->path,
                           ret == ENOENT ? strerror(ENOENT) : db_strerror(ret));
        (void) s->db->close(s->db, 0);
        return DICT_ERROR;
    }
    return 0;
}

static int db_open_common(dict_t *d, DBTYPE type, int open_flags, char **err)
{
    struct db_state *s = xcalloc(1, sizeof(*s));

    s->path = dict_file_index_path(d->type, d->name);
    s->writable = (open_flags & O_ACCMODE) != O_RDONLY;
    s->tries = dict_file_nul_tries(d->flags);
    s->write_nul = dict_file_write_nul(d->flags);
    s->fd = -1;
    if (open_db(d, s, type, open_flags, err) < 0) {
        xfree(s->path);
        xfree(s);
        return -1;
    }
    if (s->writable && !(open_flags & O_TRUNC)) {
        if (dict_file_lock(s->fd, F_WRLCK) < 0) {
            *err = dict_errorf("%s: lock: %s", s->path, strerror(errno));
            (void) s->db->close(s->db, 0);
            xfree(s->path);
            xfree(s);
            return -1;
        }
        s->held_lock = true;
    }
    if (fstat(s->fd, &s->st) < 0)
        memset(&s->st, 0, sizeof(s->st));
    d->flags |= DICT_FLAG_FIXED;
    d->priv = s;
    d->lookup = db_lookup;
    d->update = db_update;
    d->remove = db_remove;
    d->sequence = db_sequence;
    d->changed = db_changed;
    d->close = db_close;
    return 0;
}

int dict_hash_open(dict_t *d, int open_flags, char **err)
{
    return db_open_common(d, DB_HASH, open_flags, err);
}

int dict_btree_open(dict_t *d, int open_flags, char **err)
{
    return db_open_common(d, DB_BTREE, open_flags, err);
}
