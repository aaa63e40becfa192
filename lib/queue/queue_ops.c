/* queue_ops.c - move a queue file between queues, remove it, sweep the
 * temporary files of dead writers, and the fcntl locking convention.
 * Every step that must survive a crash is followed by an fsync of the
 * directory it changed. Fails through char **err. */
#include "queue/queue.h"
#include "queue/qfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Parent directory of a path in out (the part before the last '/'). */
static void parent_of(const char *path, buf_t *out)
{
    const char *slash = strrchr(path, '/');

    buf_reset(out);
    if (slash == NULL)
        buf_puts(out, ".");
    else
        buf_append(out, path, (size_t) (slash - path));
}

static int make_hash_dirs(const queue_t *q, const char *queue_name,
                          const char *dir, char **err)
{
    size_t base = strlen(queue_root(q)) + 1 + strlen(queue_name);
    buf_t part = BUF_INIT;
    int rc = 0;

    for (size_t at = base + 2; rc == 0 && at <= strlen(dir); at += 2) {
        buf_reset(&part);
        buf_append(&part, dir, at);
        if (qfs_mkdir(buf_str(&part), strcmp(queue_name, QUEUE_MAILDROP) == 0 ? 01730 : 0700) < 0)
            rc = qfs_err(err, "mkdir %s: %s", buf_str(&part), strerror(errno));
    }
    buf_dispose(&part);
    return rc;
}

int queue_move(const queue_t *q, const char *id, const char *from,
               const char *to, char **err)
{
    buf_t src = BUF_INIT, dst = BUF_INIT, src_dir = BUF_INIT, dst_dir = BUF_INIT;
    int rc = -1, found, renamed;

    if ((found = queue_find(q, from, id, &src, err)) <= 0) {
        if (found == 0)
            qfs_err(err, "%s: no such file in queue %s", id, from);
        goto out;
    }
    if (queue_dir_of(q, to, id, &dst_dir, err) < 0)
        goto out;
    buf_reset(&dst);
    buf_printf(&dst, "%s/%s", buf_str(&dst_dir), id);
    renamed = qfs_rename_noreplace(buf_str(&src), buf_str(&dst));
    if (renamed < 0 && errno == ENOENT) {
        /* A hashed subdirectory that the layout does not have yet. */
        if (make_hash_dirs(q, to, buf_str(&dst_dir), err) < 0)
            goto out;
        renamed = qfs_rename_noreplace(buf_str(&src), buf_str(&dst));
    }
    if (renamed < 0) {
        qfs_err(err, "rename %s to %s: %s", buf_str(&src), buf_str(&dst), strerror(errno));
        goto out;
    }
    parent_of(buf_str(&src), &src_dir);
    if (qfs_fsync_dir(buf_str(&dst_dir)) < 0 || qfs_fsync_dir(buf_str(&src_dir)) < 0) {
        qfs_err(err, "fsync after moving %s to %s: %s", id, to, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    buf_dispose(&src);
    buf_dispose(&dst);
    buf_dispose(&src_dir);
    buf_dispose(&dst_dir);
    return rc;
}

int queue_remove(const queue_t *q, const char *queue_name, const char *id,
                 bool sync, char **err)
{
    buf_t path = BUF_INIT, dir = BUF_INIT;
    int rc = queue_find(q, queue_name, id, &path, err);

    if (rc == 1 && unlink(buf_str(&path)) < 0)
        rc = errno == ENOENT ? 0 : qfs_err(err, "unlink %s: %s", buf_str(&path), strerror(errno));
    if (rc == 1 && sync) {
        parent_of(buf_str(&path), &dir);
        if (qfs_fsync_dir(buf_str(&dir)) < 0)
            rc = qfs_err(err, "fsync %s: %s", buf_str(&dir), strerror(errno));
    }
    buf_dispose(&path);
    buf_dispose(&dir);
    return rc;
}

/* Writer temporary files are named "tmp.PID.SEQ" (see qwriter.c). */
static bool is_temp_name(const char *name)
{
    return strncmp(name, "tmp.", 4) == 0;
}

int queue_sweep_temp(const queue_t *q, const char *queue_name, time_t max_age,
                     int *removed, char **err)
{
    buf_t path = BUF_INIT;
    DIR *dir;
    struct dirent *de;
    struct stat st;
    time_t now = time(NULL);
    int count = 0, rc = 0;

    if (!queue_name_valid(queue_name))
        return qfs_err(err, "invalid queue name \"%s\"", queue_name ? queue_name : "(null)");
    buf_printf(&path, "%s/%s", queue_root(q), queue_name);
    if ((dir = opendir(buf_str(&path))) == NULL) {
        rc = qfs_err(err, "open directory %s: %s", buf_str(&path), strerror(errno));
        buf_dispose(&path);
        return rc;
    }
    while (rc == 0 && (de = readdir(dir)) != NULL) {
        if (!is_temp_name(de->d_name))
            continue;
        if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno != ENOENT)
                rc = qfs_err(err, "%s/%s: %s", buf_str(&path), de->d_name, strerror(errno));
            continue;
        }
        if (!S_ISREG(st.st_mode) || st.st_mtime > now - max_age)
            continue;
        if (unlinkat(dirfd(dir), de->d_name, 0) < 0 && errno != ENOENT)
            rc = qfs_err(err, "unlink %s/%s: %s", buf_str(&path), de->d_name, strerror(errno));
        else
            count++;
    }
    if (closedir(dir) < 0 && rc == 0)
        rc = qfs_err(err, "close directory %s: %s", buf_str(&path), strerror(errno));
    buf_dispose(&path);
    if (removed != NULL)
        *removed = count;
    return rc;
}

int queue_lock(int fd, int how, bool wait, char **err)
{
    struct flock fl;
    int cmd_nowait = F_OFD_SETLK, cmd_wait = F_OFD_SETLKW;

    memset(&fl, 0, sizeof(fl));
    fl.l_type = how == QUEUE_LOCK_SHARED ? F_RDLCK
        : how == QUEUE_LOCK_EXCLUSIVE ? F_WRLCK : F_UNLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0;
    for (;;) {
        if (fcntl(fd, wait ? cmd_wait : cmd_nowait, &fl) == 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (!wait && (errno == EAGAIN || errno == EACCES))
            return 1;
        if (errno == EINVAL && cmd_nowait == F_OFD_SETLK) {
            /* Kernel without OFD locks: process-associated locks. */
            cmd_nowait = F_SETLK;
            cmd_wait = F_SETLKW;
            continue;
        }
        return qfs_err(err, "lock queue file: %s", strerror(errno));
    }
}
