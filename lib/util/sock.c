/* sock.c - socket addresses, listening, connecting with a timeout,
 * accepting, descriptor flags (see sock.h). Descriptor passing is in
 * sock_fdpass.c. Failures are returned to the caller, never logged. */
#include "util/sock.h"
#include "util/errstr.h"
#include "util/mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* --- address text -------------------------------------------------------- */

int sock_split_hostport(const char *spec, char **host, char **port, char **err)
{
    const char *colon, *close;

    *host = *port = NULL;
    if (spec[0] == '[') {
        close = strchr(spec, ']');
        if (close == NULL || close[1] != ':' || close[2] == '\0') {
            errstr_set(err, "bad address \"%s\": expected [host]:port", spec);
            return -1;
        }
        *host = xstrndup(spec + 1, (size_t) (close - spec - 1));
        *port = xstrdup(close + 2);
        return 0;
    }
    colon = strrchr(spec, ':');
    if (colon == NULL) {
        *port = xstrdup(spec);
    } else if (strchr(spec, ':') != colon) {
        errstr_set(err, "bad address \"%s\": put an IPv6 address in brackets", spec);
        return -1;
    } else {
        if (colon > spec && !(colon - spec == 1 && spec[0] == '*'))
            *host = xstrndup(spec, (size_t) (colon - spec));
        *port = xstrdup(colon + 1);
    }
    if (**port == '\0') {
        errstr_set(err, "bad address \"%s\": no port", spec);
        xfree(*host);
        xfree(*port);
        *host = *port = NULL;
        return -1;
    }
    return 0;
}

int sock_addr_to_peer(const struct sockaddr *sa, socklen_t salen, sock_peer_t *peer)
{
    memset(peer, 0, sizeof(*peer));
    peer->family = sa->sa_family;
    if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) sa;
        inet_ntop(AF_INET, &sin->sin_addr, peer->addr, sizeof(peer->addr));
        snprintf(peer->port, sizeof(peer->port), "%u", ntohs(sin->sin_port));
        return 0;
    }
    if (sa->sa_family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) sa;
        if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            peer->family = AF_INET;
            inet_ntop(AF_INET, &sin6->sin6_addr.s6_addr[12], peer->addr,
                      sizeof(peer->addr));
        } else {
            inet_ntop(AF_INET6, &sin6->sin6_addr, peer->addr, sizeof(peer->addr));
        }
        snprintf(peer->port, sizeof(peer->port), "%u", ntohs(sin6->sin6_port));
        return 0;
    }
    if (sa->sa_family == AF_UNIX) {
        const struct sockaddr_un *sun = (const struct sockaddr_un *) sa;
        size_t off = offsetof(struct sockaddr_un, sun_path);
        if (salen > off && sun->sun_path[0] != '\0') {
            size_t n = strnlen(sun->sun_path, (size_t) salen - off);
            if (n >= sizeof(peer->addr))
                n = sizeof(peer->addr) - 1;
            memcpy(peer->addr, sun->sun_path, n);
        }
        return 0;
    }
    errno = EAFNOSUPPORT;
    return -1;
}

int sock_peer_of(int fd, sock_peer_t *peer)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getpeername(fd, (struct sockaddr *) &ss, &len) < 0)
        return -1;
    return sock_addr_to_peer((struct sockaddr *) &ss, len, peer);
}

int sock_local_of(int fd, sock_peer_t *peer)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0)
        return -1;
    return sock_addr_to_peer((struct sockaddr *) &ss, len, peer);
}

/* --- flags --------------------------------------------------------------- */

static int set_flag(int fd, int get, int set, int flag, bool on)
{
    int flags = fcntl(fd, get);

    if (flags < 0)
        return -1;
    flags = on ? flags | flag : flags & ~flag;
    return fcntl(fd, set, flags) < 0 ? -1 : 0;
}

int sock_set_nonblock(int fd, bool on)
{
    return set_flag(fd, F_GETFL, F_SETFL, O_NONBLOCK, on);
}

int sock_set_cloexec(int fd, bool on)
{
    return set_flag(fd, F_GETFD, F_SETFD, FD_CLOEXEC, on);
}

/* --- listening ----------------------------------------------------------- */

static int listen_one(const struct addrinfo *ai, int backlog, const char *spec,
                      char **err)
{
    int fd, on = 1;
    sock_peer_t where;

    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        errstr_set(err, "socket for %s: %s", spec, strerror(errno));
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0
        || (ai->ai_family == AF_INET6
            && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0)
        || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0
        || listen(fd, backlog) < 0) {
        int saved = errno;
        if (sock_addr_to_peer(ai->ai_addr, ai->ai_addrlen, &where) < 0)
            strcpy(where.addr, "?");
        errstr_set(err, "listen on %s (%s port %s): %s", spec, where.addr,
                   where.port, strerror(saved));
        (void) close(fd);
        return -1;
    }
    return fd;
}

int sock_listen_inet(const char *spec, int backlog, int *fds, size_t maxfds,
                     char **err)
{
    struct addrinfo hints, *res, *ai;
    char *host, *port;
    int n = 0, fd, gai;
    bool failed = false;

    if (sock_split_hostport(spec, &host, &port, err) < 0)
        return -1;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0) {
        errstr_set(err, "listen on %s: %s", spec, gai_strerror(gai));
        xfree(host);
        xfree(port);
        return -1;
    }
    for (ai = res; ai != NULL && (size_t) n < maxfds; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
            continue;
        fd = listen_one(ai, backlog, spec, err);
        if (fd < 0 && host == NULL && ai->ai_family == AF_INET6 && errno == EAFNOSUPPORT) {
            if (err != NULL) {
                xfree(*err);
                *err = NULL;
            }
            continue;           /* wildcard on a host without IPv6 */
        }
        if (fd < 0) {
            while (n > 0)
                (void) close(fds[--n]);
            failed = true;
            break;
        }
        fds[n++] = fd;
    }
    if (n == 0 && !failed)
        errstr_set(err, "listen on %s: no usable address", spec);
    freeaddrinfo(res);
    xfree(host);
    xfree(port);
    return n > 0 ? n : -1;
}

static int fill_unix_addr(struct sockaddr_un *sun, const char *path, char **err)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path)) {
        errstr_set(err, "socket path too long: %s", path);
        return -1;
    }
    strcpy(sun->sun_path, path);
    return 0;
}

int sock_listen_unix(const char *path, int backlog, mode_t mode, char **err)
{
    struct sockaddr_un sun;
    struct stat st;
    mode_t old_umask;
    int fd, rc;

    if (fill_unix_addr(&sun, path, err) < 0)
        return -1;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            errstr_set(err, "%s exists and is not a socket", path);
            return -1;
        }
        if (unlink(path) < 0) {
            errstr_set(err, "remove stale socket %s: %s", path, strerror(errno));
            return -1;
        }
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        errstr_set(err, "socket: %s", strerror(errno));
        return -1;
    }
    old_umask = umask(0777 & ~mode);
    rc = bind(fd, (struct sockaddr *) &sun, sizeof(sun));
    (void) umask(old_umask);
    if (rc < 0 || chmod(path, mode) < 0 || listen(fd, backlog) < 0) {
        errstr_set(err, "listen on %s: %s", path, strerror(errno));
        (void) close(fd);
        return -1;
    }
    return fd;
}

/* --- connecting ---------------------------------------------------------- */

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for a non-blocking connect to finish; 0 or -1 with errno. */
static int finish_connect(int fd, int64_t deadline)
{
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    int n, soerr;
    socklen_t len = sizeof(soerr);

    for (;;) {
        int64_t left = deadline < 0 ? -1 : deadline - mono_ms();
        if (deadline >= 0 && left < 0)
            left = 0;
        n = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int) left);
        if (n > 0)
            break;
        if (n == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (errno != EINTR)
            return -1;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
        return -1;
    if (soerr != 0) {
        errno = soerr;
        return -1;
    }
    return 0;
}

static int connect_deadline(const struct sockaddr *sa, socklen_t salen,
                            int64_t deadline)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int saved;

    if (fd < 0)
        return -1;
    if (connect(fd, sa, salen) < 0
        && (errno != EINPROGRESS || finish_connect(fd, deadline) < 0)) {
        saved = errno;
        (void) close(fd);
        errno = saved == EAGAIN ? ETIMEDOUT : saved;
        return -1;
    }
    if (sock_set_nonblock(fd, false) < 0) {
        saved = errno;
        (void) close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int sock_connect_addr(const struct sockaddr *sa, socklen_t salen,
                      int timeout_ms, char **err)
{
    int fd = connect_deadline(sa, salen, timeout_ms < 0 ? -1 : mono_ms() + timeout_ms);
    sock_peer_t where;

    if (fd < 0) {
        int saved = errno;
        if (sock_addr_to_peer(sa, salen, &where) < 0)
            strcpy(where.addr, "?");
        errstr_set(err, "connect to %s%s%s: %s", where.addr,
                   where.port[0] ? " port " : "", where.port, strerror(saved));
        errno = saved;
    }
    return fd;
}

int sock_connect_unix(const char *path, int timeout_ms, char **err)
{
    struct sockaddr_un sun;
    struct timeval tv = {0, 0};
    int fd, saved;

    if (fill_unix_addr(&sun, path, err) < 0)
        return -1;
    /* A UNIX connect waits only while the listener's backlog is full, and
     * a blocking connect honours SO_SNDTIMEO for that wait. */
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        errstr_set(err, "socket: %s", strerror(errno));
        return -1;
    }
    if (timeout_ms >= 0) {
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
        if (tv.tv_sec == 0 && tv.tv_usec == 0)
            tv.tv_usec = 1000;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0
        || connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
        saved = errno == EAGAIN || errno == EINPROGRESS ? ETIMEDOUT : errno;
        errstr_set(err, "connect to %s: %s", path, strerror(saved));
        (void) close(fd);
        errno = saved;
        return -1;
    }
    tv.tv_sec = tv.tv_usec = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
        saved = errno;
        errstr_set(err, "setsockopt %s: %s", path, strerror(saved));
        (void) close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int sock_connect_inet(const char *host, const char *port, int timeout_ms,
                      char **err)
{
    struct addrinfo hints, *res, *ai;
    int64_t deadline = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
    int fd = -1, gai, last = ECONNREFUSED;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0) {
        errstr_set(err, "connect to %s port %s: %s", host, port, gai_strerror(gai));
        errno = EHOSTUNREACH;
        return -1;
    }
    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        if (deadline >= 0 && mono_ms() >= deadline) {
            last = ETIMEDOUT;
            break;
        }
        fd = connect_deadline(ai->ai_addr, ai->ai_addrlen, deadline);
        if (fd < 0)
            last = errno;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        errstr_set(err, "connect to %s port %s: %s", host, port, strerror(last));
        errno = last;
    }
    return fd;
}

/* --- accepting ----------------------------------------------------------- */

int sock_accept(int listen_fd, sock_peer_t *peer)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int fd = accept4(listen_fd, (struct sockaddr *) &ss, &len, SOCK_CLOEXEC);

    if (fd < 0)
        return -1;
    if (peer != NULL && sock_addr_to_peer((struct sockaddr *) &ss, len, peer) < 0) {
        memset(peer, 0, sizeof(*peer));
        peer->family = ss.ss_family;
    }
    return fd;
}
