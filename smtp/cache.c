/* cache.c - one idle session kept for reuse (see cache.h). */
#include "smtp/cache.h"
#include "util/mem.h"
#include "util/sink.h"

#include <string.h>

void smtp_session_close(smtpc_session_t *ss)
{
    if (ss == NULL)
        return;
    smtpc_session_quit(ss);
    smtpc_session_dispose(ss);
    xfree(ss);
}

void smtp_cache_close(smtp_cache_t *c)
{
    smtp_session_close(c->ss);
    xfree(c->key);
    memset(c, 0, sizeof(*c));
}

void smtp_cache_put(smtp_cache_t *c, const char *key, smtpc_session_t *ss,
                    long long connected_ms)
{
    smtp_cache_close(c);
    c->key = xstrdup(key);
    c->ss = ss;
    c->connected_ms = connected_ms;
    c->idle_ms = sink_now_ms();
}

smtpc_session_t *smtp_cache_take(smtp_cache_t *c, const char *key,
                                 long long *connected_ms)
{
    smtpc_session_t *ss;

    if (c->ss == NULL || strcmp(c->key, key) != 0)
        return NULL;
    ss = c->ss;
    *connected_ms = c->connected_ms;
    c->ss = NULL;
    xfree(c->key);
    c->key = NULL;
    return ss;
}

int smtp_cache_expire(smtp_cache_t *c, int idle_limit)
{
    long long due;

    if (c->ss == NULL)
        return -1;
    due = c->idle_ms + (long long) idle_limit * 1000 - sink_now_ms();
    if (due <= 0) {
        smtp_cache_close(c);
        return -1;
    }
    return due > 60000 ? 60000 : (int) due;
}
