/* queue_fixture.c - test helper (not installed): makes a queue_directory
 * and queue files with the writer API, for the postqueue and postsuper
 * golden tests. Usage: queue_fixture QUEUE_DIR [HASH_DEPTH] < spec
 * Spec lines (words separated by single spaces):
 *   msg QUEUE ARRIVAL SENDER BODYBYTES   start a message ("<>" = null sender)
 *   rcpt ADDRESS [done]                  add a recipient (done: marked after commit)
 *   reason ADDRESS TEXT...               defer-log entry after commit
 *   end                                  commit; prints the queue id
 * Any error is fatal (exit 1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "queue/qfile.h"
#include "queue/qlog.h"
#include "queue/qwriter.h"
#include "util/mem.h"
#include "util/msg.h"

#define MAX_ITEMS 64

struct pending {
    qwriter_t *w;
    char *queue_name;
    long body_bytes;
    size_t done[MAX_ITEMS], ndone, nrcpt;
    char *reason_rcpt[MAX_ITEMS], *reason_text[MAX_ITEMS];
    size_t nreason;
};

static void start(const queue_t *q, struct pending *p, char *args)
{
    char *queue_name = strtok(args, " "), *arrival = strtok(NULL, " ");
    char *sender = strtok(NULL, " "), *bytes = strtok(NULL, " ");
    struct timeval tv = {0, 0};
    char *err = NULL;

    if (bytes == NULL)
        msg_fatal("msg: QUEUE ARRIVAL SENDER BODYBYTES expected");
    memset(p, 0, sizeof(*p));
    if ((p->w = qwriter_create(q, queue_name, &err)) == NULL)
        msg_fatal("%s", err);
    p->queue_name = xstrdup(queue_name);
    p->body_bytes = atol(bytes);
    tv.tv_sec = atol(arrival);
    qwriter_put_time(p->w, QREC_TIME, &tv);
    qwriter_put_sender(p->w, strcmp(sender, "<>") == 0 ? "" : sender);
    qwriter_put_warn(p->w, 0);
}

static void finish(const queue_t *q, struct pending *p)
{
    char *err = NULL, line[64];
    qfile_t *qf;

    qwriter_begin_content(p->w);
    qwriter_put_line(p->w, "Subject: fixture", 16);
    qwriter_put_line(p->w, "", 0);
    memset(line, 'x', sizeof(line));
    for (long left = p->body_bytes; left > 0; left -= 64)
        qwriter_put_line(p->w, line, (size_t) (left >= 64 ? 63 : left - 1));
    if (qwriter_commit(p->w, &err) < 0)
        msg_fatal("%s", err);
    if (p->ndone > 0) {
        if (qfile_open(q, p->queue_name, qwriter_id(p->w), QFILE_WRITE, &qf, &err) != QFILE_OK)
            msg_fatal("%s", err);
        for (size_t i = 0; i < p->ndone; i++)
            if (qfile_mark_done(qf, p->done[i], &err) != QFILE_OK)
                msg_fatal("%s", err);
        qfile_close(qf);
    }
    for (size_t i = 0; i < p->nreason; i++) {
        qlog_entry_t e = {p->reason_rcpt[i], NULL, NULL, -1, "4.4.1", "delayed", p->reason_text[i]};
        if (qlog_append(q, QUEUE_DEFER, qwriter_id(p->w), &e, false, &err) < 0)
            msg_fatal("%s", err);
        xfree(p->reason_rcpt[i]);
        xfree(p->reason_text[i]);
    }
    printf("%s\n", qwriter_id(p->w));
    qwriter_free(p->w);
    xfree(p->queue_name);
    p->w = NULL;
}

static void spec_line(const queue_t *q, struct pending *p, char *line)
{
    char *space = strchr(line, ' ');
    char *args = space ? space + 1 : line + strlen(line);

    if (space)
        *space = '\0';
    if (strcmp(line, "msg") == 0) {
        start(q, p, args);
    } else if (p->w == NULL) {
        msg_fatal("\"%s\" outside a message", line);
    } else if (strcmp(line, "rcpt") == 0 && p->nrcpt < MAX_ITEMS) {
        char *done = strchr(args, ' ');
        if (done)
            *done++ = '\0';
        if (done && strcmp(done, "done") == 0)
            p->done[p->ndone++] = p->nrcpt;
        qwriter_put_rcpt(p->w, args, NULL, NULL, 0);
        p->nrcpt++;
    } else if (strcmp(line, "reason") == 0 && p->nreason < MAX_ITEMS && strchr(args, ' ')) {
        char *text = strchr(args, ' ');
        *text++ = '\0';
        p->reason_rcpt[p->nreason] = xstrdup(args);
        p->reason_text[p->nreason++] = xstrdup(text);
    } else if (strcmp(line, "end") == 0) {
        finish(q, p);
    } else {
        msg_fatal("bad spec line \"%s\"", line);
    }
}

int main(int argc, char **argv)
{
    char line[1024], *err = NULL;
    struct pending p;
    queue_t *q;

    msg_init("queue_fixture", MSG_SINK_STDERR);
    if (argc != 2 && argc != 3)
        msg_fatal("usage: queue_fixture QUEUE_DIR [HASH_DEPTH] < spec");
    if ((q = queue_new(argv[1], NULL, argc == 3 ? atoi(argv[2]) : 1, &err)) == NULL
        || queue_layout_repair(q, getuid(), getgid(), getgid(), NULL, &err) < 0)
        msg_fatal("%s", err);
    memset(&p, 0, sizeof(p));
    while (fgets(line, sizeof(line), stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != '\0' && line[0] != '#')
            spec_line(q, &p, line);
    }
    if (p.w != NULL)
        msg_fatal("message without \"end\"");
    queue_free(q);
    return fflush(stdout) == 0 ? 0 : 1;
}
