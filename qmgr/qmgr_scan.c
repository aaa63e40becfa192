/* qmgr_scan.c - moving messages into active/: crash recovery at start-up,
 * the incoming scan (new mail) and the deferred scan (retry time come, or
 * everything for a flush). */
#include "qmgr.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Files left in active/ by a qmgr that stopped or crashed are moved back
 * to incoming/ and scanned like new mail: their done recipients stay done,
 * so at most the deliveries that were in flight are repeated. */
void qmgr_recover_active(qmgr_t *m)
{
    queue_list_t list = {0};
    char *err = NULL;

    if (queue_scan(m->queue, "active", &list, &err) < 0) {
        msg_warn("scan active queue: %s", err);
        xfree(err);
        return;
    }
    for (size_t i = 0; i < list.count; i++) {
        if (queue_move(m->queue, list.items[i].id, "active", "incoming", &err) < 0) {
            msg_warn("%s: move to incoming: %s", list.items[i].id, err);
            xfree(err);
            err = NULL;
        }
    }
    queue_list_free(&list);
}

static bool is_active(const qmgr_t *m, const char *id)
{
    for (const qmgr_msg_t *msg = m->msgs; msg; msg = msg->next)
        if (strcmp(msg->id, id) == 0)
            return true;
    return false;
}

static void take(qmgr_t *m, const char *from, const char *id)
{
    char *err = NULL;

    if (queue_move(m->queue, id, from, "active", &err) < 0) {
        msg_warn("%s: move from %s to active: %s", id, from, err);
        xfree(err);
        return;
    }
    qmgr_load(m, id);
}

void qmgr_scan_incoming(qmgr_t *m)
{
    queue_list_t list = {0};
    char *err = NULL;

    if (queue_scan(m->queue, "incoming", &list, &err) < 0) {
        msg_warn("scan incoming queue: %s", err);
        xfree(err);
        return;
    }
    for (size_t i = 0; i < list.count && m->nmsgs < m->active_limit; i++)
        if (!is_active(m, list.items[i].id))
            take(m, "incoming", list.items[i].id);
    queue_list_free(&list);
    qmgr_dispatch(m);
}

/* A deferred file's mtime is the time of its next attempt. */
void qmgr_scan_deferred(qmgr_t *m, bool all)
{
    queue_list_t list = {0};
    char *err = NULL;
    time_t now = time(NULL);
    struct stat st;

    if (queue_scan(m->queue, "deferred", &list, &err) < 0) {
        msg_warn("scan deferred queue: %s", err);
        xfree(err);
        return;
    }
    for (size_t i = 0; i < list.count && m->nmsgs < m->active_limit; i++) {
        if (!all && (stat(list.items[i].path, &st) < 0 || st.st_mtime > now))
            continue;
        take(m, "deferred", list.items[i].id);
    }
    queue_list_free(&list);
    qmgr_dispatch(m);
}
