/* server_status.c - status records from children to master (see
 * server_status.h). */
#include "server/server_status.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

int server_status_pair(int ends[2])
{
    return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends);
}

int server_status_send(int fd, int state)
{
    struct server_status st = {(int32_t) getpid(), (int32_t) state};
    ssize_t n;

    do
        n = send(fd, &st, sizeof(st), MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if ((size_t) n != sizeof(st)) {
        errno = EMSGSIZE;
        return -1;
    }
    return 0;
}

int server_status_receive(int fd, struct server_status *out)
{
    ssize_t n;

    do
        n = recv(fd, out, sizeof(*out), MSG_DONTWAIT | MSG_TRUNC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    if (n == 0)
        return 0;
    if ((size_t) n != sizeof(*out)) {
        errno = EPROTO;
        return -1;
    }
    return 1;
}
