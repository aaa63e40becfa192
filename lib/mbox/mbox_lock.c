/* mbox_lock.c - the two mailbox locks: a dotlock file (path.lock, created
 * exclusively, stale after stale_lock_time) and an fcntl write lock, both
 * retried a bounded number of times. Failures return -1 with a message. */
#include "mbox/mbox.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long) (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int lock_fail(char **err, int errnum, const char *fmt, const char *arg)
{
    if (err) {
        buf_t b = BUF_INIT;

        buf_printf(&b, fmt, arg);
        buf_printf(&b, ": %s", strerror(errnum));
        *err = buf_detach(&b);
    }
    errno = errnum;
    return -1;
}

/* Removes lock when it is older than the stale time; true if removed. */
static bool remove_if_stale(const char *lock, const mbox_opts_t *opts)
{
    struct stat st;

    if (stat(lock, &st) < 0)
        return errno == ENOENT;  /* gone already: try again at once */
    if (time(NULL) - st.st_mtime <= opts->stale_lock_time)
        return false;
    return unlink(lock) == 0 || errno == ENOENT;
}

int mbox_dotlock(const char *path, const mbox_opts_t *opts, char **err)
{
    buf_t lock = BUF_INIT;
    int attempts = opts->lock_attempts > 0 ? opts->lock_attempts : 1;
    int saved = 0, stale_removed = 0;

    buf_printf(&lock, "%s.lock", path);
    for (int i = 0; i < attempts; i++) {
        int fd = open(lock.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

        if (fd >= 0) {
            close(fd);
            buf_dispose(&lock);
            return 0;
        }
        saved = errno;
        if (saved != EEXIST)
            break;
        /* A removed stale lock does not use up an attempt (3 at most). */
        if (stale_removed < 3 && remove_if_stale(lock.data, opts)) {
            stale_removed++;
            i--;
            continue;
        }
        if (i + 1 < attempts)
            sleep_ms(opts->lock_delay_ms);
    }
    lock_fail(err, saved, "unable to create lock file %s", lock.data);
    buf_dispose(&lock);
    errno = saved == EEXIST ? EAGAIN : saved;
    return -1;
}

void mbox_dotunlock(const char *path)
{
    buf_t lock = BUF_INIT;

    buf_printf(&lock, "%s.lock", path);
    (void) unlink(lock.data);
    buf_dispose(&lock);
}

int mbox_fcntl_lock(int fd, const mbox_opts_t *opts, char **err)
{
    int attempts = opts->lock_attempts > 0 ? opts->lock_attempts : 1;
    struct flock fl;

    for (int i = 0; i < attempts; i++) {
        memset(&fl, 0, sizeof(fl));
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (fcntl(fd, F_SETLK, &fl) == 0)
            return 0;
        if (errno != EAGAIN && errno != EACCES && errno != EINTR)
            return lock_fail(err, errno, "%s", "unable to lock for exclusive access");
        if (i + 1 < attempts)
            sleep_ms(opts->lock_delay_ms);
    }
    return lock_fail(err, EAGAIN, "%s", "unable to lock for exclusive access");
}
