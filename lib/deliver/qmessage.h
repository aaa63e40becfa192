/* qmessage.h - the message of a queue file as local and virtual delivery need it: a
 * producer that streams the content records (N lines with LF, L partial
 * lines as they are) and the header block for the Delivered-To check.
 * Errors (a record that cannot be read) come back as -1 with *err. */
#ifndef POSTERN_DELIVER_QMESSAGE_H
#define POSTERN_DELIVER_QMESSAGE_H

#include "queue/qfile.h"
#include "queue/queue.h"
#include "util/buf.h"
#include "util/sink.h"

#define DLV_HEADER_MAX (1024 * 1024)  /* header bytes kept for the check */

/* Opens queue file NAME/ID read-only under a shared lock (no waiting).
 * 0, or -1 with *err (missing, corrupt, "queue file is locked"). */
int dlv_qfile_open(const queue_t *q, const char *name, const char *id,
                   qfile_t **qf, char **err);
/* A sink_producer_fn; ctx is the qfile_t. */
int dlv_qfile_producer(sink_t *out, void *ctx, char **err);
/* Reads the headers (up to the first empty line, at most DLV_HEADER_MAX
 * bytes) into out, lines ending in LF. */
int dlv_qfile_headers(qfile_t *qf, buf_t *out, char **err);

#endif
