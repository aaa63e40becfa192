/* passdb.c - the reloading passwd-file database (see passdb.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "passdb/passdb.h"
#include "util/buf.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/msg.h"

#define PASSDB_FILE_MAX (64L * 1024 * 1024)

/* Checked for unknown users, so that they take as long as known ones
 * with the default scheme (SHA512-CRYPT, 5000 rounds). */
#define DUMMY_HASH "$6$pOsTeRnDuMmYsAlT$JMmK3zpYHhtWN1yAD1wePVGqpbzYIh0x3fLfYQx2xDZ2FJ6mnJx5rB7u5rK0kSQzsEMQm5WBU4wvgzjrUqmSS."

struct passdb {
    char *path;
    passwd_table_t *table;
    struct stat seen;       /* st_ino 0: nothing read yet */
};

static void report_line(const char *text, void *ctx)
{
    (void) ctx;
    msg_warn("%s", text);
}

static int read_all(int fd, const char *path, buf_t *out, char **err)
{
    char chunk[8192];
    ssize_t n;

    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errstr_errno(err, errno, "read %s", path);
        }
        if (out->len + (size_t) n > (size_t) PASSDB_FILE_MAX) {
            errstr_set(err, "%s: larger than %ld bytes", path, PASSDB_FILE_MAX);
            return -1;
        }
        buf_append(out, chunk, (size_t) n);
    }
    return 0;
}

/* Reads and parses the file; on success replaces the table. */
static int load(passdb_t *db, char **err)
{
    struct stat st;
    buf_t text = BUF_INIT;
    int fd, rc;

    fd = open(db->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errstr_errno(err, errno, "open %s", db->path);
    if (fstat(fd, &st) < 0) {
        rc = errstr_errno(err, errno, "fstat %s", db->path);
        (void) close(fd);
        return rc;
    }
    buf_init(&text);
    rc = read_all(fd, db->path, &text, err);
    (void) close(fd);
    if (rc == 0) {
        passwd_table_free(db->table);
        db->table = passwd_file_parse(text.data, text.len, db->path,
                                      report_line, NULL);
        db->seen = st;
    }
    explicit_bzero(text.data, text.len);
    buf_dispose(&text);
    return rc;
}

passdb_t *passdb_open(const char *path, char **err)
{
    passdb_t *db = xcalloc(1, sizeof(*db));

    db->path = xstrdup(path);
    if (load(db, err) < 0) {
        passdb_close(db);
        return NULL;
    }
    return db;
}

void passdb_close(passdb_t *db)
{
    if (db == NULL)
        return;
    passwd_table_free(db->table);
    xfree(db->path);
    xfree(db);
}

static bool changed(const struct stat *a, const struct stat *b)
{
    return a->st_ino != b->st_ino || a->st_dev != b->st_dev
        || a->st_size != b->st_size
        || a->st_mtim.tv_sec != b->st_mtim.tv_sec
        || a->st_mtim.tv_nsec != b->st_mtim.tv_nsec;
}

void passdb_refresh(passdb_t *db)
{
    struct stat st;
    char *err = NULL;

    if (stat(db->path, &st) < 0) {
        if (db->seen.st_ino != 0)
            msg_warn("stat %s: %m; keeping the users read before", db->path);
        db->seen.st_ino = 0;
        return;
    }
    if (!changed(&st, &db->seen))
        return;
    if (load(db, &err) < 0) {
        msg_warn("%s; keeping the users read before", err);
        xfree(err);
        db->seen.st_ino = 0;
        return;
    }
    if (msg_verbose)
        msg_info("read %s: %zu users", db->path, passwd_table_count(db->table));
}

const struct passwd_entry *passdb_lookup(passdb_t *db, const char *user)
{
    passdb_refresh(db);
    return db->table ? passwd_table_find(db->table, user) : NULL;
}

int passdb_verify(passdb_t *db, const char *user, const char *password,
                  size_t password_len)
{
    const struct passwd_entry *e = passdb_lookup(db, user);
    int rc;

    if (e == NULL || e->scheme == PW_SCHEME_NONE) {
        (void) pw_verify(PW_SCHEME_CRYPT, DUMMY_HASH, password, password_len);
        return 0;
    }
    rc = pw_verify(e->scheme, e->hash, password, password_len);
    if (rc < 0)
        msg_warn("%s: user %s: stored password hash is unusable", db->path, user);
    return rc;
}

size_t passdb_plain_count(passdb_t *db)
{
    return db->table ? passwd_table_plain_count(db->table) : 0;
}

const char *passdb_path(const passdb_t *db)
{
    return db->path;
}
