/* sock.h - sockets: listen and connect (inet and UNIX), accept with the
 * peer address as text, descriptor flags, and descriptor passing.
 *
 * Addresses are written "host:port", "[ipv6]:port", or just "port"
 * (all addresses). "*" or an empty host also means all addresses. Ports
 * may be service names ("smtp"), resolved with getaddrinfo.
 * Every descriptor returned is close-on-exec. Functions taking char **err
 * return -1 and store an allocated message there (free with xfree) when
 * they fail; they never log. */
#ifndef POSTERN_UTIL_SOCK_H
#define POSTERN_UTIL_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Splits "host:port", "[v6]:port", "port" into allocated host (NULL for
 * "all addresses") and port. A bare IPv6 address without brackets is
 * refused as ambiguous. */
int sock_split_hostport(const char *spec, char **host, char **port, char **err);

/* Listens on every address spec resolves to (with "all": one IPv6 and one
 * IPv4 socket). SO_REUSEADDR; IPv6 sockets are IPV6_V6ONLY. Stores up to
 * maxfds descriptors in fds and returns how many (>= 1), or -1. */
int sock_listen_inet(const char *spec, int backlog, int *fds, size_t maxfds,
                     char **err);
/* Listens on a UNIX stream socket at path. A stale socket file there is
 * removed first; any other kind of file is an error. The socket file gets
 * permissions mode (e.g. 0666, 0600); the umask is changed around bind(),
 * so call it before starting threads. */
int sock_listen_unix(const char *path, int backlog, mode_t mode, char **err);

/* Connect with a timeout in milliseconds (negative: the system's). The
 * returned descriptor is in blocking mode. */
int sock_connect_unix(const char *path, int timeout_ms, char **err);
/* Tries each address host resolves to, in order, until one connects; the
 * timeout covers the whole attempt. host may be an IPv6 literal without
 * brackets. */
int sock_connect_inet(const char *host, const char *port, int timeout_ms,
                      char **err);
int sock_connect_addr(const struct sockaddr *sa, socklen_t salen,
                      int timeout_ms, char **err);

/* Peer or local address as text. For inet: addr "192.0.2.1" or
 * "2001:db8::1" (IPv4-mapped IPv6 shown as IPv4), port "25". For UNIX
 * sockets: family AF_UNIX, addr the path or "" when unnamed, port "". */
typedef struct sock_peer {
    int family;
    char addr[108];
    char port[8];
} sock_peer_t;

int sock_addr_to_peer(const struct sockaddr *sa, socklen_t salen,
                      sock_peer_t *peer);
int sock_peer_of(int fd, sock_peer_t *peer);      /* getpeername */
int sock_local_of(int fd, sock_peer_t *peer);     /* getsockname */

/* Accepts one connection (close-on-exec, blocking mode). Returns the new
 * descriptor with the peer filled in (peer may be NULL), or -1 with errno
 * (EAGAIN on a non-blocking listener with no client, EINTR, EMFILE ...:
 * the caller decides what is worth logging). */
int sock_accept(int listen_fd, sock_peer_t *peer);

/* Return 0, or -1 with errno. */
int sock_set_nonblock(int fd, bool on);
int sock_set_cloexec(int fd, bool on);

/* Sends descriptor fd (or -1: none) over the UNIX stream socket sock,
 * with a payload of len bytes (1 <= len <= SOCK_FD_PAYLOAD_MAX) in the same
 * message. Blocks until sent (use a timeout on the receiving side).
 * Returns 0, or -1 with errno. */
#define SOCK_FD_PAYLOAD_MAX 4096
int sock_send_fd(int sock, int fd, const void *data, size_t len);
/* Receives one message sent by sock_send_fd: the payload into data (at
 * most max bytes) and the passed descriptor into *fd (-1 if the message
 * carried none; extra descriptors are closed). Waits at most timeout_ms
 * (negative: forever) for the whole message. Returns the payload length,
 * 0 at end of input before a message, or -1 with errno (ETIMEDOUT;
 * EMSGSIZE when the payload is larger than max (it is drained); EPROTO for a malformed or
 * truncated message); on -1 no descriptor is left open.
 * The message is framed (4-byte length, then the payload, the descriptor
 * riding on the first byte), for SOCK_STREAM UNIX sockets. */
ssize_t sock_recv_fd(int sock, int *fd, void *data, size_t max, int timeout_ms);

#endif
