/* server.c - server_main(): from the command line that master builds to
 * a daemon serving clients (see server.h for the conventions). Sets up
 * configuration, logging, descriptors and privileges, then hands over to
 * server_loop.c. Environment problems are fatal. */
#include "server/server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "config/config.h"
#include "server/privs.h"
#include "server/server_args.h"
#include "server/server_impl.h"
#include "util/msg.h"

static void load_configuration(const struct server_args *args)
{
    char *err = NULL;

    if (config_load(NULL, &err) < 0)
        msg_fatal("%s", err);
    /* Run-time parameters that master.cf -o values may refer to
     * ("-o syslog_name=postern/$service_name"). */
    config_set("service_name", args->service_name);
    config_set("process_name", msg_progname());
    for (int i = 0; i < args->override_count; i++)
        if (config_override(args->overrides[i]) < 0)
            msg_fatal("bad parameter override: %s", args->overrides[i]);
}

/* maillog_file when set, syslog otherwise; stderr too when stand-alone. */
static void open_log(const struct server_args *args)
{
    const char *file = cfg_str("maillog_file");
    int extra = args->stand_alone ? MSG_SINK_STDERR : 0;

    msg_set_syslog_name(cfg_str("syslog_name"));
    if (*file) {
        msg_set_sinks(extra);
        if (msg_open_file(file) < 0)
            msg_fatal("open maillog_file %s: %m", file);
    } else {
        msg_set_sinks(MSG_SINK_SYSLOG | extra);
    }
}

static bool is_listening_socket(int fd)
{
    int on = 0;
    socklen_t len = sizeof(on);

    return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on;
}

static void take_descriptors(struct server_state *s,
                             const struct server_args *args)
{
    if (fcntl(SERVER_STATUS_FD, F_GETFD) < 0)
        msg_fatal("status descriptor %d is not open: run from master, or use -S",
                  SERVER_STATUS_FD);
    s->status_fd = SERVER_STATUS_FD;
    if (fcntl(s->status_fd, F_SETFD, FD_CLOEXEC) < 0)
        msg_fatal("fcntl status descriptor: %m");
    s->listen_count = args->listen_count;
    for (int i = 0; i < s->listen_count; i++) {
        int fd = SERVER_LISTEN_FD + i;
        int flags = fcntl(fd, F_GETFL);

        if (flags < 0 || !is_listening_socket(fd))
            msg_fatal("descriptor %d is not a listening socket", fd);
        if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0
            || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
            msg_fatal("fcntl listening socket %d: %m", fd);
        s->listen_fds[i] = fd;
    }
}

static void drop_privileges(const struct server_args *args)
{
    const char *queue_dir = cfg_str("queue_directory");
    struct priv_user user;
    char *err = NULL;

    if (geteuid() != 0) {
        if (msg_verbose && (args->unprivileged || args->chroot))
            msg_info("not started as root: no chroot, no privilege change");
        return;
    }
    /* Keep the syslog connection across chroot (no /dev/log inside). */
    if (args->chroot && (msg_sinks() & MSG_SINK_SYSLOG))
        openlog(cfg_str("syslog_name"), LOG_PID | LOG_NDELAY, LOG_MAIL);
    if (args->unprivileged) {
        if (priv_lookup_user(cfg_str("mail_owner"), &user, &err) < 0)
            msg_fatal("mail_owner: %s", err);
        if (priv_drop(&user, args->chroot ? queue_dir : NULL, &err) < 0)
            msg_fatal("%s", err);
        priv_user_free(&user);
    } else if (args->chroot && priv_chroot(queue_dir, &err) < 0) {
        msg_fatal("%s", err);
    }
}

static void fill_context(struct server_state *s, const struct server_args *a)
{
    s->ctx.service_name = a->service_name;
    s->ctx.transport = a->transport;
    s->ctx.argc = a->rest_argc;
    s->ctx.argv = a->rest_argv;
    s->ctx.started_as_root = geteuid() == 0;
    s->ctx.stand_alone = a->stand_alone;
    s->max_use = cfg_int("max_use");
    s->max_idle = cfg_time("max_idle");
    s->daemon_timeout = cfg_time("daemon_timeout");
}

/* SINGLE needs service, TRIGGER needs trigger, EVENT exactly one. */
static bool callbacks_fit_kind(const struct server_callbacks *cb)
{
    switch (cb->kind) {
    case SERVER_SINGLE:
        return cb->service != NULL;
    case SERVER_TRIGGER:
        return cb->trigger != NULL;
    case SERVER_EVENT:
        return (cb->service != NULL) != (cb->trigger != NULL);
    }
    return false;
}

int server_main(int argc, char **argv, const struct server_callbacks *cb)
{
    struct server_state s;
    struct server_args args;
    char *err = NULL;

    memset(&s, 0, sizeof(s));
    s.cb = cb;
    s.status_fd = -1;
    msg_init(argv[0], MSG_SINK_STDERR);
    if (server_args_parse(argc, argv, &args, &err) < 0)
        msg_fatal("%s", err);
    msg_verbose += args.verbose;
    if (!callbacks_fit_kind(cb))
        msg_panic("server_main: callbacks do not fit the server kind");
    if (args.stand_alone && cb->kind == SERVER_EVENT)
        msg_fatal("stand-alone mode (-S) is not available for this service");
    load_configuration(&args);
    open_log(&args);
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        msg_fatal("signal SIGPIPE: %m");
    if (!args.stand_alone)
        take_descriptors(&s, &args);
    if (chdir(cfg_str("queue_directory")) < 0)
        msg_fatal("chdir %s: %m", cfg_str("queue_directory"));
    fill_context(&s, &args);
    if (cb->pre_init)
        cb->pre_init(&s.ctx);
    drop_privileges(&args);
    if (cb->post_init)
        cb->post_init(&s.ctx);
    if (args.stand_alone)
        server_serve_stdin(&s);
    else if (cb->kind == SERVER_EVENT)
        server_serve_events(&s);
    else
        server_serve(&s);
    if (cb->pre_exit)
        cb->pre_exit(&s.ctx);
    server_args_free(&args);
    return 0;
}
