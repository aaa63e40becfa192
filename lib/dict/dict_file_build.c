/* dict_file_build.c - atomic creation of indexed tables (see dict_file.h):
 * a new table is written as NAME.tmp.PID.SUFFIX in the directory of the
 * final file, made durable (the type's close fsyncs the file), given its
 * mode and renamed over NAME.SUFFIX, then the directory is fsynced.
 * Failures come back as messages; an aborted build leaves the old table
 * untouched and removes its temporary file. */
#include "dict/dict_file.h"
#include "dict/dict_impl.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct dict_build {
    dict_t *dict;
    char *temp_path;    /* NAME.tmp.PID.SUFFIX */
    char *final_path;   /* NAME.SUFFIX */
    mode_t mode;
};

const char *dict_file_suffix(const char *type)
{
    if (strcmp(type, "hash") == 0 || strcmp(type, "btree") == 0)
        return ".db";
    if (strcmp(type, "gdbm") == 0)
        return ".gdbm";
    return NULL;
}

char *dict_file_index_path(const char *type, const char *name)
{
    const char *suffix = dict_file_suffix(type);
    buf_t b = BUF_INIT;
    char *path;

    if (suffix == NULL)
        return NULL;
    buf_printf(&b, "%s%s", name, suffix);
    path = buf_detach(&b);
    buf_dispose(&b);
    return path;
}

dict_build_t *dict_build_begin(const char *type, const char *name,
                               int dict_flags, mode_t mode, long size_hint,
                               char **err)
{
    const char *suffix = dict_file_suffix(type);
    buf_t temp_name = BUF_INIT, type_name = BUF_INIT;
    dict_build_t *b;

    if (suffix == NULL) {
        *err = dict_errorf("cannot create tables of type \"%s\"", type);
        return NULL;
    }
    buf_printf(&temp_name, "%s.tmp.%ld", name, (long) getpid());
    buf_printf(&type_name, "%s:%s", type, temp_name.data);
    b = xcalloc(1, sizeof(*b));
    b->temp_path = dict_file_index_path(type, temp_name.data);
    b->final_path = dict_file_index_path(type, name);
    b->mode = mode;
    (void) unlink(b->temp_path);  /* a leftover of an earlier crash */
    dict_db_set_create_hint(size_hint);
    b->dict = dict_open(type_name.data, O_RDWR | O_CREAT | O_TRUNC,
                        dict_flags, err);
    dict_db_set_create_hint(0);
    buf_dispose(&temp_name);
    buf_dispose(&type_name);
    if (b->dict == NULL) {
        (void) unlink(b->temp_path);
        xfree(b->temp_path);
        xfree(b->final_path);
        xfree(b);
        return NULL;
    }
    return b;
}

dict_t *dict_build_dict(dict_build_t *b)
{
    return b->dict;
}

static void free_build(dict_build_t *b)
{
    xfree(b->temp_path);
    xfree(b->final_path);
    xfree(b);
}

static int fsync_dir_of(const char *path)
{
    char *copy = xstrdup(path);
    int fd, rc;

    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    xfree(copy);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    (void) close(fd);
    return rc;
}

int dict_build_commit(dict_build_t *b, char **err)
{
    int fd;

    dict_close(b->dict);
    b->dict = NULL;
    /* The type fsyncs on close; check that the file is still there and
     * durable before it replaces the old one. */
    if ((fd = open(b->temp_path, O_RDONLY)) < 0 || fsync(fd) < 0
        || fchmod(fd, b->mode) < 0) {
        *err = dict_errorf("%s: %s", b->temp_path, strerror(errno));
        if (fd >= 0)
            (void) close(fd);
        (void) unlink(b->temp_path);
        free_build(b);
        return -1;
    }
    (void) close(fd);
    if (rename(b->temp_path, b->final_path) < 0) {
        *err = dict_errorf("rename %s to %s: %s", b->temp_path,
                           b->final_path, strerror(errno));
        (void) unlink(b->temp_path);
        free_build(b);
        return -1;
    }
    if (fsync_dir_of(b->final_path) < 0) {
        *err = dict_errorf("fsync directory of %s: %s", b->final_path,
                           strerror(errno));
        free_build(b);
        return -1;
    }
    free_build(b);
    return 0;
}

void dict_build_abort(dict_build_t *b)
{
    if (b == NULL)
        return;
    dict_close(b->dict);
    (void) unlink(b->temp_path);
    free_build(b);
}
