/* super_ops.c - postsuper's message operations (see super_ops.h). */
#include "super_ops.h"

#include "util/errstr.h"
#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static const char *const q_all_message[] = {
    QUEUE_HOLD, QUEUE_INCOMING, QUEUE_ACTIVE, QUEUE_DEFERRED, QUEUE_MAILDROP, NULL,
};
static const char *const q_delete_default[] = {
    QUEUE_HOLD, QUEUE_INCOMING, QUEUE_ACTIVE, QUEUE_DEFERRED, NULL,
};
static const char *const q_hold[] = {QUEUE_INCOMING, QUEUE_ACTIVE, QUEUE_DEFERRED, NULL};
static const char *const q_release[] = {QUEUE_HOLD, NULL};

static const super_op_info_t infos[OP_COUNT] = {
    [OP_DELETE] = {"removed", "Deleted", q_delete_default, q_all_message, NULL},
    [OP_HOLD] = {"placed on hold", "Placed on hold", q_hold, q_hold, QUEUE_HOLD},
    [OP_RELEASE] = {"released from hold", "Released from hold", q_release, q_release,
                    QUEUE_DEFERRED},
    [OP_REQUEUE] = {"requeued", "Requeued", q_delete_default, q_delete_default, QUEUE_MAILDROP},
};

const super_op_info_t *super_op_info(enum super_op op)
{
    return &infos[op];
}

/* The per-message logs go with the message when it is deleted or
 * requeued (a requeued message gets a new id from pickup). */
static void remove_logs(const queue_t *q, const char *id)
{
    static const char *const logs[] = {QUEUE_BOUNCE, QUEUE_DEFER, QUEUE_TRACE, NULL};
    char *err = NULL;

    for (int i = 0; logs[i] != NULL; i++) {
        if (queue_remove(q, logs[i], id, false, &err) < 0) {
            msg_warn("%s: %s", id, err);
            xfree(err);
            err = NULL;
        }
    }
}

/* Opens and exclusively locks the file; -1 not there, -2 busy/error. */
static int open_locked(const char *path, const char *id)
{
    char *err = NULL;
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW), rc;

    if (fd < 0) {
        if (errno == ENOENT)
            return -1;
        msg_warn("%s: open %s: %s", id, path, strerror(errno));
        return -2;
    }
    if ((rc = queue_lock(fd, QUEUE_LOCK_EXCLUSIVE, false, &err)) != 0) {
        if (rc == 1)
            msg_warn("%s: queue file is in use (locked by a delivery), skipped", id);
        else
            msg_warn("%s: %s", id, err);
        xfree(err);
        (void) close(fd);
        return -2;
    }
    return fd;
}

static int change(const queue_t *q, enum super_op op, const char *queue_name,
                  const char *id, const char *path)
{
    char *err = NULL;
    int rc;

    if (infos[op].target != NULL) {
        rc = queue_move(q, id, queue_name, infos[op].target, &err);
    } else if ((rc = unlink(path)) < 0) {
        if (errno == ENOENT)
            return 0;                   /* removed meanwhile by someone else */
        errstr_set(&err, "unlink %s: %s", path, strerror(errno));
    }
    if (rc < 0) {
        msg_warn("%s: %s", id, err);
        xfree(err);
        return -1;
    }
    if (op == OP_DELETE || op == OP_REQUEUE)
        remove_logs(q, id);
    return 1;
}

int super_apply(const queue_t *q, enum super_op op, const char *queue_name,
                const char *id, bool verbose)
{
    buf_t path = BUF_INIT;
    char *err = NULL;
    int found, fd, rc;

    if (infos[op].target != NULL && strcmp(infos[op].target, queue_name) == 0)
        return 0;
    if ((found = queue_find(q, queue_name, id, &path, &err)) <= 0) {
        if (found < 0) {
            msg_warn("%s: %s", id, err);
            xfree(err);
        }
        buf_dispose(&path);
        return found;
    }
    fd = open_locked(buf_str(&path), id);
    if (fd < 0) {
        buf_dispose(&path);
        return fd == -1 ? 0 : -1;
    }
    rc = change(q, op, queue_name, id, buf_str(&path));
    (void) close(fd);           /* releases the lock; nothing was written */
    if (rc == 1 && verbose)
        msg_info("%s: %s", id, infos[op].done_text);
    buf_dispose(&path);
    return rc;
}
