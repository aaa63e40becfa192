/* qwriter.h - write a new queue file (cleanup into incoming/, sendmail's
 * postdrop step into maildrop/).
 *
 * Life of a writer:
 *   qwriter_create()   opens QUEUE/tmp.PID.SEQ (mode 0600, O_EXCL), takes
 *                      the id from the time and the file's inode, writes a
 *                      SIZE record marked incomplete
 *   qwriter_put_*()    envelope records, then qwriter_begin_content(), lines,
 *                      qwriter_end_content(), then extracted recipients
 *   qwriter_finish()   writes END, patches SIZE (sizes, count, complete=1),
 *                      fchmod 0700; nothing is durable yet
 *   qwriter_commit()   finish + fsync(file) + rename to QUEUE/[hash/]ID (never
 *                      replacing) + fsync(directory); only after it returns 0
 *                      may the message be acknowledged
 *   qwriter_commit_batch()  the same for many writers: one fsync per file,
 *                      then all renames, then one fsync per directory
 *   qwriter_abort()    removes the temporary file
 *   qwriter_free()     closes; an uncommitted file is removed
 * A crash before the rename leaves only a tmp.* file, never an id: readers
 * never see an incomplete file under a queue id, and queue_sweep_temp()
 * removes old tmp.* files.
 *
 * Errors: put functions never fail directly; the first write error (or an
 * envelope value longer than QREC_MAX_LEN) is kept and reported by
 * qwriter_finish/commit (-1 and *err). Calls out of section order are
 * programming errors (msg_panic). */
#ifndef POSTERN_QUEUE_QWRITER_H
#define POSTERN_QUEUE_QWRITER_H

#include <stddef.h>
#include <sys/time.h>

#include "queue/queue.h"
#include "queue/qrec.h"

typedef struct qwriter qwriter_t;

qwriter_t *qwriter_create(const queue_t *q, const char *queue_name, char **err);
const char *qwriter_id(const qwriter_t *w);
/* Bytes written to the file so far (buffered ones included). */
long long qwriter_offset(const qwriter_t *w);

/* Envelope (before qwriter_begin_content). */
void qwriter_put_time(qwriter_t *w, int type, const struct timeval *tv);
void qwriter_put_sender(qwriter_t *w, const char *sender);
void qwriter_put_envid(qwriter_t *w, const char *envid);
void qwriter_put_ret(qwriter_t *w, int ret);          /* QDSN_RET_* */
void qwriter_put_warn(qwriter_t *w, long long when);  /* 0 = none yet */
void qwriter_put_attr(qwriter_t *w, const char *name, const char *value);
/* A recipient; orig and dsn_orcpt may be NULL. Also allowed after
 * qwriter_end_content() (extracted recipients). */
void qwriter_put_rcpt(qwriter_t *w, const char *address, const char *orig,
                      const char *dsn_orcpt, int notify);
/* Any record by type (what the helpers above use); checks section order. */
void qwriter_put(qwriter_t *w, int type, const void *data, size_t len);

/* Content: lines without their line end; any bytes (NUL included). Lines
 * longer than QREC_MAX_LEN are split into L records. */
void qwriter_begin_content(qwriter_t *w);
void qwriter_put_line(qwriter_t *w, const void *data, size_t len);
void qwriter_put_partial(qwriter_t *w, const void *data, size_t len);
void qwriter_end_content(qwriter_t *w);

int qwriter_finish(qwriter_t *w, char **err);
int qwriter_commit(qwriter_t *w, char **err);
/* results[i] = 0 committed / -1 failed with errs[i] set (caller frees);
 * returns the number committed. Writers not yet finished are finished. */
size_t qwriter_commit_batch(qwriter_t **writers, size_t n, int *results,
                            char **errs);
void qwriter_abort(qwriter_t *w);
void qwriter_free(qwriter_t *w);

#endif
