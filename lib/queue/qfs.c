/* qfs.c - internal file-system helpers (see qfs.h). */
#include "queue/qfs.h"
#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int qfs_err(char **err, const char *fmt, ...)
{
    va_list ap;
    buf_t b = BUF_INIT;
    int saved = errno;

    if (err != NULL) {
        va_start(ap, fmt);
        buf_vprintf(&b, fmt, ap);
        va_end(ap);
        *err = buf_detach(&b);
        buf_dispose(&b);
    }
    errno = saved;
    return -1;
}

int qfs_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc, saved;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    saved = errno;
    if (close(fd) < 0 && rc == 0)
        return -1;
    errno = saved;
    return rc;
}

int qfs_rename_noreplace(const char *from, const char *to)
{
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    /* File system without RENAME_NOREPLACE: link() never replaces. */
    if (link(from, to) < 0)
        return -1;
    if (unlink(from) < 0) {
        int saved = errno;
        (void) unlink(to);
        errno = saved;
        return -1;
    }
    return 0;
}

int qfs_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

int qfs_pwrite_all(int fd, const void *data, size_t len, off_t offset)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, offset);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t) n;
        offset += n;
    }
    return 0;
}

ssize_t qfs_pread_full(int fd, void *data, size_t len, off_t offset)
{
    char *p = data;
    size_t done = 0;

    while (done < len) {
        ssize_t n = pread(fd, p + done, len - done, offset + (off_t) done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        done += (size_t) n;
    }
    return (ssize_t) done;
}

int qfs_mkdir(const char *path, mode_t mode)
{
    struct stat st;

    if (mkdir(path, mode) == 0)
        return 0;
    if (errno != EEXIST)
        return -1;
    if (lstat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}
