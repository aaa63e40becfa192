/* maildir_deliver.c - create a Maildir and deliver one message into it:
 * write tmp/BASE, fsync, link to new/BASE,S=n,W=n, fsync new/, unlink the
 * tmp name. On any failure the new/ name is removed again, so a reported
 * failure never leaves a visible message (the caller retries later). */
#include "maildir/maildir.h"
#include "util/errstr.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAILDIR_CREATE_ATTEMPTS 10

static void trace(const maildir_opts_t *opts, const char *step, const char *path)
{
    if (opts && opts->trace)
        opts->trace(opts->trace_ctx, step, path);
}

/* mkdir -p: missing parents are created too (mode 0700). */
static int make_dirs(const char *path)
{
    char *copy, *slash;
    int rc;

    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT)
        return -1;
    copy = xstrdup(path);
    slash = strrchr(copy, '/');
    while (slash && slash > copy && slash[-1] == '/')
        slash--;
    if (slash == NULL || slash == copy) {
        xfree(copy);
        errno = ENOENT;
        return -1;
    }
    *slash = '\0';
    rc = make_dirs(copy);
    xfree(copy);
    if (rc < 0)
        return -1;
    return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

static int make_dir(const char *path, char **err)
{
    if (make_dirs(path) < 0)
        return errstr_errno(err, errno, "create maildir file %s", path);
    return 0;
}

int maildir_create(const char *dir, char **err)
{
    static const char *const subdirs[] = {"tmp", "new", "cur"};
    buf_t path = BUF_INIT;
    int rc = 0;

    if (make_dir(dir, err) < 0)
        return -1;
    for (size_t i = 0; i < 3 && rc == 0; i++) {
        buf_reset(&path);
        buf_printf(&path, "%s/%s", dir, subdirs[i]);
        rc = make_dir(path.data, err);
    }
    buf_dispose(&path);
    return rc;
}

static int fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc, saved;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* Opens a fresh tmp/ file; retries with a new name when one exists. */
static int open_tmp(const char *dir, const maildir_opts_t *opts, buf_t *base,
                    buf_t *tmp_path, char **err)
{
    for (int attempt = 0; attempt < MAILDIR_CREATE_ATTEMPTS; attempt++) {
        int fd;

        buf_reset(base);
        maildir_unique_name(base, opts ? opts->host : NULL);
        buf_reset(tmp_path);
        buf_printf(tmp_path, "%s/tmp/%s", dir, base->data);
        fd = open(tmp_path->data,
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            trace(opts, "create", tmp_path->data);
            return fd;
        }
        if (errno != EEXIST)
            return errstr_errno(err, errno, "create maildir file %s", tmp_path->data);
    }
    return errstr_errno(err, EEXIST, "create maildir file %s", tmp_path->data);
}

/* Runs the producer into fd and makes the bytes durable. */
static int write_message(int fd, const char *tmp_path,
                         const maildir_opts_t *opts, sink_producer_fn produce,
                         void *ctx, sink_fd_t *out, char **err)
{
    char *perr = NULL;

    sink_fd_init(out, fd, opts ? opts->size_limit : 0);
    if (produce(&out->base, ctx, &perr) < 0 || out->base.error) {
        if (out->base.error) {
            xfree(perr);
            return errstr_errno(err, out->base.error, "create maildir file %s",
                        tmp_path);
        }
        errstr_errno(err, 0, "create maildir file %s: %s", tmp_path,
             perr ? perr : "message content unavailable");
        xfree(perr);
        return -1;
    }
    if (sink_fd_flush(out) < 0)
        return errstr_errno(err, out->base.error, "create maildir file %s", tmp_path);
    if (fsync(fd) < 0)
        return errstr_errno(err, errno, "create maildir file %s", tmp_path);
    trace(opts, "fsync-file", tmp_path);
    return 0;
}

/* Gives the complete tmp file its new/ name and makes that durable. */
static int publish(const char *dir, const char *tmp_path, const char *base,
                   const sink_fd_t *out, const maildir_opts_t *opts,
                   buf_t *new_path, char **err)
{
    buf_t new_dir = BUF_INIT;
    int rc = 0;

    buf_printf(&new_dir, "%s/new", dir);
    buf_printf(new_path, "%s/%s,S=%lld,W=%lld", new_dir.data, base,
               (long long) out->written,
               (long long) out->written + (long long) out->newlines);
    if (link(tmp_path, new_path->data) < 0) {
        /* Some file systems cannot link; rename is the fallback. */
        if ((errno != EPERM && errno != EXDEV && errno != ENOSYS
             && errno != EOPNOTSUPP) || rename(tmp_path, new_path->data) < 0)
            rc = errstr_errno(err, errno, "create maildir file %s", new_path->data);
    }
    if (rc == 0)
        trace(opts, "link", new_path->data);
    if (rc == 0 && fsync_dir(new_dir.data) < 0) {
        rc = errstr_errno(err, errno, "create maildir file %s", new_path->data);
        (void) unlink(new_path->data);
    }
    if (rc == 0)
        trace(opts, "fsync-dir", new_dir.data);
    buf_dispose(&new_dir);
    return rc;
}

int maildir_deliver(const char *dir_arg, const maildir_opts_t *opts,
                    sink_producer_fn produce, void *ctx, buf_t *new_path,
                    char **err)
{
    buf_t base = BUF_INIT, tmp_path = BUF_INIT, final = BUF_INIT, dirbuf;
    sink_fd_t *out = xmalloc(sizeof(*out));
    const char *dir;
    int fd, rc, saved;

    buf_init(&dirbuf);
    buf_puts(&dirbuf, dir_arg);
    while (dirbuf.len > 1 && dirbuf.data[dirbuf.len - 1] == '/')
        buf_truncate(&dirbuf, dirbuf.len - 1);
    dir = dirbuf.data;
    rc = maildir_create(dir, err);
    if (rc == 0 && (fd = open_tmp(dir, opts, &base, &tmp_path, err)) < 0)
        rc = -1;
    if (rc == 0) {
        rc = write_message(fd, tmp_path.data, opts, produce, ctx, out, err);
        if (close(fd) < 0 && rc == 0)
            rc = errstr_errno(err, errno, "create maildir file %s", tmp_path.data);
        if (rc == 0)
            rc = publish(dir, tmp_path.data, base.data, out, opts, &final, err);
        saved = errno;
        if (unlink(tmp_path.data) == 0)
            trace(opts, "unlink-tmp", tmp_path.data);
        errno = saved;
    }
    if (rc == 0 && new_path)
        buf_set(new_path, final.data);
    saved = errno;
    buf_dispose(&base);
    buf_dispose(&tmp_path);
    buf_dispose(&final);
    buf_dispose(&dirbuf);
    xfree(out);
    errno = rc == 0 ? 0 : saved;
    return rc;
}
