/* anvil_client.h - the client side of the anvil protocol (docs/ANVIL.md):
 * what smtpd and submission tell the anvil service about their clients,
 * and the counts it answers with. One client object per process holds
 * one long-lived connection to the anvil socket, opened on first use and
 * opened again (once per request) after it broke, e.g. because anvil was
 * restarted.
 *
 * The caller decides what a count means (limits, replies, logging); this
 * library only asks. Every call returns 0, or -1 with *err allocated
 * (anvil unreachable, timed out, or refusing the request); callers of
 * Postfix's kind log a warning and carry on without the limit. */
#ifndef POSTERN_ANVIL_CLIENT_H
#define POSTERN_ANVIL_CLIENT_H

#include <stdbool.h>

typedef struct anvil_client anvil_client_t;

/* path: the anvil socket (QUEUE/private/anvil); nothing is connected yet. */
anvil_client_t *anvil_client_new(const char *path, int timeout_ms);
void anvil_client_free(anvil_client_t *c);     /* NULL ok; closes */

/* A new connection from addr to service: connections open now and in
 * the current rate window, this one included. Pair with disconnect. */
int anvil_client_connect(anvil_client_t *c, const char *service, const char *addr,
                         int *count, int *rate, char **err);
int anvil_client_disconnect(anvil_client_t *c, const char *service, const char *addr,
                            char **err);
/* Events; *rate counts this one. */
int anvil_client_message(anvil_client_t *c, const char *service, const char *addr,
                         int *rate, char **err);
int anvil_client_recipient(anvil_client_t *c, const char *service, const char *addr,
                           int *rate, char **err);
int anvil_client_newtls(anvil_client_t *c, const char *service, const char *addr,
                        int *rate, char **err);

typedef struct anvil_auth_info {
    int rate;               /* AUTH commands in the window (auth only) */
    int failures;           /* failed attempts remembered */
    long lockout_left;      /* seconds of lockout left; 0: none */
    bool lockout_started;   /* this failure started it (auth_failure only) */
} anvil_auth_info_t;

/* Before an AUTH attempt: counts it, tells the failure state. */
int anvil_client_auth(anvil_client_t *c, const char *service, const char *addr,
                      anvil_auth_info_t *info, char **err);
/* After a failed attempt: window = seconds a failure is remembered,
 * lockout_limit failures (0: never) start a lockout of lockout_time. */
int anvil_client_auth_failure(anvil_client_t *c, const char *service, const char *addr,
                              long window, int lockout_limit, long lockout_time,
                              anvil_auth_info_t *info, char **err);

#endif
