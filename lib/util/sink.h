/* sink.h - a byte output that a producer writes to without knowing where
 * the bytes go: a file, a pipe, or a filter stacked on another sink.
 *
 * Errors are sticky: the first failing write records errno in s->error and
 * every later write fails at once, so a producer may write a whole message
 * and check once. sink_fd_t is the buffered writer to a file descriptor; it
 * counts bytes and newlines, can refuse to grow past a size limit (EFBIG,
 * like a file size rlimit but without the signal) and can give up at a
 * deadline (ETIMEDOUT; the descriptor must then be non-blocking). */
#ifndef POSTERN_UTIL_SINK_H
#define POSTERN_UTIL_SINK_H

#include <stddef.h>
#include <sys/types.h>

typedef struct sink sink_t;

struct sink {
    /* Accepts all len bytes and returns 0, or returns -1 with errno set. */
    int (*write_fn)(sink_t *s, const char *data, size_t len);
    int error;  /* errno of the first failure; 0 while healthy */
};

/* Writes through s->write_fn; returns 0, or -1 with errno and s->error set. */
int sink_write(sink_t *s, const void *data, size_t len);
int sink_puts(sink_t *s, const char *str);
int sink_printf(sink_t *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A content producer streams something into out. It returns 0, or -1: when
 * a write to out failed (out->error says why), or when its own source
 * failed, with an allocated message in *err. */
typedef int (*sink_producer_fn)(sink_t *out, void *ctx, char **err);

#define SINK_FD_BUFSIZE 8192

typedef struct sink_fd {
    sink_t base;
    int fd;
    off_t written;          /* bytes accepted (buffered or written) */
    off_t limit;            /* 0: none; more than this fails with EFBIG */
    unsigned long newlines; /* '\n' bytes accepted */
    long long deadline_ms;  /* CLOCK_MONOTONIC ms; 0: none */
    size_t used;
    char buf[SINK_FD_BUFSIZE];
} sink_fd_t;

void sink_fd_init(sink_fd_t *s, int fd, off_t limit);
/* Makes writes give up with ETIMEDOUT after timeout_ms from now. */
void sink_fd_set_timeout(sink_fd_t *s, long timeout_ms);
/* Writes out buffered bytes; 0 or -1 (sticky error as above). */
int sink_fd_flush(sink_fd_t *s);
/* Milliseconds on CLOCK_MONOTONIC, for deadlines. */
long long sink_now_ms(void);

#endif
