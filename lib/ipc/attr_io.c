/* attr_io.c - the attribute conversation over a stream: send, receive
 * with one deadline per frame, protocol announcement, connect, request
 * (see attr.h). Failures come back as -1 with a message in *err. */
#include "ipc/attr.h"
#include "ipc/attr_names.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/sock.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int attr_write(stream_t *s, const attr_list_t *l)
{
    buf_t frame = BUF_INIT;
    int r;

    buf_init(&frame);
    attr_encode(l, &frame);
    r = stream_write(s, frame.data, frame.len);
    buf_dispose(&frame);
    return r;
}

int attr_send(stream_t *s, const attr_list_t *l, char **err)
{
    if (attr_write(s, l) < 0 || stream_flush(s) < 0) {
        errstr_set(err, "attribute send: %s", stream_strerror(s));
        return -1;
    }
    return 0;
}

static int read_failed(stream_t *s, const char *what, char **err)
{
    if (stream_error(s) != STREAM_OK)
        errstr_set(err, "attribute receive: %s", stream_strerror(s));
    else
        errstr_set(err, "attribute receive: input ended inside the frame %s", what);
    return -1;
}

/* Reads the body with what is left of the deadline that started with the
 * length word. */
static ssize_t read_body(stream_t *s, buf_t *body, size_t len, int64_t deadline)
{
    int saved = stream_read_timeout(s);
    ssize_t n;

    if (deadline >= 0) {
        int64_t left = deadline - mono_ms();
        stream_set_timeout(s, left < 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int) left,
                           stream_write_timeout(s));
    }
    n = stream_read_exact_buf(s, body, len);
    stream_set_timeout(s, saved, stream_write_timeout(s));
    return n;
}

int attr_recv(stream_t *s, attr_list_t *l, const attr_limits_t *limits, char **err)
{
    int timeout = stream_read_timeout(s);
    int64_t deadline = timeout < 0 ? -1 : mono_ms() + timeout;
    unsigned char head[4];
    buf_t body = BUF_INIT;
    size_t len;
    ssize_t n;
    int r;

    if (limits == NULL)
        limits = &attr_default_limits;
    attr_list_reset(l);
    n = stream_read_exact(s, head, sizeof(head));
    if (n == 0 && stream_eof(s))
        return 0;
    if (n != (ssize_t) sizeof(head))
        return read_failed(s, "length", err);
    len = (size_t) head[0] << 24 | (size_t) head[1] << 16 | (size_t) head[2] << 8 | head[3];
    if (len > limits->max_message) {
        errstr_set(err, "attribute receive: frame of %zu bytes exceeds the limit of %zu",
                   len, limits->max_message);
        return -1;
    }
    buf_init(&body);
    n = read_body(s, &body, len, deadline);
    if (n != (ssize_t) len) {
        buf_dispose(&body);
        return read_failed(s, "body", err);
    }
    r = attr_decode_body(body.data, body.len, limits, l, err);
    buf_dispose(&body);
    return r < 0 ? -1 : 1;
}

int attr_announce(stream_t *s, const char *protocol, char **err)
{
    attr_list_t *l = attr_list_new();
    int r;

    attr_put_str(l, ATTR_PROTOCOL, protocol);
    r = attr_send(s, l, err);
    attr_list_free(l);
    return r;
}

static int check_announcement(const attr_list_t *l, const char *protocol, char **err)
{
    const char *got = NULL;

    if (attr_count(l) != 1 || attr_get_str(l, ATTR_PROTOCOL, &got) < 0) {
        errstr_set(err, "bad protocol announcement");
        return -1;
    }
    if (strcmp(got, protocol) != 0) {
        errstr_set(err, "protocol mismatch: expected \"%s\", server speaks \"%.100s\"",
                   protocol, got);
        return -1;
    }
    return 0;
}

int attr_expect_announce(stream_t *s, const char *protocol, char **err)
{
    attr_list_t *l = attr_list_new();
    int r = attr_recv(s, l, NULL, err);

    if (r == 0)
        errstr_set(err, "no protocol announcement: connection closed");
    if (r == 1)
        r = check_announcement(l, protocol, err) < 0 ? -1 : 1;
    attr_list_free(l);
    return r == 1 ? 0 : -1;
}

stream_t *attr_connect(const char *path, const char *protocol, int timeout_ms,
                       char **err)
{
    int fd = sock_connect_unix(path, timeout_ms, err);
    stream_t *s;
    char *why = NULL;

    if (fd < 0)
        return NULL;
    s = stream_open_fd(fd, STREAM_CLOSE_FD);
    stream_set_timeout(s, timeout_ms, timeout_ms);
    if (attr_expect_announce(s, protocol, &why) < 0) {
        errstr_set(err, "%s: %s", path, why);
        xfree(why);
        stream_close(s);
        return NULL;
    }
    return s;
}

int attr_request(stream_t *s, const attr_list_t *req, attr_list_t *resp,
                 const attr_limits_t *limits, char **err)
{
    int r;

    if (attr_send(s, req, err) < 0)
        return -1;
    r = attr_recv(s, resp, limits, err);
    if (r == 0)
        errstr_set(err, "attribute receive: connection closed before the response");
    return r == 1 ? 0 : -1;
}
