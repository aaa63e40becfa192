/* fd_relay.h - one two-way socket in front of two one-way descriptors
 * (a command's standard input and output), for code that needs a single
 * descriptor it can poll in both directions (stream_t polls its one
 * descriptor for input and for output; a pipe's read end never becomes
 * writable).
 *
 * fd_relay_start() makes a socket pair and forks a child that copies
 * in_fd -> socket and socket -> out_fd. End of in_fd becomes a
 * shutdown(SHUT_WR) of the socket (the caller reads end of input); the
 * child exits when the caller has closed its end and everything it wrote
 * went out to out_fd. The caller closes its descriptor, then calls
 * fd_relay_wait() so that its output is complete before it exits.
 *
 * Errors: fd_relay_start returns -1 with *err (socketpair or fork
 * failed). fd_relay_wait returns the child's status: 0, or 1 when out_fd
 * or the socket failed (the peer went away). */
#ifndef POSTERN_UTIL_FD_RELAY_H
#define POSTERN_UTIL_FD_RELAY_H

#include <sys/types.h>

/* Returns the caller's end of the socket, or -1. */
int fd_relay_start(int in_fd, int out_fd, pid_t *pid, char **err);
int fd_relay_wait(pid_t pid);

#endif
