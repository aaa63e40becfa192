/* super_ops.h - the operations of postsuper on queue files: delete, hold,
 * release from hold, requeue (-d -h -H -r), structure check and repair
 * (-s) and purging writers' stale temporary files (-p). Each message
 * operation locks the queue file exclusively first (the convention in
 * docs/QUEUE.md) and skips a file that a delivery agent holds. Problems
 * with one file are warnings; the count says what was done. */
#ifndef POSTERN_POSTSUPER_SUPER_OPS_H
#define POSTERN_POSTSUPER_SUPER_OPS_H

#include <stdbool.h>

#include "queue/queue.h"

enum super_op { OP_DELETE, OP_HOLD, OP_RELEASE, OP_REQUEUE, OP_COUNT };

typedef struct super_op_info {
    const char *done_text;      /* "removed": per-message line */
    const char *summary;        /* "Deleted": total line */
    const char *const *default_queues;
    const char *const *allowed_queues;
    const char *target;         /* queue moved to, NULL = remove */
} super_op_info_t;

const super_op_info_t *super_op_info(enum super_op op);

/* Applies op to one message of one queue. Returns 1 done, 0 not there
 * (or nothing to do), -1 skipped with a warning. verbose: log the
 * per-message line. */
int super_apply(const queue_t *q, enum super_op op, const char *queue_name,
                const char *id, bool verbose);

/* -s: moves files to where the hash settings want them and renames files
 * whose name does not match their inode. Returns the number of fixes. */
int super_structure(const queue_t *q);
/* -p: removes writers' temporary files older than max_age seconds. */
int super_purge(const queue_t *q, long max_age);

#endif
