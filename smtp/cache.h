/* cache.h - connection reuse inside one smtp agent process: after a
 * delivery, a healthy session to a next hop is kept (one at a time) for
 * the next request to the same next hop; it is closed with QUIT when it
 * has been idle for smtp_connection_cache_time_limit, when a session to
 * another next hop replaces it, or when the process exits. The taker
 * sends RSET before using it (smtp_agent). Cannot fail. */
#ifndef POSTERN_SMTP_CACHE_H
#define POSTERN_SMTP_CACHE_H

#include "smtp_client/smtpc_session.h"

typedef struct smtp_cached {
    char *key;                 /* next hop, as qmgr sent it */
    smtpc_session_t *ss;
    long long connected_ms;    /* CLOCK_MONOTONIC, when it was opened */
    long long idle_ms;         /* since when it waits */
} smtp_cache_t;

/* Takes ownership of ss; a session already held is closed. */
void smtp_cache_put(smtp_cache_t *c, const char *key, smtpc_session_t *ss,
                    long long connected_ms);
/* The held session for key (ownership goes to the caller), or NULL. */
smtpc_session_t *smtp_cache_take(smtp_cache_t *c, const char *key,
                                 long long *connected_ms);
/* Closes the held session when idle longer than idle_limit seconds.
 * Returns milliseconds until it is due, or -1 when nothing is held. */
int smtp_cache_expire(smtp_cache_t *c, int idle_limit);
void smtp_cache_close(smtp_cache_t *c);

/* QUIT (when usable), close, free a heap session. NULL ok. */
void smtp_session_close(smtpc_session_t *ss);

#endif
