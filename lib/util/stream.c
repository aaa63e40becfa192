/* stream.c - buffered stream core: buffers, deadlines, waiting, errors,
 * line and byte reading, buffered writing (see stream.h). The transports
 * (descriptor, memory) live in stream_transport.c. */
#include "util/stream.h"
#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STREAM_READ_BUFSIZE 8192
#define STREAM_WRITE_HIGHWATER 16384

struct stream {
    stream_transport_t tr;
    void *ctx;
    int fd;
    int flags;
    int read_ms;
    int write_ms;
    int64_t deadline;          /* monotonic ms, or -1: none */
    unsigned char *rbuf;
    size_t rpos;
    size_t rlen;
    size_t rcap;
    buf_t wbuf;
    size_t wpos;               /* bytes of wbuf already sent */
    int error;
    int err_no;
    bool eof;
};

stream_t *stream_open(const stream_transport_t *transport, void *ctx, int fd,
                      int flags)
{
    stream_t *s = xcalloc(1, sizeof(*s));

    if (transport == NULL || transport->read == NULL || transport->write == NULL)
        msg_panic("stream_open: incomplete transport");
    s->tr = *transport;
    s->ctx = ctx;
    s->fd = fd;
    s->flags = flags;
    s->read_ms = -1;
    s->write_ms = -1;
    s->deadline = -1;
    s->rcap = STREAM_READ_BUFSIZE;
    s->rbuf = xmalloc(s->rcap);
    buf_init(&s->wbuf);
    return s;
}

void stream_close(stream_t *s)
{
    if (s == NULL)
        return;
    if (s->tr.close != NULL)
        s->tr.close(s->ctx);
    if ((s->flags & STREAM_CLOSE_FD) && s->fd >= 0)
        (void) close(s->fd);
    xfree(s->rbuf);
    buf_dispose(&s->wbuf);
    xfree(s);
}

int stream_fd(const stream_t *s)
{
    return s->fd;
}

void stream_set_timeout(stream_t *s, int read_ms, int write_ms)
{
    s->read_ms = read_ms;
    s->write_ms = write_ms;
}

int stream_read_timeout(const stream_t *s)
{
    return s->read_ms;
}

int stream_write_timeout(const stream_t *s)
{
    return s->write_ms;
}

void stream_set_transport(stream_t *s, const stream_transport_t *transport,
                          void *ctx, int flags)
{
    if (transport == NULL || transport->read == NULL || transport->write == NULL)
        msg_panic("stream_set_transport: incomplete transport");
    if ((flags & STREAM_CLOSE_OLD) && s->tr.close != NULL)
        s->tr.close(s->ctx);
    if (flags & STREAM_DISCARD_INPUT)
        (void) stream_discard_input(s);
    s->tr = *transport;
    s->ctx = ctx;
}

void *stream_transport_ctx(const stream_t *s)
{
    return s->ctx;
}

/* --- deadlines, waiting, errors ------------------------------------------ */

static int64_t now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        msg_fatal("clock_gettime: %m");
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void start_deadline(stream_t *s, int timeout_ms)
{
    s->deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

static void set_io_error(stream_t *s, int err)
{
    if (s->error == STREAM_OK) {
        s->error = STREAM_ERR_IO;
        s->err_no = err;
    }
}

static void set_timeout_error(stream_t *s)
{
    if (s->error == STREAM_OK) {
        s->error = STREAM_ERR_TIMEOUT;
        s->err_no = ETIMEDOUT;
    }
}

/* Waits until fd is ready for events or the call's deadline passes.
 * Returns 0 when ready (or hung up: the next I/O reports it), -1 on
 * timeout or poll error (recorded in the stream). */
static int wait_ready(stream_t *s, short events)
{
    struct pollfd pfd;
    int timeout, n;

    if (s->fd < 0) {
        set_io_error(s, EAGAIN);   /* a transport without fd cannot block */
        return -1;
    }
    for (;;) {
        if (s->deadline < 0) {
            timeout = -1;
        } else {
            int64_t left = s->deadline - now_ms();
            timeout = left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int) left;
        }
        pfd.fd = s->fd;
        pfd.events = events;
        pfd.revents = 0;
        n = poll(&pfd, 1, timeout);
        if (n > 0)
            return 0;
        if (n == 0) {
            set_timeout_error(s);
            return -1;
        }
        if (errno != EINTR) {
            set_io_error(s, errno);
            return -1;
        }
    }
}

/* Refills the read buffer (which must be empty). 1: data, 0: end of
 * input, -1: error or timeout. */
static int fill(stream_t *s)
{
    bool poll_first;
    ssize_t n;

    if (s->error != STREAM_OK)
        return -1;
    if (s->eof)
        return 0;
    s->rpos = s->rlen = 0;
    poll_first = s->fd >= 0 && !(s->tr.pending != NULL && s->tr.pending(s->ctx) > 0);
    for (;;) {
        if (poll_first && wait_ready(s, POLLIN) < 0)
            return -1;
        poll_first = false;
        n = s->tr.read(s->ctx, s->rbuf, s->rcap);
        if (n > 0) {
            s->rlen = (size_t) n;
            return 1;
        }
        if (n == 0) {
            s->eof = true;
            return 0;
        }
        if (n == STREAM_IO_WANT_READ || n == STREAM_IO_WANT_WRITE) {
            if (wait_ready(s, n == STREAM_IO_WANT_READ ? POLLIN : POLLOUT) < 0)
                return -1;
            continue;
        }
        if (errno == EINTR)
            continue;
        set_io_error(s, errno);
        return -1;
    }
}

int stream_error(const stream_t *s)
{
    return s->error;
}

int stream_errno(const stream_t *s)
{
    return s->err_no;
}

bool stream_eof(const stream_t *s)
{
    return s->eof && s->rpos == s->rlen;
}

const char *stream_strerror(const stream_t *s)
{
    if (s->error == STREAM_ERR_TIMEOUT)
        return "timeout";
    if (s->error == STREAM_ERR_IO)
        return strerror(s->err_no);
    if (stream_eof(s))
        return "end of input";
    return "no error";
}

/* --- lines --------------------------------------------------------------- */

const char *stream_line_end_name(stream_line_end_t end)
{
    switch (end) {
    case STREAM_END_CRLF:
        return "CRLF";
    case STREAM_END_LF:
        return "LF";
    case STREAM_END_CR:
        return "CR";
    case STREAM_END_EOF:
        return "EOF";
    case STREAM_END_TOOLONG:
        return "too long";
    }
    return "unknown";
}

/* Appends up to the limit; false when the content would exceed it. */
static bool append_limited(buf_t *line, const void *data, size_t len, size_t limit)
{
    size_t room = limit - line->len;

    if (len <= room) {
        buf_append(line, data, len);
        return true;
    }
    buf_append(line, data, room);
    return false;
}

static size_t scan_cr_lf(const unsigned char *p, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (p[i] == '\n' || p[i] == '\r')
            break;
    return i;
}

/* The line is over the limit: drop input through the next LF. */
static int discard_rest_of_line(stream_t *s, stream_line_end_t *end)
{
    const unsigned char *lf;
    int r;

    for (;;) {
        if (s->rpos == s->rlen) {
            if ((r = fill(s)) < 0)
                return -1;
            if (r == 0)
                break;
        }
        lf = memchr(s->rbuf + s->rpos, '\n', s->rlen - s->rpos);
        if (lf != NULL) {
            s->rpos = (size_t) (lf - s->rbuf) + 1;
            break;
        }
        s->rpos = s->rlen;
    }
    *end = STREAM_END_TOOLONG;
    return 1;
}

/* Input ended after some content (and maybe a held-back CR). */
static int line_at_eof(buf_t *line, size_t limit, int flags, bool pending_cr,
                       stream_line_end_t *end)
{
    if (pending_cr && (flags & STREAM_LINE_BARE_CR)) {
        *end = STREAM_END_CR;
        return 1;
    }
    if (pending_cr && !append_limited(line, "\r", 1, limit)) {
        *end = STREAM_END_TOOLONG;
        return 1;
    }
    *end = STREAM_END_EOF;
    return 1;
}

int stream_read_line(stream_t *s, buf_t *line, size_t limit, int flags,
                     stream_line_end_t *end)
{
    bool pending_cr = false, any = false;
    const unsigned char *p;
    size_t avail, i;
    int r;

    buf_reset(line);
    if (s->error != STREAM_OK)
        return -1;
    start_deadline(s, s->read_ms);
    for (;;) {
        if (s->rpos == s->rlen) {
            if ((r = fill(s)) < 0)
                return -1;
            if (r == 0)
                return any ? line_at_eof(line, limit, flags, pending_cr, end) : 0;
        }
        any = true;
        p = s->rbuf + s->rpos;
        if (pending_cr) {
            pending_cr = false;
            if (p[0] == '\n') {
                s->rpos++;
                *end = STREAM_END_CRLF;
                return 1;
            }
            if (flags & STREAM_LINE_BARE_CR) {
                *end = STREAM_END_CR;
                return 1;
            }
            if (!append_limited(line, "\r", 1, limit))
                return discard_rest_of_line(s, end);
            continue;
        }
        avail = s->rlen - s->rpos;
        i = scan_cr_lf(p, avail);
        if (!append_limited(line, p, i, limit)) {
            s->rpos += i;
            return discard_rest_of_line(s, end);
        }
        s->rpos += i;
        if (i == avail)
            continue;
        s->rpos++;
        if (p[i] == '\n') {
            *end = STREAM_END_LF;
            return 1;
        }
        pending_cr = true;
    }
}

/* --- bytes --------------------------------------------------------------- */

/* Moves up to len buffered bytes to data (NULL: drop them). */
static size_t take_buffered(stream_t *s, void *data, size_t len)
{
    size_t n = s->rlen - s->rpos;

    if (n > len)
        n = len;
    if (data != NULL)
        memcpy(data, s->rbuf + s->rpos, n);
    s->rpos += n;
    return n;
}

static ssize_t read_exact_into(stream_t *s, unsigned char *data, buf_t *out,
                               size_t len)
{
    size_t done = 0, n;
    int r;

    if (len > SSIZE_MAX)
        msg_panic("stream_read_exact: length %zu too large", len);
    if (s->error != STREAM_OK)
        return -1;
    start_deadline(s, s->read_ms);
    while (done < len) {
        if (s->rpos == s->rlen) {
            if ((r = fill(s)) < 0)
                return -1;
            if (r == 0)
                break;
        }
        if (out != NULL) {
            n = s->rlen - s->rpos;
            if (n > len - done)
                n = len - done;
            buf_append(out, s->rbuf + s->rpos, n);
            s->rpos += n;
        } else {
            n = take_buffered(s, data ? data + done : NULL, len - done);
        }
        done += n;
    }
    return (ssize_t) done;
}

ssize_t stream_read_exact(stream_t *s, void *data, size_t len)
{
    return read_exact_into(s, data, NULL, len);
}

ssize_t stream_read_exact_buf(stream_t *s, buf_t *out, size_t len)
{
    return read_exact_into(s, NULL, out, len);
}

ssize_t stream_skip(stream_t *s, size_t len)
{
    return read_exact_into(s, NULL, NULL, len);
}

ssize_t stream_read_some(stream_t *s, void *data, size_t len)
{
    int r;

    if (s->error != STREAM_OK)
        return -1;
    if (len == 0)
        return 0;
    start_deadline(s, s->read_ms);
    if (s->rpos == s->rlen) {
        if ((r = fill(s)) <= 0)
            return r;
    }
    return (ssize_t) take_buffered(s, data, len);
}

int stream_getc(stream_t *s)
{
    unsigned char c;

    return stream_read_some(s, &c, 1) == 1 ? c : -1;
}

size_t stream_buffered(const stream_t *s)
{
    size_t n = s->rlen - s->rpos;

    if (s->tr.pending != NULL)
        n += s->tr.pending(s->ctx);
    return n;
}

bool stream_input_waiting(const stream_t *s)
{
    struct pollfd pfd;

    if (stream_buffered(s) > 0)
        return true;
    if (s->fd < 0 || s->eof || s->error != STREAM_OK)
        return false;
    pfd.fd = s->fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    return poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN);
}

size_t stream_discard_input(stream_t *s)
{
    size_t n = s->rlen - s->rpos;

    s->rpos = s->rlen = 0;
    return n;
}

/* --- writing ------------------------------------------------------------- */

static int flush_with_deadline(stream_t *s)
{
    bool poll_first = s->fd >= 0;
    ssize_t n;

    while (s->wpos < s->wbuf.len) {
        if (s->error != STREAM_OK)
            return -1;
        if (poll_first && wait_ready(s, POLLOUT) < 0)
            return -1;
        poll_first = s->fd >= 0;
        n = s->tr.write(s->ctx, s->wbuf.data + s->wpos, s->wbuf.len - s->wpos);
        if (n > 0) {
            s->wpos += (size_t) n;
            continue;
        }
        if (n == STREAM_IO_WANT_READ || n == STREAM_IO_WANT_WRITE) {
            if (wait_ready(s, n == STREAM_IO_WANT_READ ? POLLIN : POLLOUT) < 0)
                return -1;
            poll_first = false;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            poll_first = false;
            continue;
        }
        set_io_error(s, n == 0 ? EIO : errno);
        return -1;
    }
    buf_reset(&s->wbuf);
    s->wpos = 0;
    return s->error != STREAM_OK ? -1 : 0;
}

int stream_flush(stream_t *s)
{
    if (s->error != STREAM_OK)
        return -1;
    start_deadline(s, s->write_ms);
    return flush_with_deadline(s);
}

size_t stream_unflushed(const stream_t *s)
{
    return s->wbuf.len - s->wpos;
}

static int after_append(stream_t *s)
{
    if (stream_unflushed(s) >= STREAM_WRITE_HIGHWATER)
        return stream_flush(s);
    return 0;
}

int stream_write(stream_t *s, const void *data, size_t len)
{
    if (s->error != STREAM_OK)
        return -1;
    buf_append(&s->wbuf, data, len);
    return after_append(s);
}

int stream_puts(stream_t *s, const char *str)
{
    return stream_write(s, str, strlen(str));
}

int stream_putc(stream_t *s, int c)
{
    unsigned char ch = (unsigned char) c;

    return stream_write(s, &ch, 1);
}

int stream_vprintf(stream_t *s, const char *fmt, va_list ap)
{
    if (s->error != STREAM_OK)
        return -1;
    buf_vprintf(&s->wbuf, fmt, ap);
    return after_append(s);
}

int stream_printf(stream_t *s, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = stream_vprintf(s, fmt, ap);
    va_end(ap);
    return r;
}
