/* anvil_table.h - the counters of the anvil service, per ident (Postfix's
 * "service:client-address" string): concurrent connections, and
 * connection, message, recipient, new-TLS-session and AUTH rates over a
 * fixed window of rate_unit seconds (anvil_rate_time_unit), plus the
 * AUTH failure back-off state (failures in a window, lockout end).
 *
 * A rate counts events since the start of its window; the first event
 * after rate_unit seconds starts a new window (Postfix's anvil does the
 * same). Time is passed in (seconds of a monotonic clock), so that tests
 * need not wait. Entries with nothing left to remember are dropped by
 * anvil_table_expire(). Counts saturate at INT_MAX; nothing here fails
 * (allocation failure is fatal, mem.h). */
#ifndef POSTERN_ANVIL_TABLE_H
#define POSTERN_ANVIL_TABLE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct anvil_table anvil_table_t;

typedef enum anvil_event {
    ANVIL_EV_MESSAGE,       /* MAIL FROM */
    ANVIL_EV_RECIPIENT,     /* RCPT TO */
    ANVIL_EV_NEWTLS,        /* a TLS handshake without session reuse */
    ANVIL_EV_AUTH,          /* an AUTH command */
    ANVIL_EV_COUNT
} anvil_event_t;

/* What the AUTH back-off knows about an ident. */
typedef struct anvil_auth_state {
    int failures;           /* failed AUTH attempts in the current window */
    long lockout_left;      /* seconds until a lockout ends; 0: none */
    bool lockout_started;   /* this failure started the lockout */
} anvil_auth_state_t;

/* How failures turn into a lockout (sent by the client with each
 * failure, so that per-service -o settings apply). */
typedef struct anvil_fail_policy {
    long window;            /* seconds a failure is remembered (> 0) */
    int lockout_limit;      /* failures that start a lockout; 0: never */
    long lockout_time;      /* seconds a lockout lasts */
} anvil_fail_policy_t;

anvil_table_t *anvil_table_new(long rate_unit);
void anvil_table_free(anvil_table_t *t);
long anvil_table_rate_unit(const anvil_table_t *t);

/* A new connection: *count = connections now open (this one included),
 * *rate = connections in the current window (this one included). */
void anvil_table_connect(anvil_table_t *t, const char *ident, long now,
                         int *count, int *rate);
/* A connection ended; false (nothing changed) if none was open. */
bool anvil_table_disconnect(anvil_table_t *t, const char *ident, long now);
/* One event; returns the rate in the current window, this one included. */
int anvil_table_event(anvil_table_t *t, const char *ident, anvil_event_t ev, long now);
/* The AUTH back-off state without changing it. */
void anvil_table_auth_state(anvil_table_t *t, const char *ident, long now,
                            anvil_auth_state_t *out);
/* One failed AUTH attempt. */
void anvil_table_auth_failure(anvil_table_t *t, const char *ident, long now,
                              const anvil_fail_policy_t *p, anvil_auth_state_t *out);

/* Drops entries with no open connection, no rate window still running,
 * no failure still remembered and no lockout; returns how many remain. */
size_t anvil_table_expire(anvil_table_t *t, long now);
size_t anvil_table_size(const anvil_table_t *t);

/* The largest values seen since the table was made (for the statistics
 * log lines); ident is "" while nothing was counted. */
typedef struct anvil_peak {
    int value;
    char ident[256];
    long when;              /* wall clock, seconds since the epoch */
} anvil_peak_t;
typedef struct anvil_peaks {
    anvil_peak_t count, conn_rate, event_rate[ANVIL_EV_COUNT];
    size_t cache_size;
    long cache_when;
} anvil_peaks_t;
const anvil_peaks_t *anvil_table_peaks(const anvil_table_t *t);

#endif
