/* trigger.c - connect to a UNIX socket, write a short request, close
 * (see trigger.h). Returns -1 with *err on failure. */
#include "util/trigger.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/sock.h"

int trigger_unix(const char *path, const void *data, size_t len, int timeout_ms,
                 char **err)
{
    int fd = sock_connect_unix(path, timeout_ms, err);
    ssize_t n;

    if (fd < 0)
        return -1;
    do {
        n = send(fd, data, len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t) len) {
        buf_t b = BUF_INIT;

        buf_printf(&b, "write to %s: %s", path, n < 0 ? strerror(errno) : "short write");
        *err = buf_detach(&b);
        (void) close(fd);
        return -1;
    }
    (void) close(fd);
    return 0;
}
