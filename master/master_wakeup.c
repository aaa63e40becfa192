/* master_wakeup.c - wake-up timers of master.cf's wakeup column: every N
 * seconds master connects to the service's UNIX socket and writes a
 * one-byte "W" request (which starts a child if none runs). A service
 * with a plain N is woken at once at start, then every N seconds; with
 * "N?" only from its first use on. Failures are logged and retried at
 * the next period; master never waits for the service. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "master.h"
#include "util/msg.h"

#define WAKEUP_REQUEST "W"

void master_wakeup_schedule(struct master_service *s, bool at_start)
{
    if (s->wakeup <= 0 || !s->is_unix)
        return;
    if (at_start)
        s->next_wakeup = s->wakeup_if_used ? 0 : master_now();
    else if (s->next_wakeup == 0)
        s->next_wakeup = master_now() + s->wakeup;
}

static int send_request(const char *path)
{
    struct sockaddr_un sun;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int rc = -1;

    if (fd < 0)
        return -1;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) < sizeof(sun.sun_path)) {
        strcpy(sun.sun_path, path);
        if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) == 0
            && send(fd, WAKEUP_REQUEST, 1, MSG_NOSIGNAL) == 1)
            rc = 0;
    } else {
        errno = ENAMETOOLONG;
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

void master_wakeup_run(struct master_service *s)
{
    if (send_request(s->unix_path) < 0)
        msg_warn("wakeup %s: %m", s->unix_path);
    else if (msg_verbose)
        msg_info("wakeup %s", s->unix_path);
    s->next_wakeup = master_now() + s->wakeup;
}
