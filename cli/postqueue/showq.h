/* showq.h - the queue listing behind postqueue -p / -j and mailq: every
 * message in maildrop, incoming, active, deferred and hold (in that order,
 * by arrival within a queue) with its recipients still to deliver and the
 * delay reasons from its defer log. Files that vanish while listed (qmgr
 * moved or removed them) are left out; unreadable or corrupt ones are left
 * out with a warning. */
#ifndef POSTERN_POSTQUEUE_SHOWQ_H
#define POSTERN_POSTQUEUE_SHOWQ_H

#include <stdio.h>

#include "queue/queue.h"

typedef struct showq_rcpt {
    char *address;
    char *reason;              /* NULL when none */
} showq_rcpt_t;

typedef struct showq_msg {
    const char *queue_name;
    char id[QUEUE_ID_SIZE];
    long long arrival;
    long long size;
    char *sender;              /* "" for the null sender */
    showq_rcpt_t *rcpts;
    size_t rcpt_count;
} showq_msg_t;

typedef struct showq_list {
    showq_msg_t *items;
    size_t count;
} showq_list_t;

/* -1 and *err when a queue directory cannot be read. */
int showq_collect(const queue_t *q, showq_list_t *out, char **err);
void showq_free(showq_list_t *list);

/* postqueue -p (mailq) format, Postfix's long-queue-id layout. */
void showq_print_text(FILE *fp, const showq_list_t *list);
/* postqueue -j: one JSON object per message and line. */
void showq_print_json(FILE *fp, const showq_list_t *list);

#endif
