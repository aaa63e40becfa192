/* master_listen.c - bind the listening sockets of a service (with
 * lib/util/sock).
 *
 * inet: the service column is "port", "host:port" or "[host]:port"; the
 * port may be a name from /etc/services. Without a host, one listener
 * per inet_interfaces entry ("all" = the wildcard addresses,
 * "loopback-only" = 127.0.0.1 and ::1), limited to the families of
 * inet_protocols. unix: a socket under queue_directory (master's working
 * directory), private/NAME (mode 0600, owned by mail_owner when master
 * runs as root) or public/NAME (0666).
 * Every socket is close-on-exec; children get copies on fixed
 * descriptors. Errors: -1 with an allocated message naming the address. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "master.h"
#include "server/privs.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/sock.h"

#define LISTEN_BACKLOG 100

static int fail(char **err, const char *fmt, const char *a, const char *b)
{
    buf_t out = BUF_INIT;

    buf_printf(&out, fmt, a, b);
    *err = buf_detach(&out);
    buf_dispose(&out);
    return -1;
}

/* Listens on "spec" (sock.h syntax) and adds the sockets to s. */
static int listen_spec(struct master_service *s, const char *spec, char **err)
{
    int room = SERVER_MAX_LISTENERS - s->listen_count;
    int n;

    if (room <= 0)
        return fail(err, "%s: too many listening addresses%s", s->key, "");
    n = sock_listen_inet(spec, LISTEN_BACKLOG, s->listen_fds + s->listen_count,
                         (size_t) room, err);
    if (n < 0)
        return -1;
    s->listen_count += n;
    return 0;
}

static int listen_host_port(struct master_service *s, const char *host,
                            const char *port, char **err)
{
    buf_t spec = BUF_INIT;
    int rc;

    if (strchr(host, ':'))
        buf_printf(&spec, "[%s]:%s", host, port);
    else
        buf_printf(&spec, "%s:%s", host, port);
    rc = listen_spec(s, buf_str(&spec), err);
    buf_dispose(&spec);
    return rc;
}

/* inet_protocols: which address families to listen on. */
static void families(bool *v4, bool *v6)
{
    char **protos = cfg_list("inet_protocols");

    *v4 = *v6 = false;
    for (size_t i = 0; protos[i]; i++) {
        if (strcmp(protos[i], "all") == 0)
            *v4 = *v6 = true;
        else if (strcmp(protos[i], "ipv4") == 0)
            *v4 = true;
        else if (strcmp(protos[i], "ipv6") == 0)
            *v6 = true;
    }
    cfg_list_free(protos);
    if (!*v4 && !*v6)
        *v4 = *v6 = true;
}

/* The wildcard or loopback pair, as the families allow; an IPv6 address
 * is optional when both families are on (a host without IPv6). */
static int listen_pair(struct master_service *s, const char *addr4,
                       const char *addr6, const char *port, char **err)
{
    char *v6_err = NULL;
    bool v4, v6;

    families(&v4, &v6);
    if (v4 && listen_host_port(s, addr4, port, err) < 0)
        return -1;
    if (!v6 || listen_host_port(s, addr6, port, &v6_err) == 0)
        return 0;
    if (!v4) {
        *err = v6_err;
        return -1;
    }
    msg_warn("%s -- listening on IPv4 only", v6_err);
    xfree(v6_err);
    return 0;
}

static int listen_interfaces(struct master_service *s, const char *port,
                             char **err)
{
    char **ifaces = cfg_list("inet_interfaces");
    int rc = 0;

    for (size_t i = 0; ifaces[i] && rc == 0; i++) {
        if (strcmp(ifaces[i], "all") == 0)
            rc = listen_pair(s, "0.0.0.0", "::", port, err);
        else if (strcmp(ifaces[i], "loopback-only") == 0)
            rc = listen_pair(s, "127.0.0.1", "::1", port, err);
        else
            rc = listen_host_port(s, ifaces[i], port, err);
    }
    cfg_list_free(ifaces);
    return rc;
}

static int listen_inet(struct master_service *s, const char *service, char **err)
{
    char *host = NULL, *port = NULL;
    int rc;

    if (sock_split_hostport(service, &host, &port, err) < 0)
        return -1;
    if (host)
        rc = listen_host_port(s, host, port, err);
    else
        rc = listen_interfaces(s, port, err);
    if (rc == 0 && s->listen_count == 0)
        rc = fail(err, "%s: no address to listen on%s", s->key, "");
    xfree(host);
    xfree(port);
    return rc;
}

/* Private sockets belong to mail_owner when master runs as root. */
static int set_unix_owner(const char *path, char **err)
{
    struct priv_user u;

    if (geteuid() != 0)
        return 0;
    if (priv_lookup_user(cfg_str("mail_owner"), &u, err) < 0)
        return -1;
    if (chown(path, u.uid, u.gid) < 0) {
        priv_user_free(&u);
        return fail(err, "chown %s: %s", path, strerror(errno));
    }
    priv_user_free(&u);
    return 0;
}

static int listen_unix(struct master_service *s, bool is_private, char **err)
{
    /* Only one master runs per queue (pid file lock), so a socket file
     * left at the path is stale and sock_listen_unix replaces it. */
    int fd = sock_listen_unix(s->unix_path, LISTEN_BACKLOG,
                              is_private ? 0600 : 0666, err);

    if (fd < 0)
        return -1;
    s->listen_fds[s->listen_count++] = fd;
    if (is_private && set_unix_owner(s->unix_path, err) < 0)
        return -1;
    return 0;
}

int master_listen(struct master_service *s, const struct service_def *d,
                  char **err)
{
    const master_entry_t *e = d->entry;
    int rc;

    if (e->type == MASTER_UNIX)
        rc = listen_unix(s, e->is_private, err);
    else
        rc = listen_inet(s, e->service, err);
    if (rc < 0)
        master_listen_close(s);
    return rc;
}

void master_listen_close(struct master_service *s)
{
    for (int i = 0; i < s->listen_count; i++)
        if (close(s->listen_fds[i]) < 0)
            msg_warn("close listener of %s: %m", s->key);
    s->listen_count = 0;
}
