/* server_status.h - the status channel between master and its children.
 *
 * Each service has one AF_UNIX SOCK_SEQPACKET socket pair: master keeps
 * one end, every child of the service gets the other end on
 * SERVER_STATUS_FD. A child sends one fixed-size record per state change;
 * seqpacket keeps records from different children apart. Master reading
 * end of file never happens (it holds the child end too); a child reading
 * end of file knows master closed its end (exit or reload).
 *
 * Failure: send returns -1 with errno (EPIPE when master is gone);
 * receive returns 0 when nothing (more) is queued, -1 on error. */
#ifndef POSTERN_SERVER_SERVER_STATUS_H
#define POSTERN_SERVER_SERVER_STATUS_H

#include <stdint.h>
#include <sys/types.h>

#define SERVER_STATUS_BUSY 0
#define SERVER_STATUS_IDLE 1

struct server_status {
    int32_t pid;
    int32_t state;  /* SERVER_STATUS_BUSY or SERVER_STATUS_IDLE */
};

/* Creates the pair (both ends close-on-exec): ends[0] for master,
 * ends[1] for children. */
int server_status_pair(int ends[2]);
int server_status_send(int fd, int state);
/* Non-blocking read of one record; 1 = got one, 0 = none/EOF, -1 error.
 * A record of the wrong size is skipped and reported as -1. */
int server_status_receive(int fd, struct server_status *out);

#endif
