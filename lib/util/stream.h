/* stream.h - buffered bidirectional stream over a pluggable transport.
 *
 * The one I/O abstraction of the daemons and protocol engines. A stream
 * owns a read buffer and a write buffer and moves bytes through a
 * transport: two function pointers (read, write) and a context. The plain
 * transport works on a file descriptor; a TLS layer can be slotted in
 * after STARTTLS with stream_set_transport() without changing callers.
 *
 * Timeouts and deadlines. stream_set_timeout() sets a read and a write
 * timeout in milliseconds (negative: wait forever). Each public call that
 * may wait (stream_read_line, stream_read_exact, stream_read_some,
 * stream_skip, stream_flush, and a write that must flush because the
 * write buffer is full) computes ONE deadline when it starts: now +
 * timeout. All waiting inside that call counts against it, so a peer that
 * trickles one byte per second cannot stretch one line read beyond the
 * timeout. Waiting is done with poll() on the stream's descriptor (EINTR
 * is retried with the remaining time). Works with blocking and
 * non-blocking descriptors alike: the stream polls before each transport
 * read/write, and a transport reporting "would block" makes it poll again.
 *
 * Errors are sticky: after a timeout or an I/O error every later call
 * fails at once (-1); stream_error() tells which and stream_errno() the
 * errno. End of input is not an error: stream_eof() becomes true.
 * Writing to a pipe whose reader is gone raises SIGPIPE unless the process
 * ignores it (sockets use MSG_NOSIGNAL and get EPIPE instead).
 * Allocation failure is fatal (mem.h). */
#ifndef POSTERN_UTIL_STREAM_H
#define POSTERN_UTIL_STREAM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

typedef struct stream stream_t;

/* Transport return values besides a byte count (>0), 0 (end of input, for
 * read) and -1 (error, errno set; EINTR is retried by the stream):
 * "would block, poll the descriptor for input / for output, then call me
 * again". A TLS transport may ask for output while reading and vice versa. */
#define STREAM_IO_WANT_READ  (-2)
#define STREAM_IO_WANT_WRITE (-3)

typedef struct stream_transport {
    ssize_t (*read)(void *ctx, void *data, size_t len);
    ssize_t (*write)(void *ctx, const void *data, size_t len);
    /* Optional: bytes the transport already holds decoded (TLS records);
     * when nonzero the stream reads without polling first. */
    size_t (*pending)(void *ctx);
    /* Optional: called by stream_close() and when the transport is
     * replaced with STREAM_CLOSE_OLD. Must not close the descriptor. */
    void (*close)(void *ctx);
} stream_transport_t;

/* stream_open_fd flags */
#define STREAM_CLOSE_FD 1      /* stream_close() closes the descriptor */

/* Generic constructor. fd is the descriptor polled while waiting, or -1
 * when the transport never blocks (memory). The stream does not own ctx
 * unless the transport has a close function. */
stream_t *stream_open(const stream_transport_t *transport, void *ctx, int fd,
                      int flags);
/* Stream over a descriptor (socket, pipe, file). */
stream_t *stream_open_fd(int fd, int flags);
/* Stream for tests and fuzzing: reads come from a copy of data[0..len),
 * at most max_chunk bytes per transport read (0: no limit), then end of
 * input. Writes are appended to out (may be NULL: discarded); out must
 * outlive the stream. */
stream_t *stream_open_memory(const void *data, size_t len, size_t max_chunk,
                             buf_t *out);
/* Frees the stream (does NOT flush: call stream_flush first and check it).
 * Calls the transport's close and closes fd if STREAM_CLOSE_FD. NULL ok. */
void stream_close(stream_t *s);

int stream_fd(const stream_t *s);
void stream_set_timeout(stream_t *s, int read_ms, int write_ms);
int stream_read_timeout(const stream_t *s);
int stream_write_timeout(const stream_t *s);

/* Replaces the transport (e.g. with TLS after STARTTLS). flags: */
#define STREAM_KEEP_INPUT    0 /* unread buffered input stays readable */
#define STREAM_DISCARD_INPUT 1 /* drop it (STARTTLS injection defence) */
#define STREAM_CLOSE_OLD     2 /* call the old transport's close */
/* Pending output is NOT flushed here: flush before switching. */
void stream_set_transport(stream_t *s, const stream_transport_t *transport,
                          void *ctx, int flags);
void *stream_transport_ctx(const stream_t *s);

/* --- Reading lines ---------------------------------------------------- */

typedef enum stream_line_end {
    STREAM_END_CRLF,     /* "\r\n" */
    STREAM_END_LF,       /* bare "\n" */
    STREAM_END_CR,       /* bare "\r" (only with STREAM_LINE_BARE_CR) */
    STREAM_END_EOF,      /* input ended without a terminator */
    STREAM_END_TOOLONG,  /* longer than the limit, see below */
} stream_line_end_t;

/* stream_read_line flags */
#define STREAM_LINE_BARE_CR 1  /* a CR not followed by LF ends the line;
                                * otherwise such a CR is line content */

/* Reads one line into line (reset first; NUL bytes allowed, line->len
 * counts them; line->data[len] is NUL). The terminator is not stored.
 * limit is the maximum content length; a line of exactly limit bytes is
 * accepted. A longer line: line holds its first limit bytes, the rest is
 * read and discarded up to and including the next LF (or end of input),
 * and *end is STREAM_END_TOOLONG, so the caller can reply "line too long"
 * and read the next command in step. Memory use never exceeds limit.
 * Returns 1 with *end set, 0 at end of input with nothing read, -1 on
 * timeout or error (sticky, see stream_error). */
int stream_read_line(stream_t *s, buf_t *line, size_t limit, int flags,
                     stream_line_end_t *end);
const char *stream_line_end_name(stream_line_end_t end);

/* --- Reading bytes ------------------------------------------------------ */

/* Reads exactly len bytes into data. Returns len, or fewer when input
 * ends first (stream_eof true), or -1 on timeout/error. */
ssize_t stream_read_exact(stream_t *s, void *data, size_t len);
/* Same, appending to out. */
ssize_t stream_read_exact_buf(stream_t *s, buf_t *out, size_t len);
/* Reads and discards len bytes (a rejected BDAT chunk); as read_exact. */
ssize_t stream_skip(stream_t *s, size_t len);
/* Reads what is available, at least 1 byte (waiting if nothing is),
 * at most len. Returns the count, 0 at end of input, -1 on error. */
ssize_t stream_read_some(stream_t *s, void *data, size_t len);
/* Reads one byte: 0..255, or -1 at end of input or on error. */
int stream_getc(stream_t *s);

/* Unread bytes held in the stream's buffer (plus the transport's own
 * pending bytes). Nonzero after a command line means the client sent more
 * without waiting for the reply (pipelining). Never waits. */
size_t stream_buffered(const stream_t *s);
/* true if input is buffered or the descriptor is readable right now
 * (poll with zero timeout); never waits, never reads. */
bool stream_input_waiting(const stream_t *s);
/* Drops all buffered unread input; returns how many bytes were dropped. */
size_t stream_discard_input(stream_t *s);

/* --- Writing ------------------------------------------------------------ */

/* Buffered writes. Output is sent by stream_flush(), or earlier when the
 * write buffer grows past its size (then the write timeout applies).
 * Return 0, or -1 when the stream is in error (sticky). */
int stream_write(stream_t *s, const void *data, size_t len);
int stream_puts(stream_t *s, const char *str);
int stream_putc(stream_t *s, int c);
int stream_printf(stream_t *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int stream_vprintf(stream_t *s, const char *fmt, va_list ap);
/* Sends all buffered output. Returns 0, or -1 on timeout/error. */
int stream_flush(stream_t *s);
size_t stream_unflushed(const stream_t *s);

/* --- State -------------------------------------------------------------- */

#define STREAM_OK          0
#define STREAM_ERR_TIMEOUT 1
#define STREAM_ERR_IO      2

int stream_error(const stream_t *s);     /* STREAM_OK or STREAM_ERR_* */
int stream_errno(const stream_t *s);     /* errno of the I/O error */
bool stream_eof(const stream_t *s);      /* input ended */
/* "timeout", "Connection reset by peer", "end of input" or "no error". */
const char *stream_strerror(const stream_t *s);

#endif
