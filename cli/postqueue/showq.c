/* showq.c - collect the queue listing (see showq.h). */
#include "showq.h"

#include "queue/qfile.h"
#include "queue/qlog.h"
#include "util/mem.h"
#include "util/msg.h"

#include <string.h>

static const char *const listed_queues[] = {
    QUEUE_MAILDROP, QUEUE_INCOMING, QUEUE_ACTIVE, QUEUE_DEFERRED, QUEUE_HOLD, NULL,
};

static void add_rcpts(showq_msg_t *m, const qenvelope_t *env, const qlog_list_t *log)
{
    m->rcpts = xcalloc(env->rcpt_count ? env->rcpt_count : 1, sizeof(*m->rcpts));
    for (size_t i = 0; i < env->rcpt_count; i++) {
        const char *reason;
        if (env->rcpts[i].done)
            continue;
        reason = qlog_reason(log, env->rcpts[i].address);
        m->rcpts[m->rcpt_count].address = xstrdup(env->rcpts[i].address);
        m->rcpts[m->rcpt_count].reason = reason ? xstrdup(reason) : NULL;
        m->rcpt_count++;
    }
}

/* Adds one message; 0 also when it vanished or is unreadable (skipped). */
static void add_message(const queue_t *q, const char *queue_name, const char *id,
                        showq_list_t *out)
{
    qfile_t *qf;
    qlog_list_t log = {NULL, 0};
    char *err = NULL;
    int rc = qfile_open(q, queue_name, id, QFILE_READ, &qf, &err);
    showq_msg_t *m;

    if (rc != QFILE_OK) {
        if (rc != QFILE_ERR_NOTFOUND)
            msg_warn("%s: skipped: %s", id, err);
        xfree(err);
        return;
    }
    if (qlog_read(q, QUEUE_DEFER, id, &log, &err) < 0) {
        msg_warn("%s: delay reasons not shown: %s", id, err);
        xfree(err);
    }
    out->items = xreallocarray(out->items, out->count + 1, sizeof(*out->items));
    m = &out->items[out->count++];
    memset(m, 0, sizeof(*m));
    m->queue_name = queue_name;
    strcpy(m->id, id);
    m->arrival = (long long) qfile_envelope(qf)->arrival.tv_sec;
    m->size = qfile_envelope(qf)->size.message_size;
    m->sender = xstrdup(qfile_envelope(qf)->sender);
    add_rcpts(m, qfile_envelope(qf), &log);
    qlog_list_free(&log);
    qfile_close(qf);
}

int showq_collect(const queue_t *q, showq_list_t *out, char **err)
{
    queue_list_t files;

    out->items = NULL;
    out->count = 0;
    for (int i = 0; listed_queues[i] != NULL; i++) {
        if (queue_scan(q, listed_queues[i], &files, err) < 0) {
            showq_free(out);
            return -1;
        }
        for (size_t j = 0; j < files.count; j++)
            add_message(q, listed_queues[i], files.items[j].id, out);
        queue_list_free(&files);
    }
    return 0;
}

void showq_free(showq_list_t *list)
{
    for (size_t i = 0; i < list->count; i++) {
        showq_msg_t *m = &list->items[i];
        for (size_t j = 0; j < m->rcpt_count; j++) {
            xfree(m->rcpts[j].address);
            xfree(m->rcpts[j].reason);
        }
        xfree(m->rcpts);
        xfree(m->sender);
    }
    xfree(list->items);
    list->items = NULL;
    list->count = 0;
}
