/* stream_transport.c - the two built-in stream transports (see stream.h):
 * a file descriptor (sockets use non-blocking send/recv with MSG_NOSIGNAL,
 * other descriptors read/write, with writes capped at PIPE_BUF so a
 * poll-approved write to a blocking pipe does not block), and a memory
 * buffer for tests and fuzzing. Errors are returned as -1 with errno,
 * "would block" as STREAM_IO_WANT_READ/WRITE. */
#include "util/stream.h"
#include "util/mem.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- descriptor ---------------------------------------------------------- */

struct fd_transport {
    int fd;
    bool is_socket;
};

static ssize_t fd_read(void *ctx, void *data, size_t len)
{
    struct fd_transport *ft = ctx;
    ssize_t n;

    if (ft->is_socket)
        n = recv(ft->fd, data, len, MSG_DONTWAIT);
    else
        n = read(ft->fd, data, len);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return STREAM_IO_WANT_READ;
    return n;
}

static ssize_t fd_write(void *ctx, const void *data, size_t len)
{
    struct fd_transport *ft = ctx;
    ssize_t n;

    if (ft->is_socket) {
        n = send(ft->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    } else {
        if (len > PIPE_BUF)
            len = PIPE_BUF;
        n = write(ft->fd, data, len);
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return STREAM_IO_WANT_WRITE;
    return n;
}

static void fd_close(void *ctx)
{
    xfree(ctx);
}

static const stream_transport_t fd_transport = {
    .read = fd_read,
    .write = fd_write,
    .pending = NULL,
    .close = fd_close,
};

stream_t *stream_open_fd(int fd, int flags)
{
    struct fd_transport *ft = xmalloc(sizeof(*ft));
    struct stat st;

    ft->fd = fd;
    ft->is_socket = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
    return stream_open(&fd_transport, ft, fd, flags);
}

/* --- memory -------------------------------------------------------------- */

struct mem_transport {
    unsigned char *data;
    size_t len;
    size_t pos;
    size_t max_chunk;
    buf_t *out;
};

static ssize_t mem_read(void *ctx, void *data, size_t len)
{
    struct mem_transport *mt = ctx;
    size_t n = mt->len - mt->pos;

    if (n > len)
        n = len;
    if (mt->max_chunk > 0 && n > mt->max_chunk)
        n = mt->max_chunk;
    if (n > SSIZE_MAX)
        n = SSIZE_MAX;
    if (n > 0)
        memcpy(data, mt->data + mt->pos, n);
    mt->pos += n;
    return (ssize_t) n;
}

static ssize_t mem_write(void *ctx, const void *data, size_t len)
{
    struct mem_transport *mt = ctx;

    if (len > SSIZE_MAX)
        len = SSIZE_MAX;
    if (mt->max_chunk > 0 && len > mt->max_chunk)
        len = mt->max_chunk;
    if (mt->out != NULL)
        buf_append(mt->out, data, len);
    return (ssize_t) len;
}

static void mem_close(void *ctx)
{
    struct mem_transport *mt = ctx;

    xfree(mt->data);
    xfree(mt);
}

static const stream_transport_t mem_transport = {
    .read = mem_read,
    .write = mem_write,
    .pending = NULL,
    .close = mem_close,
};

stream_t *stream_open_memory(const void *data, size_t len, size_t max_chunk,
                             buf_t *out)
{
    struct mem_transport *mt = xcalloc(1, sizeof(*mt));

    mt->data = xmemdup(len ? data : "", len ? len : 1);
    mt->len = len;
    mt->max_chunk = max_chunk;
    mt->out = out;
    return stream_open(&mem_transport, mt, -1, 0);
}
