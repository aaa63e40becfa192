/* cleanup_client.h - client side of the cleanup protocol (docs/CLEANUP.md):
 * what smtpd, submission and pickup use to hand a message to cleanup.
 *
 *   c = cleanup_client_connect(path, timeout_ms, &err)  QUEUE/private/cleanup
 *   per message:
 *     cleanup_client_open(c, CLEANUP_FLAG_*, &err)    -> cleanup_client_queue_id(c)
 *     cleanup_client_envelope(c, &env, &err)
 *     cleanup_client_content(c, data, len, &err)      any number of chunks
 *                                                      (pipelined: no wait)
 *     cleanup_client_finish(c, &result, &err)          or cleanup_client_abort
 *   cleanup_client_close(c)
 *
 * Return values: 0 success; 1 (open, envelope, finish) cleanup refused:
 * result/err hold dsn and reason to pass on (e.g. "5.3.4 message file too
 * big"); -1 the conversation broke (I/O, timeout, protocol): *err says
 * why, the connection is unusable, the client treats it as 4.3.0 and
 * closes. Content answers are read while sending (at most
 * CLEANUP_CLIENT_PIPELINE outstanding) and at finish; a failed content
 * answer makes finish return 1 with that answer's dsn/reason. */
#ifndef POSTERN_CLEANUP_CLIENT_H
#define POSTERN_CLEANUP_CLIENT_H

#include <stddef.h>

#include "ipc/attr_names.h"
#include "util/stream.h"

#define CLEANUP_CLIENT_PIPELINE 32

typedef struct cleanup_client cleanup_client_t;

typedef struct cleanup_rcpt {
    const char *address;
    const char *orig;          /* NULL: same as address */
    const char *orcpt;         /* DSN ORCPT "rfc822;addr", NULL = none */
    int notify;                /* QDSN_NOTIFY_* bits, 0 = not specified */
} cleanup_rcpt_t;

/* NULL string fields are not sent. */
typedef struct cleanup_envelope {
    const char *sender;        /* "" = null sender */
    const char *envid;
    int ret;                   /* QDSN_RET_*, 0 = not specified */
    const char *full_name;     /* sendmail -F (used for an added From:) */
    const char *client_name, *client_address, *client_port, *helo_name;
    const char *protocol_name, *sasl_method, *sasl_username;
    const cleanup_rcpt_t *rcpts;
    size_t rcpt_count;
} cleanup_envelope_t;

typedef struct cleanup_result {
    char queue_id[64];
    char dsn[16];              /* "" on success */
    char reason[512];          /* "" on success */
} cleanup_result_t;

cleanup_client_t *cleanup_client_connect(const char *path, int timeout_ms,
                                         char **err);
/* Over an already connected stream whose announcement was checked (tests);
 * the client owns s afterwards. */
cleanup_client_t *cleanup_client_from_stream(stream_t *s);
void cleanup_client_close(cleanup_client_t *c);

int cleanup_client_open(cleanup_client_t *c, int flags, char **err);
const char *cleanup_client_queue_id(const cleanup_client_t *c);
int cleanup_client_envelope(cleanup_client_t *c, const cleanup_envelope_t *env,
                            char **err);
int cleanup_client_content(cleanup_client_t *c, const void *data, size_t len,
                           char **err);
int cleanup_client_finish(cleanup_client_t *c, cleanup_result_t *result,
                          char **err);
/* finish with flags learned after open: CLEANUP_FLAG_HOLD puts the
 * committed file into hold/ instead of leaving it in incoming/. */
int cleanup_client_finish_flags(cleanup_client_t *c, int flags, cleanup_result_t *result,
                                char **err);
int cleanup_client_abort(cleanup_client_t *c, char **err);

#endif
