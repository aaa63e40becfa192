/* mbox.h - append one message to an mbox file under the locks Postfix uses
 * on Linux by default (mailbox_delivery_lock = fcntl, dotlock).
 *
 * A message is written as "From SENDER DATE" (sender "" is MAILER-DAEMON,
 * DATE in asctime() form, local time), the producer's bytes with every line
 * that starts with "From " written as ">From ", a newline if the content
 * did not end with one, and one empty line. It is fsynced before the
 * function returns. On any error the file is truncated back to its size
 * before the append, so a mailbox never keeps half a message.
 *
 * Errors: -1 with an allocated message in *err (Postfix's wording, e.g.
 * "unable to lock for exclusive access: ...", "error writing message:
 * File too large") and errno left at the cause (0 when the producer's own
 * source failed; EAGAIN when a lock stayed busy). */
#ifndef POSTERN_MBOX_MBOX_H
#define POSTERN_MBOX_MBOX_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "util/buf.h"
#include "util/sink.h"

#define MBOX_LOCK_FCNTL    (1 << 0)
#define MBOX_LOCK_DOTLOCK  (1 << 1)
/* Dotlock creation may fail for lack of directory permission (delivery to
 * /file in a directory the user cannot write); the fcntl lock still holds. */
#define MBOX_DOTLOCK_MAY_FAIL (1 << 2)

typedef struct mbox_opts {
    int locks;              /* MBOX_LOCK_* bits */
    off_t size_limit;       /* mailbox size after append; 0: none (EFBIG) */
    int lock_attempts;      /* deliver_lock_attempts (20) */
    int lock_delay_ms;      /* deliver_lock_delay (1s) */
    int stale_lock_time;    /* stale_lock_time in seconds (500) */
    mode_t create_mode;     /* mode of a new mailbox (0600) */
    /* A mailbox this call creates is given to this owner (fchown), for a
     * root-owned spool directory where the user cannot create files. */
    bool chown_new;
    uid_t owner_uid;
    gid_t owner_gid;
} mbox_opts_t;

/* Fills in Postfix's defaults. */
void mbox_opts_default(mbox_opts_t *opts);

/* Appends one message to path (created if missing). when: the time for the
 * From_ line. */
int mbox_append(const char *path, const char *sender, time_t when,
                const mbox_opts_t *opts, sink_producer_fn produce, void *ctx,
                char **err);

/* Dotlock (path.lock), usable alone: creates the lock file exclusively,
 * removes one older than stale_lock_time seconds, retries lock_attempts
 * times lock_delay_ms apart. Returns 0, or -1 with *err and errno. */
int mbox_dotlock(const char *path, const mbox_opts_t *opts, char **err);
void mbox_dotunlock(const char *path);
/* Exclusive fcntl lock on fd with the same retry rule. */
int mbox_fcntl_lock(int fd, const mbox_opts_t *opts, char **err);

/* The ">From " quoting filter, stacked on another sink (exposed for tests
 * and for other mbox writers). mbox_quote_finish() writes the final
 * newline (when missing) and the empty line. */
typedef struct mbox_quote {
    sink_t base;
    sink_t *next;
    int matched;      /* bytes of "From " matched at a line start; -1: mid-line */
    bool empty;       /* nothing written yet */
    char last;        /* last byte passed on */
} mbox_quote_t;

void mbox_quote_init(mbox_quote_t *q, sink_t *next);
int mbox_quote_finish(mbox_quote_t *q);

#endif
