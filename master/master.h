/* master.h - state shared by the files of the master daemon.
 *
 * master owns one struct master_service per runnable master.cf entry: its
 * listening sockets, the status channel its children report on, its
 * children, and its timers (throttle after bad startups, wake-up). All
 * times are CLOCK_MONOTONIC seconds. */
#ifndef POSTERN_MASTER_MASTER_H
#define POSTERN_MASTER_MASTER_H

#include <stdbool.h>
#include <sys/types.h>

#include "server/server.h"
#include "server/services.h"

struct master_service;

struct master_child {
    pid_t pid;
    struct master_service *serv; /* NULL once retired (reload) */
    char *path;                  /* program, for log messages */
    bool avail;                  /* idle, waiting for a client */
    bool used;                   /* reported busy at least once */
    long started;                /* master_now() at fork */
    struct master_child *next;
};

struct master_service {
    char *key;                   /* "name/type" */
    char *name;                  /* master.cf service column */
    bool is_unix;
    char *listen_id;             /* what was bound, to compare on reload */
    char *unix_path;             /* relative to queue_directory, or NULL */
    int listen_fds[SERVER_MAX_LISTENERS];
    int listen_count;
    int status_fds[2];           /* [0] master's end, [1] children's end */
    char *path;
    char **argv;
    long maxproc;                /* 0 = no limit */
    int total;                   /* live children */
    int avail;                   /* of which idle */
    int bad_startups;            /* consecutive, for the back-off */
    long throttle_until;         /* 0 = not throttled */
    int wakeup;                  /* seconds; 0 = none */
    bool wakeup_if_used;
    long next_wakeup;            /* 0 = no wake-up scheduled */
    bool ever_spawned;
    long limit_warned;           /* when "reached its process limit" was logged */
    struct master_service *next;
};

/* Global state (master_main.c). */
extern struct master_service *master_services;
extern struct master_child *master_children;
extern const char *master_config_dir;
extern char *master_daemon_dir;

long master_now(void);
/* Removes the pid file; called on the way out. */
void master_cleanup(void);

/* master_listen.c: binds the listeners of one service definition. */
int master_listen(struct master_service *s, const struct service_def *d,
                  char **err);
void master_listen_close(struct master_service *s);

/* master_services.c: the running service list from master.cf. */
int master_services_start(char **err);  /* first load: bind errors fatal */
void master_services_reload(void);      /* SIGHUP */

/* master_spawn.c: children. */
void master_spawn(struct master_service *s);
void master_reap(bool quiet);
void master_retire_children(struct master_service *s);
void master_status_event(struct master_service *s);
int master_child_count(void);
void master_signal_children(int sig);

/* master_env.c: the children's environment (import_environment). */
extern char **master_env;
void master_env_build(void);

/* master_wakeup.c */
void master_wakeup_schedule(struct master_service *s, bool at_start);
void master_wakeup_run(struct master_service *s);

/* master_sweep.c: stale writer temporary files (at start, then hourly). */
#define MASTER_SWEEP_INTERVAL 3600
void master_sweep_temp(void);

/* master_loop.c */
void master_signals_init(void);
void master_loop(void) __attribute__((noreturn));

#endif
