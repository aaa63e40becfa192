/* agent.h - the smtp delivery agent's work for one request from qmgr
 * (docs/DELIVERY.md, docs/SMTP_CLIENT.md): open the queue file, find the
 * servers of the next hop, connect (trying the next server on a failed
 * connection or a refused greeting, within smtp_mx_address_limit and
 * smtp_mx_session_limit), run one mail transaction, log Postfix's line
 * per recipient and fill in the results; keep the session for reuse.
 * smtp_agent_deliver() is a dlv_deliver_fn: it returns -1 with *err only
 * when the queue file cannot be read (qmgr then defers the request). */
#ifndef POSTERN_SMTP_AGENT_H
#define POSTERN_SMTP_AGENT_H

#include "deliver/request.h"
#include "queue/queue.h"
#include "smtp/cache.h"
#include "smtp/smtp_config.h"

#define SMTP_RELAY_MAX 512

typedef struct smtp_agent {
    const smtp_config_t *cfg;
    const queue_t *queue;
    smtp_cache_t cache;
    /* what relay= said for the last request: dlv_serve() answers with it
     * (the agent rewrites it in place for every request) */
    char relay[SMTP_RELAY_MAX];
} smtp_agent_t;

void smtp_agent_init(smtp_agent_t *a, const smtp_config_t *cfg, const queue_t *q);
void smtp_agent_dispose(smtp_agent_t *a);
int smtp_agent_deliver(void *ctx, const dlv_request_t *req, dlv_result_t *results,
                       char **err);

#endif
