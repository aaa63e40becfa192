/* qmgr_scan.c - moving messages into active/: crash recovery at start-up,
 * the incoming scan (new mail) and the deferred scan (retry time come, or
 * everything for a flush). A scan takes at most SCAN_BATCH messages and
 * continues from the event loop, and deliveries start as messages come
 * in, so that agents work and answers are read while a large queue is
 * still being moved (each move syncs two directories). */
#include "qmgr.h"
#include "util/buf.h"
#include "util/events.h"
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

#define SCAN_BATCH 50           /* messages taken before the loop runs again */
#define DISPATCH_EVERY 10       /* messages taken between dispatches */

static void take(qmgr_t *m, const char *from, const char *id, int *taken)
{
    char *err = NULL;

    if (qmgr_move(m->queue, id, from, "active", &err) < 0) {
        msg_warn("%s: move from %s to active: %s", id, from, err);
        xfree(err);
        return;
    }
    qmgr_load(m, id);
    if (++*taken % DISPATCH_EVERY == 0)
        qmgr_dispatch(m);
}

static void incoming_again(void *ctx)
{
    qmgr_scan_incoming(ctx);
}

static void deferred_again(void *ctx)
{
    qmgr_t *m = ctx;

    qmgr_scan_deferred(m, m->flush_more);
}

void qmgr_scan_incoming(qmgr_t *m)
{
    queue_list_t list = {0};
    char *err = NULL;
    int taken = 0;
    size_t i;

    if (queue_scan(m->queue, "incoming", &list, &err) < 0) {
        msg_warn("scan incoming queue: %s", err);
        xfree(err);
        return;
    }
    for (i = 0; i < list.count && m->nmsgs < m->active_limit && taken < SCAN_BATCH; i++)
        if (!is_active(m, list.items[i].id))
            take(m, "incoming", list.items[i].id, &taken);
    if (i < list.count && m->nmsgs < m->active_limit) {
        event_cancel_timer(incoming_again, m);
        event_timer(0, incoming_again, m);
    }
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
    int taken = 0;
    size_t i;

    if (queue_scan(m->queue, "deferred", &list, &err) < 0) {
        msg_warn("scan deferred queue: %s", err);
        xfree(err);
        return;
    }

    for (i = 0; i < list.count && m->nmsgs < m->active_limit && taken < SCAN_BATCH; i++) {
        if (!all && (stat(list.items[i].path, &st) < 0 || st.st_mtime > now))
            continue;
        take(m, "deferred", list.items[i].id, &taken);
    }
    if (i < list.count && m->nmsgs < m->active_limit) {
        bool flush_pending = event_cancel_timer(deferred_again, m) && m->flush_more;

        m->flush_more = all || flush_pending;
        event_timer(0, deferred_again, m);
    }
    queue_list_free(&list);
    qmgr_dispatch(m);
}
