/* pickup.c - maildrop/ -> cleanup (see pickup.h). Per-file problems are
 * logged and handled (bounce, corrupt/, retry later); a failure of the scan or of
 * cleanup returns -1 with *err. */
#include "pickup/pickup.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bounce/bounce.h"
#include "cleanup_client/cleanup_client.h"
#include "ipc/attr_names.h"
#include "queue/qfile.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/trigger.h"

#define CHUNK 65536
#define TRIGGER_TIMEOUT_MS 1000

struct pickup {
    const queue_t *q;
    const pickup_config_t *cfg;
    cleanup_client_t *client;  /* connected on first use */
};

static void to_corrupt(const queue_t *q, const char *id, const char *why)
{
    char *err = NULL;

    msg_warn("maildrop file %s: %s: moved to %s", id, why, QUEUE_CORRUPT);
    if (queue_move(q, id, QUEUE_MAILDROP, QUEUE_CORRUPT, &err) < 0) {
        msg_warn("move %s to %s: %s", id, QUEUE_CORRUPT, err);
        xfree(err);
    }
}

/* Postfix's trace header for a local submission: the file owner's uid,
 * not the login name; the date is the maildrop file's mtime. */
static void received_header(const struct pickup *p, const char *queue_id, uid_t uid,
                            time_t when, buf_t *out)
{
    char date[64];
    struct tm tm;

    if (localtime_r(&when, &tm) == NULL
        || strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z (%Z)", &tm) == 0)
        snprintf(date, sizeof(date), "Thu, 01 Jan 1970 00:00:00 +0000");
    buf_printf(out, "Received: by %s (Postern, from userid %ld)\n\tid %s; %s\n",
               p->cfg->myhostname, (long) uid, queue_id, date);
}

/* The content records as "line\n" chunks, after the prefix. */
static int send_content(cleanup_client_t *c, qfile_t *qf, const buf_t *prefix, char **err)
{
    const qenvelope_t *env = qfile_envelope(qf);
    buf_t chunk = BUF_INIT;
    qrecord_t rec;
    int rc;

    buf_append(&chunk, prefix->data, prefix->len);
    qfile_seek(qf, env->size.content_offset);
    while ((rc = qfile_next(qf, &rec, err)) == 1) {
        if (rec.type == QREC_XTRACT)
            break;
        if (rec.type != QREC_LINE && rec.type != QREC_PARTIAL)
            continue;
        buf_append(&chunk, rec.data, rec.len);
        if (rec.type == QREC_LINE)
            buf_putc(&chunk, '\n');
        if (chunk.len >= CHUNK) {
            if (cleanup_client_content(c, chunk.data, chunk.len, err) < 0)
                break;
            buf_reset(&chunk);
        }
    }
    if (rc < 0) {
        buf_dispose(&chunk);
        return -2;                 /* the file, not cleanup */
    }
    if (chunk.len > 0 && (rc = cleanup_client_content(c, chunk.data, chunk.len, err)) < 0) {
        buf_dispose(&chunk);
        return -1;
    }
    buf_dispose(&chunk);
    return *err ? -1 : 0;
}

static int send_envelope(cleanup_client_t *c, qfile_t *qf, char **err)
{
    const qenvelope_t *env = qfile_envelope(qf);
    cleanup_envelope_t e = {0};
    cleanup_rcpt_t *rcpts = xcalloc(env->rcpt_count + 1, sizeof(*rcpts));
    size_t i, n = 0;
    int rc;

    for (i = 0; i < env->rcpt_count; i++) {
        if (env->rcpts[i].done)
            continue;
        rcpts[n].address = env->rcpts[i].address;
        rcpts[n].orig = env->rcpts[i].orig;
        rcpts[n].orcpt = env->rcpts[i].dsn_orcpt;
        rcpts[n].notify = env->rcpts[i].notify;
        n++;
    }
    e.sender = env->sender;
    e.envid = env->envid;
    e.ret = env->ret;
    e.full_name = qfile_attr(qf, ATTR_FULL_NAME);
    e.protocol_name = "local";
    e.rcpts = rcpts;
    e.rcpt_count = n;
    rc = cleanup_client_envelope(c, &e, err);
    xfree(rcpts);
    return rc;
}

/* Replays one validated file. 0 done, 1 refused by cleanup (err set),
 * -1 cleanup broke, -2 the file failed while reading. */
static int replay(struct pickup *p, qfile_t *qf, const struct stat *st, char **err)
{
    cleanup_result_t res;
    buf_t received = BUF_INIT;
    uid_t uid = st->st_uid;
    int rc;

    if (p->client == NULL
        && (p->client = cleanup_client_connect(p->cfg->cleanup_socket, PICKUP_CLEANUP_TIMEOUT_MS,
                                                err)) == NULL)
        return -1;
    if ((rc = cleanup_client_open(p->client, CLEANUP_FLAG_LOCAL_SUBMISSION, err)) != 0)
        return rc;
    msg_info("%s: uid=%ld from=<%s>", cleanup_client_queue_id(p->client), (long) uid,
             qfile_envelope(qf)->sender);
    if ((rc = send_envelope(p->client, qf, err)) != 0)
        return rc;
    received_header(p, cleanup_client_queue_id(p->client), uid, st->st_mtime, &received);
    rc = send_content(p->client, qf, &received, err);
    buf_dispose(&received);
    if (rc != 0) {
        if (rc == -2) {
            char *ignored = NULL;

            if (cleanup_client_abort(p->client, &ignored) < 0)
                rc = -1;
            xfree(ignored);
        }
        return rc;
    }
    return cleanup_client_finish(p->client, &res, err);
}

static void drop_client(struct pickup *p)
{
    cleanup_client_close(p->client);
    p->client = NULL;
}

/* Before opening: only a plain file with one link (not a FIFO that would
 * block the open, not a hard link to someone else's file). 0 ok, 1 moved
 * to corrupt/, -1 gone. */
static int precheck(struct pickup *p, const char *path, const char *id)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return -1;
    if (!S_ISREG(st.st_mode)) {
        to_corrupt(p->q, id, "not a regular file");
        return 1;
    }
    if (st.st_nlink != 1) {
        to_corrupt(p->q, id, "file has more than one link");
        return 1;
    }
    return 0;
}

/* A permanent refusal ("5.x.y reason") returned to the sender: 0 the
 * notice is queued, -1 not (warned; the file stays for the next scan). */
static int bounce_refused(struct pickup *p, qfile_t *qf, const char *id, const char *why)
{
    const qenvelope_t *env = qfile_envelope(qf);
    bounce_rcpt_t *list = xcalloc(env->rcpt_count ? env->rcpt_count : 1, sizeof(*list));
    bounce_params_t bp = {.myhostname = p->cfg->myhostname, .queue_id = id,
                          .size_limit = p->cfg->bounce_size_limit, .now = time(NULL)};
    const char *space = strchr(why, ' ');
    char *dsn = space ? xstrndup(why, (size_t) (space - why)) : xstrdup(why);
    char *new_id = NULL, *err = NULL;
    size_t n = 0;
    int rc;

    for (size_t i = 0; i < env->rcpt_count; i++)
        if (!env->rcpts[i].done)
            list[n++] = (bounce_rcpt_t) {env->rcpts[i].address, env->rcpts[i].orig,
                                         env->rcpts[i].dsn_orcpt, dsn,
                                         space ? space + 1 : why, NULL, 0};
    rc = bounce_queue(p->q, qf, BOUNCE_FAILED, list, n, &bp, &new_id, &err);
    if (rc < 0) {
        msg_warn("maildrop file %s: cannot return it to the sender: %s", id, err);
        xfree(err);
    } else {
        msg_info("%s: sender non-delivery notification: %s", id, new_id);
        xfree(new_id);
        if (p->cfg->qmgr_socket
            && trigger_unix(p->cfg->qmgr_socket, "W", 1, TRIGGER_TIMEOUT_MS, &err) < 0)
            xfree(err);
    }
    xfree(dsn);
    xfree(list);
    return rc;
}

/* After cleanup's permanent refusal: bounce (then remove the file) or,
 * with nobody to tell, corrupt/. */
static void refused(struct pickup *p, qfile_t *qf, const char *id, const char *why)
{
    char *err = NULL;

    msg_info("%s: reject: %s (sender <%s>)", id, why, qfile_envelope(qf)->sender);
    if (*qfile_envelope(qf)->sender == 0) {
        to_corrupt(p->q, id, why);
        return;
    }
    if (bounce_refused(p, qf, id, why) < 0)
        return;
    if (queue_remove(p->q, QUEUE_MAILDROP, id, true, &err) < 0) {
        msg_warn("remove maildrop file %s: %s", id, err);
        xfree(err);
    }
}

/* One maildrop file. Returns 1 handed over, 0 skipped, -1 stop the scan. */
static int pickup_one(struct pickup *p, const queue_entry_t *entry, char **err)
{
    const char *id = entry->id;
    qfile_t *qf = NULL;
    struct stat st;
    char *why = NULL;
    int rc;

    if (precheck(p, entry->path, id) != 0)
        return 0;
    rc = qfile_open(p->q, QUEUE_MAILDROP, id, QFILE_READ, &qf, &why);

    if (rc == QFILE_ERR_NOTFOUND) {
        xfree(why);
        return 0;
    }
    if (rc == QFILE_ERR_CORRUPT) {
        to_corrupt(p->q, id, why);
        xfree(why);
        return 0;
    }
    if (rc != QFILE_OK || fstat(qfile_fd(qf), &st) < 0 || !S_ISREG(st.st_mode)
        || st.st_nlink != 1) {
        msg_warn("maildrop file %s: %s", id, why ? why : "not a regular file");
        xfree(why);
        qfile_close(qf);
        return 0;
    }
    rc = replay(p, qf, &st, &why);
    if (rc == 1 && why && why[0] == '5') {
        refused(p, qf, id, why);
        qfile_close(qf);
        xfree(why);
        return 0;
    }
    qfile_close(qf);
    if (rc == 0) {
        if (queue_remove(p->q, QUEUE_MAILDROP, id, true, &why) < 0) {
            msg_warn("remove maildrop file %s: %s", id, why);
            xfree(why);
        }
        return 1;
    }
    if (rc == -2) {
        to_corrupt(p->q, id, why);
        xfree(why);
        return 0;
    }
    if (rc == 1) {
        msg_warn("maildrop file %s: cleanup: %s (will retry)", id, why);
        xfree(why);
        return 0;
    }
    drop_client(p);
    *err = why;
    return -1;
}

int pickup_scan(const queue_t *q, const pickup_config_t *cfg, char **err)
{
    struct pickup p = {q, cfg, NULL};
    queue_list_t list;
    size_t i;
    int count = 0;

    if (queue_scan(q, QUEUE_MAILDROP, &list, err) < 0)
        return -1;
    for (i = 0; i < list.count; i++) {
        int rc = pickup_one(&p, &list.items[i], err);

        if (rc < 0) {
            count = -1;
            break;
        }
        count += rc;
    }
    queue_list_free(&list);
    drop_client(&p);
    return count;
}
