/* server_impl.h - state shared by the files of the server skeleton
 * (server.c sets it up, server_loop.c serves). Not for daemons. */
#ifndef POSTERN_SERVER_SERVER_IMPL_H
#define POSTERN_SERVER_SERVER_IMPL_H

#include <stdbool.h>

#include "server/server.h"

struct server_state {
    const struct server_callbacks *cb;
    struct server_context ctx;
    int listen_fds[SERVER_MAX_LISTENERS];
    int listen_count;
    int status_fd;          /* -1 in stand-alone mode */
    long max_use;           /* 0: unlimited */
    long max_idle;          /* seconds; 0: unlimited */
    long daemon_timeout;    /* seconds per client; 0: none */
    long use_count;
};

/* Serves until it is time to exit (max_use, max_idle, master gone,
 * retirement). */
void server_serve(struct server_state *s);
/* Reads one wake-up request (until end of file, a full buffer or a
 * bounded wait); returns its length. */
size_t server_read_trigger(int fd, char *buf, size_t size);
/* Stand-alone: one client on stdin/stdout. */
void server_serve_stdin(struct server_state *s);
/* SERVER_EVENT: the event loop, wake-up requests or many clients at once
 * (server_events.c). */
void server_serve_events(struct server_state *s);

/* Shared by both loops (server_loop.c). */
void server_report(struct server_state *s, int state);     /* busy/idle */
/* Reads the status channel after poll() said it is ready (revents, or 0
 * to just try): end of file means master is gone. */
void server_check_master(struct server_state *s, int revents);
bool server_master_is_gone(void);
/* max_use reached, retirement asked, watched file changed, master gone. */
bool server_time_to_retire(struct server_state *s);

#endif
