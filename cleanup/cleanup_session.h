/* cleanup_session.h - the cleanup server: one client connection speaking
 * the cleanup protocol (docs/CLEANUP.md), several messages one after
 * another, each written with the queue writer and committed (fsync,
 * rename, directory fsync) before "finish" is answered.
 *
 * Failures of a message (queue file write error 4.3.0, table error 4.3.0,
 * alias expansion limits 4.6.0, message_size_limit 5.3.4, no recipients
 * 5.1.3) are sticky: every later request of that message is answered
 * with the same dsn/reason until "abort" or the next "open"; the file is
 * removed. A connection that ends (or breaks) before "finish" leaves no
 * file. Successful messages are logged "QUEUEID: message-id=<...>" and
 * qmgr is woken through its trigger socket (failures ignored). */
#ifndef POSTERN_CLEANUP_SESSION_H
#define POSTERN_CLEANUP_SESSION_H

#include <stdbool.h>

#include "cleanup/cleanup_rewrite.h"
#include "queue/queue.h"
#include "util/stream.h"

typedef struct cleanup_params {
    queue_t *queue;
    cleanup_rewrite_t rewrite;
    char *myhostname;
    bool always_add_missing_headers;
    long long message_size_limit;   /* 0 = unlimited */
    long long header_size_limit;
    char *qmgr_trigger;             /* QUEUE/public/qmgr, NULL = none */
} cleanup_params_t;

/* From the loaded main.cf (queue_directory, myhostname, myorigin,
 * mydestination, the map parameters, limits). -1 with *err. */
int cleanup_params_load(cleanup_params_t *p, char **err);
void cleanup_params_free(cleanup_params_t *p);
/* True when one of the rewriting tables changed on disk (dict_changed). */
bool cleanup_params_changed(const cleanup_params_t *p);

/* Announces the protocol and serves requests until the client closes the
 * connection or it breaks. */
void cleanup_serve(stream_t *s, const cleanup_params_t *p);

#endif
