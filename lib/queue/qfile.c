/* qfile.c - open a queue file, read its records through a window buffer,
 * iterate, and change the two in-place fields (recipient status, warn
 * time). Validation itself is in qfile_check.c. Errors as in qfile.h. */
#include "queue/qfile_impl.h"
#include "queue/qfs.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW 65536

/* Makes file bytes [off, off+n) available; n must not pass the file size. */
static int window_get(qfile_t *qf, long long off, size_t n,
                      const unsigned char **p, char **err)
{
    size_t want;
    ssize_t got;

    if (off >= qf->win_off && off + (long long) n <= qf->win_off + (long long) qf->win_len) {
        *p = qf->win + (off - qf->win_off);
        return 0;
    }
    want = n > WINDOW ? n : WINDOW;
    if ((long long) want > qf->size - off)
        want = (size_t) (qf->size - off);
    if (want > qf->win_cap) {
        qf->win = xrealloc(qf->win, want);
        qf->win_cap = want;
    }
    qf->win_len = 0;
    got = qfs_pread_full(qf->fd, qf->win, want, (off_t) off);
    if (got < 0)
        return qfs_err(err, "%s: read: %s", qf->name, strerror(errno)), QFILE_ERR_IO;
    qf->win_off = off;
    qf->win_len = (size_t) got;
    if ((size_t) got < n)
        return qfs_err(err, "%s: file shrank while reading", qf->name), QFILE_ERR_IO;
    *p = qf->win;
    return 0;
}

int qfile_read_record(qfile_t *qf, qrecord_t *rec, bool want_data, char **err)
{
    const unsigned char *p;
    long long left = qf->size - qf->pos;
    size_t avail = left > QREC_MAX_HEADER ? QREC_MAX_HEADER : (size_t) left;
    size_t len;
    int hl, rc;

    if (left <= 0)
        return qfs_err(err, "%s: no END record (truncated file)", qf->name), QFILE_ERR_CORRUPT;
    if ((rc = window_get(qf, qf->pos, avail, &p, err)) < 0)
        return rc;
    hl = avail > 1 ? qrec_get_length(p + 1, avail - 1, &len) : 0;
    if (hl == 0)
        return qfs_err(err, "%s: truncated record header at offset %lld", qf->name, qf->pos),
            QFILE_ERR_CORRUPT;
    if (hl < 0)
        return qfs_err(err, "%s: bad record length at offset %lld", qf->name, qf->pos),
            QFILE_ERR_CORRUPT;
    rec->type = p[0];
    rec->offset = qf->pos;
    rec->data_offset = qf->pos + 1 + hl;
    rec->len = len;
    rec->data = NULL;
    if ((long long) len > qf->size - rec->data_offset)
        return qfs_err(err, "%s: record at offset %lld extends beyond end of file",
                       qf->name, qf->pos), QFILE_ERR_CORRUPT;
    if (want_data) {
        if ((rc = window_get(qf, rec->data_offset, len, &p, err)) < 0)
            return rc;
        rec->data = (const char *) p;
    }
    qf->pos = rec->data_offset + (long long) len;
    return 1;
}

static int open_common(int fd, bool writable, const char *name, qfile_t **out,
                       char **err)
{
    struct stat st;
    qfile_t *qf;
    int rc;

    *out = NULL;
    if (fstat(fd, &st) < 0) {
        qfs_err(err, "%s: fstat: %s", name, strerror(errno));
        (void) close(fd);
        return QFILE_ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        qfs_err(err, "%s: not a regular file", name);
        (void) close(fd);
        return QFILE_ERR_CORRUPT;
    }
    qf = xcalloc(1, sizeof(*qf));
    qf->fd = fd;
    qf->writable = writable;
    qf->name = xstrdup(name);
    qf->size = (long long) st.st_size;
    if ((rc = qfile_check(qf, err)) != QFILE_OK) {
        qfile_close(qf);
        return rc;
    }
    qf->pos = 0;
    *out = qf;
    return QFILE_OK;
}

int qfile_open_fd(int fd, const char *name, qfile_t **out, char **err)
{
    int mode = fcntl(fd, F_GETFL);

    return open_common(fd, mode >= 0 && (mode & O_ACCMODE) == O_RDWR, name, out, err);
}

int qfile_open(const queue_t *q, const char *queue_name, const char *id,
               int flags, qfile_t **out, char **err)
{
    buf_t path = BUF_INIT;
    int fd, found, rc;
    bool writable = (flags & QFILE_WRITE) != 0;

    *out = NULL;
    found = queue_find(q, queue_name, id, &path, err);
    if (found <= 0) {
        if (found == 0)
            qfs_err(err, "%s: no such file in queue %s", id, queue_name);
        buf_dispose(&path);
        return found == 0 ? QFILE_ERR_NOTFOUND : QFILE_ERR_IO;
    }
    fd = open(buf_str(&path), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        rc = errno == ENOENT ? QFILE_ERR_NOTFOUND : QFILE_ERR_IO;
        qfs_err(err, "open %s: %s", buf_str(&path), strerror(errno));
        buf_dispose(&path);
        return rc;
    }
    rc = open_common(fd, writable, buf_str(&path), out, err);
    buf_dispose(&path);
    return rc;
}

void qfile_close(qfile_t *qf)
{
    if (qf == NULL)
        return;
    (void) close(qf->fd);      /* read-only use, or every write already synced */
    qfile_envelope_free(&qf->env);
    xfree(qf->win);
    xfree(qf->name);
    xfree(qf);
}

const qenvelope_t *qfile_envelope(const qfile_t *qf)
{
    return &qf->env;
}

int qfile_fd(const qfile_t *qf)
{
    return qf->fd;
}

const char *qfile_attr(const qfile_t *qf, const char *name)
{
    for (size_t i = 0; i < qf->env.attr_count; i++)
        if (strcmp(qf->env.attrs[i].name, name) == 0)
            return qf->env.attrs[i].value;
    return NULL;
}

void qfile_seek(qfile_t *qf, long long offset)
{
    qf->pos = offset;
    qf->at_end = false;
}

int qfile_next(qfile_t *qf, qrecord_t *rec, char **err)
{
    int rc;

    if (qf->at_end)
        return 0;
    if ((rc = qfile_read_record(qf, rec, true, err)) < 0)
        return rc;
    if (rec->type == QREC_END) {
        qf->at_end = true;
        return 0;
    }
    return 1;
}

static int need_writable(qfile_t *qf, char **err)
{
    if (!qf->writable)
        return qfs_err(err, "%s: opened read-only", qf->name), QFILE_ERR_IO;
    return QFILE_OK;
}

int qfile_set_done(qfile_t *qf, size_t i, char **err)
{
    static const char done = QREC_RCPT_DONE;

    if (i >= qf->env.rcpt_count)
        return qfs_err(err, "%s: no recipient #%zu", qf->name, i), QFILE_ERR_IO;
    if (need_writable(qf, err) < 0)
        return QFILE_ERR_IO;
    if (qfs_pwrite_all(qf->fd, &done, 1, (off_t) qf->env.rcpts[i].status_offset) < 0)
        return qfs_err(err, "%s: write: %s", qf->name, strerror(errno)), QFILE_ERR_IO;
    qf->env.rcpts[i].done = true;
    return QFILE_OK;
}

int qfile_sync(qfile_t *qf, char **err)
{
    if (fdatasync(qf->fd) < 0)
        return qfs_err(err, "%s: fdatasync: %s", qf->name, strerror(errno)), QFILE_ERR_IO;
    return QFILE_OK;
}

int qfile_mark_done(qfile_t *qf, size_t i, char **err)
{
    int rc = qfile_set_done(qf, i, err);

    return rc < 0 ? rc : qfile_sync(qf, err);
}

int qfile_set_warn(qfile_t *qf, long long when, char **err)
{
    char text[QREC_WARN_LEN + 1];

    if (qf->env.warn_offset == 0)
        return qfs_err(err, "%s: no warn record", qf->name), QFILE_ERR_IO;
    if (when < 0 || when > 999999999999LL)
        return qfs_err(err, "%s: warn time out of range", qf->name), QFILE_ERR_IO;
    if (need_writable(qf, err) < 0)
        return QFILE_ERR_IO;
    qrec_format_warn(text, when);
    if (qfs_pwrite_all(qf->fd, text, QREC_WARN_LEN, (off_t) qf->env.warn_offset) < 0)
        return qfs_err(err, "%s: write: %s", qf->name, strerror(errno)), QFILE_ERR_IO;
    qf->env.warn_time = when;
    return qfile_sync(qf, err);
}
