/* mbox_append.c - append one message to an mbox file: dotlock, open,
 * fcntl lock, From_ line, quoted content, closing empty line, fsync; on
 * any failure truncate back to the original size. */
#include "mbox/mbox.h"
#include "util/errstr.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void mbox_opts_default(mbox_opts_t *opts)
{
    opts->locks = MBOX_LOCK_FCNTL | MBOX_LOCK_DOTLOCK;
    opts->size_limit = 0;
    opts->lock_attempts = 20;
    opts->lock_delay_ms = 1000;
    opts->stale_lock_time = 500;
    opts->create_mode = 0600;
    opts->chown_new = false;
    opts->owner_uid = 0;
    opts->owner_gid = 0;
}

/* Opens an existing mailbox, or creates it (exclusively, so that we know
 * it is ours to chown). */
static int open_or_create(const char *path, const mbox_opts_t *opts,
                          bool *created)
{
    int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC;

    for (int attempt = 0; attempt < 3; attempt++) {
        int fd = open(path, flags);

        if (fd >= 0 || errno != ENOENT)
            return fd;
        fd = open(path, flags | O_CREAT | O_EXCL, opts->create_mode);
        if (fd >= 0) {
            *created = true;
            return fd;
        }
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

static int open_mailbox(const char *path, const mbox_opts_t *opts,
                        struct stat *st, char **err)
{
    bool created = false;
    int fd = open_or_create(path, opts, &created);

    if (fd < 0)
        return errstr_errno(err, errno, "cannot open file");
    if (created && opts->chown_new
        && fchown(fd, opts->owner_uid, opts->owner_gid) < 0) {
        errstr_errno(err, errno, "cannot set owner of new file");
        (void) unlink(path);
    } else if (fstat(fd, st) < 0) {
        errstr_errno(err, errno, "cannot examine file");
    } else if (!S_ISREG(st->st_mode)) {
        errstr_errno(err, 0, "file is not a regular file");
        errno = EPERM;
    } else if (st->st_nlink > 1) {
        errstr_errno(err, 0, "file has too many hard links");
        errno = EPERM;
    } else {
        return fd;
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/* Writes From_ line, content and trailer; returns 0 or -1 with *err. */
static int write_message(int fd, off_t orig, const char *sender, time_t when,
                         const mbox_opts_t *opts, sink_producer_fn produce,
                         void *ctx, char **err)
{
    sink_fd_t *out = xmalloc(sizeof(*out));
    mbox_quote_t quote;
    char date[64], *perr = NULL;
    struct tm tm;
    int rc = 0;

    if (opts->size_limit > 0 && orig >= opts->size_limit) {
        xfree(out);
        return errstr_errno(err, EFBIG, "error writing message");
    }
    sink_fd_init(out, fd, opts->size_limit > 0 ? opts->size_limit - orig : 0);
    localtime_r(&when, &tm);
    if (asctime_r(&tm, date) == NULL)
        strcpy(date, "Thu Jan  1 00:00:00 1970\n");
    sink_printf(&out->base, "From %s %s", *sender ? sender : "MAILER-DAEMON",
                date);
    mbox_quote_init(&quote, &out->base);
    if (produce(&quote.base, ctx, &perr) < 0 && !quote.base.error && !out->base.error)
        rc = errstr_errno(err, 0, "error reading message: %s",
                  perr ? perr : "message content unavailable");
    else if (mbox_quote_finish(&quote) < 0 || sink_fd_flush(out) < 0)
        rc = errstr_errno(err, out->base.error ? out->base.error : quote.base.error,
                  "error writing message");
    else if (fsync(fd) < 0)
        rc = errstr_errno(err, errno, "error writing message");
    xfree(perr);
    xfree(out);
    return rc;
}

int mbox_append(const char *path, const char *sender, time_t when,
                const mbox_opts_t *opts, sink_producer_fn produce, void *ctx,
                char **err)
{
    bool dotlocked = false;
    struct stat st;
    int fd, rc = 0, saved;

    if (opts->locks & MBOX_LOCK_DOTLOCK) {
        char *lerr = NULL;

        if (mbox_dotlock(path, opts, &lerr) == 0) {
            dotlocked = true;
        } else if (!(opts->locks & MBOX_DOTLOCK_MAY_FAIL)
                   || errno == EAGAIN) {
            if (err)
                *err = lerr;
            else
                xfree(lerr);
            return -1;
        } else {
            xfree(lerr);
        }
    }
    if ((fd = open_mailbox(path, opts, &st, err)) < 0)
        rc = -1;
    if (rc == 0 && (opts->locks & MBOX_LOCK_FCNTL))
        rc = mbox_fcntl_lock(fd, opts, err);
    if (rc == 0 && fstat(fd, &st) < 0)
        rc = errstr_errno(err, errno, "cannot examine file");
    if (rc == 0) {
        rc = write_message(fd, st.st_size, sender, when, opts, produce, ctx, err);
        saved = errno;
        /* Never leave half a message; a failing truncate cannot be
         * reported better than the write error already is. */
        if (rc < 0 && ftruncate(fd, st.st_size) == 0)
            (void) fsync(fd);
        errno = saved;
    }
    saved = errno;
    if (fd >= 0)
        close(fd);  /* releases the fcntl lock */
    if (dotlocked)
        mbox_dotunlock(path);
    errno = rc == 0 ? 0 : saved;
    return rc;
}
