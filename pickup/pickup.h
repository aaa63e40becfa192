/* pickup.h - move messages from maildrop/ (written by sendmail) through
 * cleanup into incoming/.
 *
 * pickup_scan() lists maildrop/ (oldest first) and, for each file:
 * validates it completely (qfile_open: a corrupt file is moved to
 * corrupt/ with a warning), connects to cleanup (once per scan) and
 * replays it with CLEANUP_FLAG_LOCAL_SUBMISSION: sender, full_name, envid,
 * ret, every recipient, then the content after a trace header
 *     Received: by MYHOSTNAME (Postern, from userid UID)
 *     	id QUEUEID; DATE
 * (cleanup's queue id, the file owner's uid, the file's mtime; Postfix's
 * pickup adds the same). It logs "QUEUEID: uid=UID
 * from=<sender>" (cleanup's id, the file owner's uid) and removes the
 * maildrop file only after cleanup answered finish with success, so a
 * crash in between gives a duplicate, never a loss. A permanent refusal
 * (5.x.x, e.g. message_size_limit) is returned to the sender: a
 * non-delivery notice (lib/bounce, every recipient failed with cleanup's
 * status and reason) is queued into incoming/, qmgr is woken, "ID: sender
 * non-delivery notification: NEWID" is logged and the maildrop file is
 * removed; with the null sender (nobody to tell) the file goes to
 * corrupt/ with a warning, as do unreadable files. A temporary refusal,
 * or a bounce that cannot be queued, leaves the file for the next scan.
 *
 * Returns the number of messages handed over, or -1 (*err) when the scan
 * stopped early (maildrop unreadable, cleanup unreachable or broken). */
#ifndef POSTERN_PICKUP_H
#define POSTERN_PICKUP_H

#include "queue/queue.h"

#define PICKUP_CLEANUP_TIMEOUT_MS 100000

typedef struct pickup_config {
    const char *cleanup_socket;   /* QUEUE/public/$cleanup_service_name */
    const char *qmgr_socket;      /* QUEUE/public/$queue_service_name, or NULL */
    const char *myhostname;
    long long bounce_size_limit;
} pickup_config_t;

int pickup_scan(const queue_t *q, const pickup_config_t *cfg, char **err);

#endif
