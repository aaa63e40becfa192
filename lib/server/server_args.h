/* server_args.h - the daemon command line that master builds from
 * master.cf (flags listed in server.h), parsed without getopt's global
 * state so it can be tested.
 *
 * Failure: server_args_parse() returns -1 with an allocated message in
 * *err for an unknown flag, a flag missing its value, "-o" without '=',
 * or a bad "-s" count. */
#ifndef POSTERN_SERVER_SERVER_ARGS_H
#define POSTERN_SERVER_SERVER_ARGS_H

#include <stdbool.h>

struct server_args {
    const char *service_name;   /* points into argv; "" when absent */
    const char *transport;      /* "" when absent */
    const char **overrides;     /* "-o" values, NULL-terminated, allocated */
    int override_count;
    bool unprivileged;          /* -u */
    bool chroot;                /* -c */
    bool stand_alone;           /* -S */
    int listen_count;           /* -s, default 1 */
    int verbose;                /* number of -v */
    int rest_argc;              /* arguments after the flags */
    char **rest_argv;           /* points into argv */
};

int server_args_parse(int argc, char **argv, struct server_args *out,
                      char **err);
void server_args_free(struct server_args *a);

#endif
