/* instance_lock.c - locked pid file of master (see instance_lock.h). */
#include "server/instance_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"

static int fail(char **err, const char *what, const char *path)
{
    buf_t b = BUF_INIT;

    buf_printf(&b, "%s %s: %s", what, path, strerror(errno));
    *err = buf_detach(&b);
    buf_dispose(&b);
    return -1;
}

static struct flock whole_file(short type)
{
    struct flock fl;

    memset(&fl, 0, sizeof(fl));
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    return fl;
}

int instance_lock_acquire(const char *path, char **err)
{
    struct flock fl = whole_file(F_WRLCK);
    char text[32];
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    int len;

    if (fd < 0)
        return fail(err, "open", path);
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        if (errno == EAGAIN || errno == EACCES)
            return -2;
        return fail(err, "lock", path);
    }
    len = snprintf(text, sizeof(text), "%10ld\n", (long) getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t) len, 0) != len) {
        int saved = errno;
        close(fd);
        errno = saved;
        return fail(err, "write", path);
    }
    return fd;
}

pid_t instance_lock_holder(const char *path, char **err)
{
    struct flock fl = whole_file(F_WRLCK);
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        return fail(err, "open", path);
    }
    /* F_GETLK on a read-only descriptor works for a write-lock query. */
    if (fcntl(fd, F_GETLK, &fl) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return fail(err, "query lock on", path);
    }
    close(fd);
    return fl.l_type == F_UNLCK ? 0 : fl.l_pid;
}
