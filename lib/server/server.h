/* server.h - the one server skeleton every Postern daemon runs on.
 *
 * A daemon's main() fills a struct server_callbacks and calls
 * server_main(argc, argv, &cb). The skeleton parses the command line that
 * master(8) builds from master.cf, reads main.cf, opens the log, runs
 * pre_init while still privileged, chroots and drops privileges when told
 * to, runs post_init, then serves clients and exits after max_use clients,
 * after max_idle idle seconds, when master goes away, or when a watched
 * file changed. No daemon writes its own accept loop.
 *
 * Descriptor conventions (set up by master before exec):
 *   SERVER_STATUS_FD (3)  status channel to master (AF_UNIX SOCK_SEQPACKET,
 *                         shared by all children of one service); the child
 *                         sends a struct server_status per state change
 *                         ("busy" when it took a client, "idle" after).
 *                         End of file on it means master went away or the
 *                         service was reloaded: the child finishes its
 *                         client and exits.
 *   SERVER_LISTEN_FD (4)  the first listening socket; a service with
 *                         several listeners (an inet service on several
 *                         inet_interfaces addresses) gets "-s N" and its
 *                         sockets on 4 .. 4+N-1.
 *
 * Command-line flags (as master passes them; Postfix's meanings):
 *   -n name     service name (master.cf column 1)
 *   -t type     service type ("inet", "unix")
 *   -o n=v      main.cf parameter override (repeatable)
 *   -u          unprivileged: when started as root, run as mail_owner
 *   -c          chroot into queue_directory (only when started as root)
 *   -s N        number of listening sockets (default 1)
 *   -S          stand-alone: serve one client on stdin, no master (stdin
 *               must be readable and writable: a socket, as inetd gives)
 *   -v          more verbose logging (repeatable)
 * Arguments after the flags are handed to the daemon in ctx->argv.
 * The configuration directory comes from $MAIL_CONFIG (master exports it).
 *
 * Failure: a broken environment (bad flag, unreadable main.cf, unknown
 * mail_owner, failed chroot or privilege drop) is fatal. */
#ifndef POSTERN_SERVER_SERVER_H
#define POSTERN_SERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#define SERVER_STATUS_FD 3
#define SERVER_LISTEN_FD 4
#define SERVER_MAX_LISTENERS 64

typedef enum {
    SERVER_SINGLE,  /* one client connection at a time: cb->service(fd) */
    SERVER_TRIGGER, /* short wake-up requests: cb->trigger(data, len) */
    SERVER_EVENT,   /* the skeleton runs the event loop of util/events.h:
                     * the daemon may register its own descriptors and
                     * timers and is never blocked waiting for a client.
                     * With cb->trigger: wake-up requests (qmgr). With
                     * cb->service: many clients at once; service(fd) gets
                     * a non-blocking client, registers it and must not
                     * block; server_disconnect(fd) ends the client. Set
                     * exactly one of the two. */
} server_kind_t;

struct server_context {
    const char *service_name;   /* -n; "" in stand-alone mode */
    const char *transport;      /* -t; "" in stand-alone mode */
    int argc;                   /* arguments after the flags */
    char **argv;                /* NULL-terminated */
    bool started_as_root;
    bool stand_alone;
};

struct server_callbacks {
    server_kind_t kind;
    /* Before chroot and privilege drop: open files only root can open. */
    void (*pre_init)(const struct server_context *ctx);
    /* After chroot and privilege drop, before the first client. */
    void (*post_init)(const struct server_context *ctx);
    /* SERVER_SINGLE: one client. The skeleton closes fd afterwards (dup it
     * to keep it). SERVER_EVENT: a new client; must not block. */
    void (*service)(int fd, const struct server_context *ctx);
    /* SERVER_TRIGGER (and SERVER_EVENT without service): the bytes of
     * one wake-up request (at most 1024). */
    void (*trigger)(const char *data, size_t len,
                    const struct server_context *ctx);
    /* Called before every wait for a client (after each client, wake-up
     * or previous loop timeout): periodic work such as a queue scan.
     * Returns the longest time in milliseconds to wait before it is
     * called again (-1: no limit). It may call server_retire(). */
    int (*loop)(const struct server_context *ctx);
    /* Just before a voluntary exit. */
    void (*pre_exit)(const struct server_context *ctx);
    /* Long-running service (qmgr): ignore max_idle and max_use. */
    bool no_idle_exit;
    /* Optional: true when what the process loaded (a lookup table) changed
     * on disk. SERVER_SINGLE and SERVER_TRIGGER ask it when a client is
     * waiting, before accepting it, and after each client, like the
     * watched paths: the process then exits without taking the client,
     * and master starts a fresh one that serves it with the new table
     * (so the first message after postmap/newaliases sees the change). */
    bool (*stale)(const struct server_context *ctx);
};

/* Runs the daemon; returns the exit status for main() to return. */
int server_main(int argc, char **argv, const struct server_callbacks *cb);

/* SERVER_EVENT: the client on fd is done; removes its event callbacks and
 * closes it. The process retires, when due, once its last client is gone. */
void server_disconnect(int fd);

/* Asks the skeleton to exit after the current client (e.g. a lookup table
 * changed on disk). Safe to call from the service callback. */
void server_retire(void);
/* Retire when path changes (inode, size or mtime differ from now); checked
 * before accepting a client and after every client. Call in pre_init/post_init; a missing path is
 * remembered as missing and its appearance counts as a change. */
void server_watch_path(const char *path);
bool server_watched_paths_changed(void);
bool server_retire_requested(void);

#endif
