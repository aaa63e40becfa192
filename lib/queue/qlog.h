/* qlog.h - per-message delivery logs in bounce/, defer/ and trace/, named
 * by queue id: what happened to each recipient, for DSNs (bounce, delay
 * warnings) and for the "(reason)" lines of mailq.
 *
 * A log file is a sequence of entries, each a few "name=value" lines ended
 * by an empty line. Names: recipient, orig_rcpt, dsn_orcpt, offset (of the
 * recipient's status byte in the queue file), status (e.g. 4.4.1), action
 * (delayed, failed, delivered, relayed, expanded), reason. Unknown names
 * are ignored by the reader (so entries can grow). The writer replaces CR,
 * LF, NUL and other control bytes in values with a space, and writes each
 * entry with one O_APPEND write, so concurrent writers do not interleave.
 *
 * Errors: -1 and *err; a missing log file reads as empty. */
#ifndef POSTERN_QUEUE_QLOG_H
#define POSTERN_QUEUE_QLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "queue/queue.h"

#define QLOG_MAX_FILE (16 * 1024 * 1024)   /* larger logs are refused */

typedef struct qlog_entry {
    char *recipient;
    char *orig_rcpt;           /* NULL when absent (also below) */
    char *dsn_orcpt;
    long long offset;          /* -1 when absent */
    char *status;
    char *action;
    char *reason;
} qlog_entry_t;

typedef struct qlog_list {
    qlog_entry_t *items;
    size_t count;
} qlog_list_t;

/* log_queue: QUEUE_BOUNCE, QUEUE_DEFER or QUEUE_TRACE. sync: fdatasync
 * the log (and the directory when the file was created). */
int qlog_append(const queue_t *q, const char *log_queue, const char *id,
                const qlog_entry_t *entry, bool sync, char **err);
int qlog_read(const queue_t *q, const char *log_queue, const char *id,
              qlog_list_t *out, char **err);
/* The parser behind qlog_read: any bytes; entries without a recipient
 * are dropped; never fails. */
void qlog_parse(const char *data, size_t len, qlog_list_t *out);
/* Reason of the last entry for this recipient, NULL when none. */
const char *qlog_reason(const qlog_list_t *list, const char *recipient);
void qlog_list_free(qlog_list_t *list);

#endif
