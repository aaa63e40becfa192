/* sink.c - the generic byte sink and its buffered file-descriptor writer.
 * Failures are reported through errno and the sticky s->error, never
 * logged here. */
#include "util/sink.h"
#include "util/buf.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int sink_write(sink_t *s, const void *data, size_t len)
{
    if (s->error) {
        errno = s->error;
        return -1;
    }
    if (len == 0)
        return 0;
    if (s->write_fn(s, data, len) < 0) {
        s->error = errno ? errno : EIO;
        errno = s->error;
        return -1;
    }
    return 0;
}

int sink_puts(sink_t *s, const char *str)
{
    return sink_write(s, str, strlen(str));
}

int sink_printf(sink_t *s, const char *fmt, ...)
{
    buf_t b = BUF_INIT;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    rc = sink_write(s, b.data, b.len);
    buf_dispose(&b);
    return rc;
}

long long sink_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd takes more bytes or the deadline passes. */
static int wait_writable(sink_fd_t *s)
{
    struct pollfd p = {.fd = s->fd, .events = POLLOUT};
    long long left;
    int rc;

    for (;;) {
        left = s->deadline_ms - sink_now_ms();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        rc = poll(&p, 1, left > 1000 ? 1000 : (int) left);
        if (rc > 0)
            return 0;
        if (rc < 0 && errno != EINTR)
            return -1;
    }
}

static int write_all(sink_fd_t *s, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n;

        if (s->deadline_ms && wait_writable(s) < 0)
            return -1;
        n = write(s->fd, data, len);
        if (n < 0) {
            if (errno == EINTR || (s->deadline_ms && errno == EAGAIN))
                continue;
            return -1;
        }
        data += n;
        len -= (size_t) n;
    }
    return 0;
}

int sink_fd_flush(sink_fd_t *s)
{
    if (s->base.error) {
        errno = s->base.error;
        return -1;
    }
    if (s->used > 0 && write_all(s, s->buf, s->used) < 0) {
        s->base.error = errno ? errno : EIO;
        return -1;
    }
    s->used = 0;
    return 0;
}

static unsigned long count_newlines(const char *data, size_t len)
{
    unsigned long n = 0;
    const char *end = data + len;

    while ((data = memchr(data, '\n', (size_t) (end - data))) != NULL) {
        n++;
        data++;
    }
    return n;
}

static int fd_write(sink_t *base, const char *data, size_t len)
{
    sink_fd_t *s = (sink_fd_t *) base;

    if (s->limit > 0 && (off_t) len > s->limit - s->written) {
        errno = EFBIG;
        return -1;
    }
    s->written += (off_t) len;
    s->newlines += count_newlines(data, len);
    if (s->used + len <= sizeof(s->buf)) {
        memcpy(s->buf + s->used, data, len);
        s->used += len;
        return 0;
    }
    if (s->used > 0 && write_all(s, s->buf, s->used) < 0)
        return -1;
    s->used = 0;
    if (len < sizeof(s->buf)) {
        memcpy(s->buf, data, len);
        s->used = len;
        return 0;
    }
    return write_all(s, data, len);
}

void sink_fd_init(sink_fd_t *s, int fd, off_t limit)
{
    memset(s, 0, offsetof(sink_fd_t, buf));
    s->base.write_fn = fd_write;
    s->fd = fd;
    s->limit = limit;
}

void sink_fd_set_timeout(sink_fd_t *s, long timeout_ms)
{
    s->deadline_ms = sink_now_ms() + timeout_ms;
}
