/* master_listen.c - bind the listening sockets of a service.
 *
 * inet: the service column is "port", "host:port" or "[host]:port"; the
 * port may be a name from /etc/services. Without a host, one socket per
 * inet_interfaces address ("all" = wildcard, "loopback-only" = 127.0.0.1
 * and ::1), limited by inet_protocols. unix: a socket under
 * queue_directory (master's working directory), private/NAME (mode 0600,
 * owned by mail_owner when master runs as root) or public/NAME (0666).
 * Every socket is close-on-exec; children get copies on fixed
 * descriptors. Errors: -1 with an allocated message naming the address. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config/config.h"
#include "master.h"
#include "server/privs.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#define LISTEN_BACKLOG 100

static int fail(char **err, const char *fmt, const char *a, const char *b)
{
    buf_t out = BUF_INIT;

    buf_printf(&out, fmt, a, b);
    *err = buf_detach(&out);
    buf_dispose(&out);
    return -1;
}

static int add_fd(struct master_service *s, int fd, char **err)
{
    if (s->listen_count >= SERVER_MAX_LISTENERS) {
        close(fd);
        return fail(err, "%s: too many listening addresses%s", s->key, "");
    }
    s->listen_fds[s->listen_count++] = fd;
    return 0;
}

static int bind_one(struct master_service *s, const struct addrinfo *ai,
                    const char *host, const char *port, char **err)
{
    int on = 1;
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    char what[300];

    snprintf(what, sizeof(what), "%s port %s", host ? host : (ai->ai_family
             == AF_INET6 ? "[::]" : "0.0.0.0"), port);
    if (fd < 0) {
        if (host == NULL && errno == EAFNOSUPPORT)
            return 0;   /* no IPv6 (or IPv4) on this host: skip wildcard */
        return fail(err, "socket for %s: %s", what, strerror(errno));
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0
        || (ai->ai_family == AF_INET6
            && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0)
        || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0
        || listen(fd, LISTEN_BACKLOG) < 0) {
        int saved = errno;
        close(fd);
        return fail(err, "bind %s: %s", what, strerror(saved));
    }
    return add_fd(s, fd, err);
}

static int inet_family(void)
{
    char **protos = cfg_list("inet_protocols");
    bool v4 = false, v6 = false;

    for (size_t i = 0; protos[i]; i++) {
        if (strcmp(protos[i], "all") == 0)
            v4 = v6 = true;
        else if (strcmp(protos[i], "ipv4") == 0)
            v4 = true;
        else if (strcmp(protos[i], "ipv6") == 0)
            v6 = true;
    }
    cfg_list_free(protos);
    if (v4 && !v6)
        return AF_INET;
    if (v6 && !v4)
        return AF_INET6;
    return AF_UNSPEC;
}

static int bind_host(struct master_service *s, const char *host,
                     const char *port, char **err)
{
    struct addrinfo hints, *res, *ai;
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = inet_family();
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0)
        return fail(err, "%s: %s", host ? host : port, gai_strerror(rc));
    for (ai = res; ai; ai = ai->ai_next)
        if (bind_one(s, ai, host, port, err) < 0) {
            freeaddrinfo(res);
            return -1;
        }
    freeaddrinfo(res);
    return 0;
}

/* Splits "host:port" / "[host]:port" / "port" in place. */
static void split_host_port(char *text, char **host, char **port)
{
    char *colon;

    *host = NULL;
    *port = text;
    if (text[0] == '[' && (colon = strstr(text, "]:")) != NULL) {
        *colon = '\0';
        *host = text + 1;
        *port = colon + 2;
    } else if ((colon = strrchr(text, ':')) != NULL) {
        *colon = '\0';
        *host = text;
        *port = colon + 1;
    }
}

/* 127.0.0.1 and ::1 as inet_protocols allow; ::1 is optional when both
 * families are enabled (a host without IPv6). */
static int bind_loopback(struct master_service *s, const char *port,
                         char **err)
{
    int family = inet_family();
    char *v6_err = NULL;

    if (family != AF_INET6 && bind_host(s, "127.0.0.1", port, err) < 0)
        return -1;
    if (family == AF_INET)
        return 0;
    if (bind_host(s, "::1", port, &v6_err) == 0)
        return 0;
    if (family == AF_INET6) {
        *err = v6_err;
        return -1;
    }
    msg_warn("%s", v6_err);
    xfree(v6_err);
    return 0;
}

static int bind_interfaces(struct master_service *s, const char *port,
                           char **err)
{
    char **ifaces = cfg_list("inet_interfaces");
    int rc = 0;

    for (size_t i = 0; ifaces[i] && rc == 0; i++) {
        if (strcmp(ifaces[i], "all") == 0)
            rc = bind_host(s, NULL, port, err);
        else if (strcmp(ifaces[i], "loopback-only") == 0)
            rc = bind_loopback(s, port, err);
        else
            rc = bind_host(s, ifaces[i], port, err);
    }
    cfg_list_free(ifaces);
    return rc;
}

static int listen_inet(struct master_service *s, const char *service, char **err)
{
    char *text = xstrdup(service);
    char *host, *port;
    int rc;

    split_host_port(text, &host, &port);
    if (host && (*host == '\0' || strcmp(host, "*") == 0))
        host = NULL;
    if (host)
        rc = bind_host(s, host, port, err);
    else
        rc = bind_interfaces(s, port, err);
    if (rc == 0 && s->listen_count == 0)
        rc = fail(err, "%s: no address to listen on%s", s->key, "");
    xfree(text);
    return rc;
}

/* Private sockets belong to mail_owner when master runs as root. */
static int set_unix_owner(const char *path, bool is_private, char **err)
{
    struct priv_user u;

    if (chmod(path, is_private ? 0600 : 0666) < 0)
        return fail(err, "chmod %s: %s", path, strerror(errno));
    if (!is_private || geteuid() != 0)
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
    struct sockaddr_un sun;
    int fd;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(s->unix_path) >= sizeof(sun.sun_path))
        return fail(err, "socket path too long: %s%s", s->unix_path, "");
    strcpy(sun.sun_path, s->unix_path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(err, "socket: %s%s", strerror(errno), "");
    /* Only one master runs per queue (pid file lock): a socket left here
     * is stale. */
    if ((unlink(s->unix_path) < 0 && errno != ENOENT)
        || bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0
        || listen(fd, LISTEN_BACKLOG) < 0) {
        int saved = errno;
        close(fd);
        return fail(err, "bind %s: %s", s->unix_path, strerror(saved));
    }
    if (set_unix_owner(s->unix_path, is_private, err) < 0) {
        close(fd);
        return -1;
    }
    return add_fd(s, fd, err);
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
