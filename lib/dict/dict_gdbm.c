/* dict_gdbm.c - gdbm: tables in GNU dbm files. Postfix has no gdbm type,
 * so the file name is ours: gdbm:NAME is the file NAME.gdbm. Keys and
 * values follow the same trailing-NUL policy as hash: (dict_file.h).
 *
 * gdbm's own locking is turned off (a reader holding the file open would
 * block every writer); instead, as in dict_db.c, in-place writers hold an
 * exclusive fcntl lock and DICT_FLAG_LOCK readers lock each access.
 * update() returns DICT_FOUND when the key already existed, else 0. */
#include "dict/dict_file.h"
#include "dict/dict_impl.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <gdbm.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct gdbm_state {
    GDBM_FILE dbf;
    int fd;
    char *path;
    struct stat st;
    int tries;
    bool write_nul;
    bool writable;
    bool held_lock;
    datum next_key;      /* iteration position (malloc'ed by gdbm) */
    bool at_end;         /* iteration done until first=true */
};

static struct gdbm_state *state(dict_t *d)
{
    return d->priv;
}

static int gdbm_fail(dict_t *d, const char *what, char **err)
{
    *err = dict_errorf("%s: %s: %s", d->type_name, what,
                       gdbm_strerror(gdbm_errno));
    return DICT_ERROR;
}

static int lock_access(dict_t *d, short type, char **err)
{
    struct gdbm_state *s = state(d);

    return dict_file_access_lock(d, s->fd, s->held_lock, s->path, type, err);
}

static void unlock_access(dict_t *d)
{
    struct gdbm_state *s = state(d);

    dict_file_access_unlock(d, s->fd, s->held_lock);
}

static datum make_datum(const char *text, bool with_nul)
{
    datum x;

    x.dptr = (char *) text;
    x.dsize = (int) strlen(text) + (with_nul ? 1 : 0);
    return x;
}

static void get_text(datum x, buf_t *out)
{
    size_t len = x.dsize > 0 ? (size_t) x.dsize : 0;

    if (len > 0 && x.dptr[len - 1] == '\0')
        len--;
    buf_reset(out);
    buf_append(out, x.dptr, len);
}

static int gdbm_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    struct gdbm_state *s = state(d);
    datum val = {NULL, 0};

    if (lock_access(d, F_RDLCK, err) < 0)
        return DICT_ERROR;
    if (s->tries & DICT_TRY_NUL) {
        val = gdbm_fetch(s->dbf, make_datum(key, true));
        if (val.dptr)
            s->tries = DICT_TRY_NUL;
    }
    if (val.dptr == NULL && (s->tries & DICT_TRY_NO_NUL)) {
        val = gdbm_fetch(s->dbf, make_datum(key, false));
        if (val.dptr)
            s->tries = DICT_TRY_NO_NUL;
    }
    unlock_access(d);
    if (val.dptr == NULL)
        return gdbm_errno == GDBM_ITEM_NOT_FOUND || gdbm_errno == GDBM_NO_ERROR
            ? DICT_NOTFOUND : gdbm_fail(d, "lookup", err);
    get_text(val, value);
    free(val.dptr);
    return DICT_FOUND;
}

static int gdbm_update(dict_t *d, const char *key, const char *value,
                       char **err)
{
    struct gdbm_state *s = state(d);
    bool replace = (d->flags & DICT_FLAG_DUP_REPLACE) != 0;
    datum k = make_datum(key, s->write_nul);
    bool existed = false;
    int ret;

    if (!s->writable) {
        *err = dict_errorf("%s: table is open read-only", d->type_name);
        return DICT_ERROR;
    }
    if (lock_access(d, F_WRLCK, err) < 0)
        return DICT_ERROR;
    if (replace)
        existed = gdbm_exists(s->dbf, k) != 0;
    ret = gdbm_store(s->dbf, k, make_datum(value, s->write_nul),
                     replace ? GDBM_REPLACE : GDBM_INSERT);
    unlock_access(d);
    if (ret < 0)
        return gdbm_fail(d, "update", err);
    return ret == 1 || existed ? DICT_FOUND : 0;
}

static int gdbm_remove(dict_t *d, const char *key, char **err)
{
    struct gdbm_state *s = state(d);
    int ret = -1;

    if (!s->writable) {
        *err = dict_errorf("%s: table is open read-only", d->type_name);
        return DICT_ERROR;
    }
    if (lock_access(d, F_WRLCK, err) < 0)
        return DICT_ERROR;
    if (s->tries & DICT_TRY_NUL)
        ret = gdbm_delete(s->dbf, make_datum(key, true));
    if (ret < 0 && (s->tries & DICT_TRY_NO_NUL))
        ret = gdbm_delete(s->dbf, make_datum(key, false));
    unlock_access(d);
    if (ret == 0)
        return DICT_FOUND;
    return gdbm_errno == GDBM_ITEM_NOT_FOUND ? DICT_NOTFOUND
        : gdbm_fail(d, "delete", err);
}

static int gdbm_sequence(dict_t *d, bool first, buf_t *key, buf_t *value,
                         char **err)
{
    struct gdbm_state *s = state(d);
    datum k, v;

    if (lock_access(d, F_RDLCK, err) < 0)
        return DICT_ERROR;
    if (first) {
        free(s->next_key.dptr);
        s->next_key.dptr = NULL;
        s->at_end = false;
    }
    if (s->at_end) {
        unlock_access(d);
        return DICT_NOTFOUND;
    }
    if (s->next_key.dptr == NULL) {
        k = gdbm_firstkey(s->dbf);
    } else {
        k = gdbm_nextkey(s->dbf, s->next_key);
        free(s->next_key.dptr);
    }
    s->next_key = k;
    if (k.dptr == NULL) {
        s->at_end = true;
        unlock_access(d);
        return DICT_NOTFOUND;
    }
    v = gdbm_fetch(s->dbf, k);
    unlock_access(d);
    if (v.dptr == NULL)
        return gdbm_fail(d, "sequence", err);
    get_text(k, key);
    get_text(v, value);
    free(v.dptr);
    return DICT_FOUND;
}

static bool gdbm_changed(dict_t *d)
{
    struct gdbm_state *s = state(d);

    return dict_file_changed(s->path, &s->st);
}

static void gdbm_close_dict(dict_t *d)
{
    struct gdbm_state *s = state(d);

    free(s->next_key.dptr);
    if (s->writable) {
        (void) gdbm_sync(s->dbf);
        (void) fsync(s->fd);
    }
    gdbm_close(s->dbf);
    xfree(s->path);
    xfree(s);
    d->priv = NULL;
}

static int gdbm_mode(int open_flags)
{
    if ((open_flags & O_ACCMODE) == O_RDONLY)
        return GDBM_READER;
    if (open_flags & O_TRUNC)
        return GDBM_NEWDB;
    return (open_flags & O_CREAT) ? GDBM_WRCREAT : GDBM_WRITER;
}

int dict_gdbm_open(dict_t *d, int open_flags, char **err)
{
    struct gdbm_state *s = xcalloc(1, sizeof(*s));

    s->path = dict_file_index_path(d->type, d->name);
    s->writable = (open_flags & O_ACCMODE) != O_RDONLY;
    s->tries = dict_file_nul_tries(d->flags);
    s->write_nul = dict_file_write_nul(d->flags);
    s->dbf = gdbm_open(s->path, 0, gdbm_mode(open_flags) | GDBM_NOLOCK,
                       0644, NULL);
    if (s->dbf == NULL) {
        *err = dict_errorf("open database %s: %s", s->path,
                           gdbm_errno == GDBM_FILE_OPEN_ERROR
                           ? strerror(errno) : gdbm_strerror(gdbm_errno));
        xfree(s->path);
        xfree(s);
        return -1;
    }
    s->fd = gdbm_fdesc(s->dbf);
    if (s->writable && !(open_flags & O_TRUNC)) {
        if (dict_file_lock(s->fd, F_WRLCK) < 0) {
            *err = dict_errorf("%s: lock: %s", s->path, strerror(errno));
            gdbm_close(s->dbf);
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
    d->lookup = gdbm_lookup;
    d->update = gdbm_update;
    d->remove = gdbm_remove;
    d->sequence = gdbm_sequence;
    d->changed = gdbm_changed;
    d->close = gdbm_close_dict;
    return 0;
}
