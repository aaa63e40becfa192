/* sock_fdpass.c - pass one descriptor plus a small payload over a UNIX
 * stream socket (SCM_RIGHTS), see sock.h. Wire: 4-byte big-endian payload
 * length, then the payload; the descriptor travels with the first byte.
 * Errors are returned with errno; received descriptors never leak. */
#include "util/sock.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_all(int sock, const unsigned char *data, size_t len)
{
    ssize_t n;

    while (len > 0) {
        n = send(sock, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= (size_t) n;
    }
    return 0;
}

int sock_send_fd(int sock, int fd, const void *data, size_t len)
{
    unsigned char head[4];
    union {
        struct cmsghdr align;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    struct iovec iov = {.iov_base = head, .iov_len = sizeof(head)};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    struct cmsghdr *cm;
    ssize_t n;

    if (len == 0 || len > SOCK_FD_PAYLOAD_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    head[0] = (unsigned char) (len >> 24);
    head[1] = (unsigned char) (len >> 16);
    head[2] = (unsigned char) (len >> 8);
    head[3] = (unsigned char) len;
    if (fd >= 0) {
        memset(&control, 0, sizeof(control));
        msg.msg_control = control.space;
        msg.msg_controllen = sizeof(control.space);
        cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    }
    do
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (send_all(sock, head + n, sizeof(head) - (size_t) n) < 0)
        return -1;
    return send_all(sock, data, len);
}

static int wait_input(int sock, int64_t deadline)
{
    struct pollfd pfd = {.fd = sock, .events = POLLIN};
    int n;

    for (;;) {
        int64_t left = deadline < 0 ? -1 : deadline - mono_ms();
        if (deadline >= 0 && left < 0)
            left = 0;
        n = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int) left);
        if (n > 0)
            return 0;
        if (n == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (errno != EINTR)
            return -1;
    }
}

/* Takes the descriptors out of a received message: the first goes to
 * *fd (if *fd is still -1), every other one is closed. */
static void collect_fds(struct msghdr *msg, int *fd)
{
    struct cmsghdr *cm;

    for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
        size_t count, i;
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (i = 0; i < count; i++) {
            int got;
            memcpy(&got, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
            if (*fd < 0)
                *fd = got;
            else
                (void) close(got);
        }
    }
}

/* Reads exactly len bytes (descriptors collected on the way); returns
 * len, 0 when input ends before the first byte, -1 with errno. */
static ssize_t recv_exact(int sock, int *fd, unsigned char *data, size_t len,
                          int64_t deadline)
{
    union {
        struct cmsghdr align;
        char space[CMSG_SPACE(sizeof(int) * 4)];
    } control;
    size_t done = 0;
    ssize_t n;

    while (done < len) {
        struct iovec iov = {.iov_base = data + done, .iov_len = len - done};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                             .msg_control = control.space,
                             .msg_controllen = sizeof(control.space)};
        if (wait_input(sock, deadline) < 0)
            return -1;
        n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n < 0)
            return -1;
        collect_fds(&msg, fd);
        if (msg.msg_flags & MSG_CTRUNC) {
            errno = EPROTO;
            return -1;
        }
        if (n == 0) {
            if (done == 0)
                return 0;
            errno = EPROTO;
            return -1;
        }
        done += (size_t) n;
    }
    return (ssize_t) done;
}

static ssize_t fail_closing(int *fd, int err)
{
    if (*fd >= 0)
        (void) close(*fd);
    *fd = -1;
    errno = err;
    return -1;
}

ssize_t sock_recv_fd(int sock, int *fd, void *data, size_t max, int timeout_ms)
{
    int64_t deadline = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
    unsigned char head[4];
    size_t len;
    ssize_t n;

    *fd = -1;
    n = recv_exact(sock, fd, head, sizeof(head), deadline);
    if (n <= 0)
        return n < 0 ? fail_closing(fd, errno) : 0;
    len = (size_t) head[0] << 24 | (size_t) head[1] << 16
        | (size_t) head[2] << 8 | head[3];
    if (len > SOCK_FD_PAYLOAD_MAX)
        return fail_closing(fd, EPROTO);
    if (len == 0)
        return fail_closing(fd, EPROTO);
    if (len > max) {            /* drain it so the next message stays in step */
        unsigned char drain[SOCK_FD_PAYLOAD_MAX];
        int err = recv_exact(sock, fd, drain, len, deadline) == (ssize_t) len
            ? EMSGSIZE : EPROTO;
        return fail_closing(fd, err);
    }
    n = recv_exact(sock, fd, data, len, deadline);
    if (n < (ssize_t) len)
        return fail_closing(fd, n < 0 ? errno : EPROTO);
    return n;
}
