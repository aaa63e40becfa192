/* qwriter.c - write a new queue file and commit it durably (see qwriter.h
 * for the life of a writer and docs/QUEUE.md for what a crash leaves).
 * Write errors are sticky and reported by finish/commit; misuse of the
 * section order is a panic. */
#include "queue/qwriter.h"
#include "queue/qfs.h"
#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FLUSH_AT 65536

enum wstate { W_ENVELOPE, W_CONTENT, W_EXTRACTED, W_FINISHED, W_COMMITTED };

struct qwriter {
    char id[QUEUE_ID_SIZE];
    buf_t queue_dir;            /* ROOT/QUEUE: where the temp file lives */
    buf_t temp_path;
    buf_t final_dir;            /* ROOT/QUEUE[/H..] */
    buf_t final_path;
    int fd;
    buf_t out;                  /* not yet written bytes */
    long long flushed;          /* bytes written to fd */
    enum wstate state;
    bool renamed;
    bool seen_time, seen_sender, seen_warn, seen_envid, seen_ret;
    bool orig_pending;
    long rcpt_count;
    long long message_size;
    long long content_offset;
    char *error;                /* first write error, sticky */
};

static unsigned temp_sequence;

static void set_error(qwriter_t *w, const char *fmt, const char *detail)
{
    if (w->error == NULL)
        qfs_err(&w->error, fmt, buf_str(&w->temp_path), detail);
}

static void flush_out(qwriter_t *w)
{
    if (w->out.len == 0 || w->error != NULL)
        return;
    if (qfs_write_all(w->fd, w->out.data, w->out.len) < 0)
        set_error(w, "write %s: %s", strerror(errno));
    else
        w->flushed += (long long) w->out.len;
    buf_reset(&w->out);
}

static void emit(qwriter_t *w, int type, const void *data, size_t len)
{
    unsigned char header[QREC_MAX_HEADER];
    size_t n;

    if (len > QREC_MAX_LEN) {
        set_error(w, "%s: %s", "record longer than QREC_MAX_LEN");
        return;
    }
    n = qrec_put_header(header, type, len);
    buf_append(&w->out, header, n);
    buf_append(&w->out, data, len);
    if (w->out.len >= FLUSH_AT)
        flush_out(w);
}

long long qwriter_offset(const qwriter_t *w)
{
    return w->flushed + (long long) w->out.len;
}

const char *qwriter_id(const qwriter_t *w)
{
    return w->id;
}

static int open_temp(qwriter_t *w, char **err)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        buf_reset(&w->temp_path);
        buf_printf(&w->temp_path, "%s/tmp.%ld.%u", buf_str(&w->queue_dir),
                   (long) getpid(), temp_sequence++);
        w->fd = open(buf_str(&w->temp_path),
                     O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (w->fd >= 0)
            return 0;
        if (errno != EEXIST)
            break;
    }
    return qfs_err(err, "create %s: %s", buf_str(&w->temp_path), strerror(errno));
}

static int assign_id(qwriter_t *w, const queue_t *q, const char *queue_name,
                     char **err)
{
    struct stat st;
    struct timespec now;

    if (fstat(w->fd, &st) < 0)
        return qfs_err(err, "fstat %s: %s", buf_str(&w->temp_path), strerror(errno));
    if (clock_gettime(CLOCK_REALTIME, &now) < 0)
        return qfs_err(err, "clock_gettime: %s", strerror(errno));
    if (!queue_id_make(w->id, &now, (uint64_t) st.st_ino))
        return qfs_err(err, "cannot make a queue id (clock or inode out of range)");
    if (queue_dir_of(q, queue_name, w->id, &w->final_dir, err) < 0)
        return -1;
    buf_reset(&w->final_path);
    buf_printf(&w->final_path, "%s/%s", buf_str(&w->final_dir), w->id);
    return 0;
}

static void put_size(qwriter_t *w, bool complete)
{
    qsize_t size = {w->message_size, w->content_offset, w->rcpt_count, complete};
    char text[QREC_SIZE_LEN + 1];

    qrec_format_size(text, &size);
    emit(w, QREC_SIZE, text, QREC_SIZE_LEN);
}

qwriter_t *qwriter_create(const queue_t *q, const char *queue_name, char **err)
{
    qwriter_t *w;

    if (!queue_name_valid(queue_name)) {
        qfs_err(err, "invalid queue name \"%s\"", queue_name ? queue_name : "(null)");
        return NULL;
    }
    w = xcalloc(1, sizeof(*w));
    buf_init(&w->queue_dir);
    buf_init(&w->temp_path);
    buf_init(&w->final_dir);
    buf_init(&w->final_path);
    buf_init(&w->out);
    w->fd = -1;
    buf_printf(&w->queue_dir, "%s/%s", queue_root(q), queue_name);
    if (open_temp(w, err) < 0 || assign_id(w, q, queue_name, err) < 0) {
        qwriter_free(w);
        return NULL;
    }
    put_size(w, false);
    return w;
}

static void check_section(qwriter_t *w, int type)
{
    const char *allowed = w->state == W_ENVELOPE ? "TcSirWAOoR"
        : w->state == W_CONTENT ? "NL" : w->state == W_EXTRACTED ? "AOoR" : "";

    if (type & QREC_OPTIONAL) {
        if (w->state >= W_FINISHED)
            msg_panic("qwriter: record after finish");
        return;
    }
    if (strchr(allowed, type) == NULL || type == 0)
        msg_panic("qwriter: record type '%c' not allowed here (state %d)", type, w->state);
    if (w->orig_pending && type != QREC_RCPT && type != QREC_ORIG_RCPT
        && type != QREC_DSN_ORCPT)
        msg_panic("qwriter: original recipient not followed by a recipient");
}

/* Once-only envelope records. */
static void check_once(bool *seen, int type)
{
    if (*seen)
        msg_panic("qwriter: second '%c' record", type);
    *seen = true;
}

void qwriter_put(qwriter_t *w, int type, const void *data, size_t len)
{
    check_section(w, type);
    switch (type) {
    case QREC_TIME: check_once(&w->seen_time, type); break;
    case QREC_SENDER: check_once(&w->seen_sender, type); break;
    case QREC_WARN: check_once(&w->seen_warn, type); break;
    case QREC_ENVID: check_once(&w->seen_envid, type); break;
    case QREC_RET: check_once(&w->seen_ret, type); break;
    case QREC_ORIG_RCPT: case QREC_DSN_ORCPT: w->orig_pending = true; break;
    case QREC_RCPT: w->orig_pending = false; w->rcpt_count++; break;
    case QREC_LINE: w->message_size += (long long) len + 1; break;
    case QREC_PARTIAL: w->message_size += (long long) len; break;
    default: break;
    }
    emit(w, type, data, len);
}

static void put_string(qwriter_t *w, int type, const char *s)
{
    qwriter_put(w, type, s, strlen(s));
}

void qwriter_put_time(qwriter_t *w, int type, const struct timeval *tv)
{
    char text[32];

    if (type != QREC_TIME && type != QREC_CREATE_TIME)
        msg_panic("qwriter_put_time: type '%c' is not a time", type);
    qrec_format_time(text, tv);
    put_string(w, type, text);
}

void qwriter_put_sender(qwriter_t *w, const char *sender)
{
    put_string(w, QREC_SENDER, sender);
}

void qwriter_put_envid(qwriter_t *w, const char *envid)
{
    put_string(w, QREC_ENVID, envid);
}

void qwriter_put_ret(qwriter_t *w, int ret)
{
    if (ret != QDSN_RET_FULL && ret != QDSN_RET_HDRS)
        msg_panic("qwriter_put_ret: bad value %d", ret);
    put_string(w, QREC_RET, ret == QDSN_RET_FULL ? "FULL" : "HDRS");
}

void qwriter_put_warn(qwriter_t *w, long long when)
{
    char text[QREC_WARN_LEN + 1];

    if (when < 0 || when > 999999999999LL)
        msg_panic("qwriter_put_warn: bad time %lld", when);
    qrec_format_warn(text, when);
    qwriter_put(w, QREC_WARN, text, QREC_WARN_LEN);
}

void qwriter_put_attr(qwriter_t *w, const char *name, const char *value)
{
    buf_t b = BUF_INIT;

    if (name[0] == '\0' || name[strspn(name, "abcdefghijklmnopqrstuvwxyz"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")] != '\0')
        msg_panic("qwriter_put_attr: bad attribute name \"%s\"", name);
    buf_printf(&b, "%s=%s", name, value);
    qwriter_put(w, QREC_ATTR, b.data, b.len);
    buf_dispose(&b);
}

void qwriter_put_rcpt(qwriter_t *w, const char *address, const char *orig,
                      const char *dsn_orcpt, int notify)
{
    static const char hex[] = "0123456789ABCDEF";
    buf_t b = BUF_INIT;

    if (!qrec_notify_valid(notify))
        msg_panic("qwriter_put_rcpt: bad notify value %d", notify);
    if (orig != NULL)
        put_string(w, QREC_ORIG_RCPT, orig);
    if (dsn_orcpt != NULL)
        put_string(w, QREC_DSN_ORCPT, dsn_orcpt);
    buf_putc(&b, QREC_RCPT_TODO);
    buf_putc(&b, hex[notify]);
    buf_puts(&b, address);
    qwriter_put(w, QREC_RCPT, b.data, b.len);
    buf_dispose(&b);
}

void qwriter_begin_content(qwriter_t *w)
{
    if (w->state != W_ENVELOPE || w->orig_pending)
        msg_panic("qwriter_begin_content: not in the envelope section");
    w->content_offset = qwriter_offset(w);
    emit(w, QREC_CONTENT, "", 0);
    w->state = W_CONTENT;
}

void qwriter_put_partial(qwriter_t *w, const void *data, size_t len)
{
    const char *p = data;

    do {
        size_t chunk = len > QREC_MAX_LEN ? QREC_MAX_LEN : len;
        qwriter_put(w, QREC_PARTIAL, p, chunk);
        p += chunk;
        len -= chunk;
    } while (len > 0);
}

void qwriter_put_line(qwriter_t *w, const void *data, size_t len)
{
    const char *p = data;

    if (len > QREC_MAX_LEN) {
        size_t head = len - len % QREC_MAX_LEN;
        if (head == len)
            head -= QREC_MAX_LEN;
        qwriter_put_partial(w, p, head);
        p += head;
        len -= head;
    }
    qwriter_put(w, QREC_LINE, p, len);
}

void qwriter_end_content(qwriter_t *w)
{
    if (w->state != W_CONTENT)
        msg_panic("qwriter_end_content: content not begun");
    emit(w, QREC_XTRACT, "", 0);
    w->state = W_EXTRACTED;
}

int qwriter_finish(qwriter_t *w, char **err)
{
    unsigned char header[QREC_MAX_HEADER];
    char text[QREC_SIZE_LEN + 1];
    qsize_t size;
    size_t hlen;

    if (w->state >= W_FINISHED)
        msg_panic("qwriter_finish: already finished");
    if (!w->seen_time || !w->seen_sender || w->orig_pending)
        msg_panic("qwriter_finish: envelope lacks arrival time or sender");
    if (w->state == W_ENVELOPE)
        qwriter_begin_content(w);
    if (w->state == W_CONTENT)
        qwriter_end_content(w);
    emit(w, QREC_END, "", 0);
    flush_out(w);
    size = (qsize_t) {w->message_size, w->content_offset, w->rcpt_count, true};
    qrec_format_size(text, &size);
    hlen = qrec_put_header(header, QREC_SIZE, QREC_SIZE_LEN);
    if (w->error == NULL && qfs_pwrite_all(w->fd, text, QREC_SIZE_LEN, (off_t) hlen) < 0)
        set_error(w, "write %s: %s", strerror(errno));
    if (w->error == NULL && fchmod(w->fd, 0700) < 0)
        set_error(w, "fchmod %s: %s", strerror(errno));
    w->state = W_FINISHED;
    if (w->error != NULL)
        return qfs_err(err, "%s", w->error);
    return 0;
}

int qwriter_commit(qwriter_t *w, char **err)
{
    int result;
    char *msg = NULL;

    qwriter_commit_batch(&w, 1, &result, &msg);
    if (result < 0) {
        qfs_err(err, "%s", msg);
        xfree(msg);
    }
    return result;
}

/* Makes missing hashed subdirectories between queue_dir and final_dir. */
static int make_final_dir(qwriter_t *w)
{
    buf_t part = BUF_INIT;
    int rc = 0;

    for (size_t at = w->queue_dir.len + 2; rc == 0 && at <= w->final_dir.len; at += 2) {
        buf_reset(&part);
        buf_append(&part, w->final_dir.data, at);
        rc = qfs_mkdir(buf_str(&part), 0700);
    }
    buf_dispose(&part);
    return rc;
}

static void fail(qwriter_t *w, int *result, char **errs, const char *what)
{
    *result = -1;
    if (*errs == NULL)
        qfs_err(errs, "%s %s: %s", what, buf_str(&w->temp_path), strerror(errno));
}

static int rename_into_place(qwriter_t *w)
{
    int rc = qfs_rename_noreplace(buf_str(&w->temp_path), buf_str(&w->final_path));

    if (rc < 0 && errno == ENOENT && make_final_dir(w) == 0)
        rc = qfs_rename_noreplace(buf_str(&w->temp_path), buf_str(&w->final_path));
    if (rc == 0)
        w->renamed = true;
    return rc;
}

/* One fsync per distinct final directory; a failure fails every writer
 * renamed into that directory and takes its file back out. */
static void sync_directories(qwriter_t **ws, size_t n, int *results, char **errs)
{
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        if (results[i] < 0)
            continue;
        for (size_t j = 0; j < i && !seen; j++)
            seen = results[j] == 0 && strcmp(buf_str(&ws[j]->final_dir), buf_str(&ws[i]->final_dir)) == 0;
        if (seen || qfs_fsync_dir(buf_str(&ws[i]->final_dir)) == 0)
            continue;
        for (size_t j = i; j < n; j++) {
            if (results[j] < 0 || strcmp(buf_str(&ws[j]->final_dir), buf_str(&ws[i]->final_dir)) != 0)
                continue;
            fail(ws[j], &results[j], &errs[j], "fsync directory for");
            if (unlink(buf_str(&ws[j]->final_path)) == 0)
                ws[j]->renamed = false;
        }
    }
}

size_t qwriter_commit_batch(qwriter_t **ws, size_t n, int *results, char **errs)
{
    size_t committed = 0;

    for (size_t i = 0; i < n; i++) {
        results[i] = 0;
        errs[i] = NULL;
        if (ws[i]->state == W_COMMITTED)
            msg_panic("qwriter_commit: %s committed twice", ws[i]->id);
        if (ws[i]->state < W_FINISHED && qwriter_finish(ws[i], &errs[i]) < 0)
            results[i] = -1;
        else if (ws[i]->error != NULL)
            results[i] = qfs_err(&errs[i], "%s", ws[i]->error);
    }
    /* Start write-back of every file before waiting on any of them. */
    for (size_t i = 0; i < n; i++)
        if (results[i] == 0)
            (void) sync_file_range(ws[i]->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
            /* advisory only (may be unsupported): the fsync below decides */
    for (size_t i = 0; i < n; i++)
        if (results[i] == 0 && fsync(ws[i]->fd) < 0)
            fail(ws[i], &results[i], &errs[i], "fsync");
    for (size_t i = 0; i < n; i++)
        if (results[i] == 0 && rename_into_place(ws[i]) < 0)
            fail(ws[i], &results[i], &errs[i], "rename into place");
    sync_directories(ws, n, results, errs);
    for (size_t i = 0; i < n; i++) {
        if (results[i] == 0) {
            ws[i]->state = W_COMMITTED;
            committed++;
        }
    }
    return committed;
}

void qwriter_abort(qwriter_t *w)
{
    qwriter_free(w);
}

void qwriter_free(qwriter_t *w)
{
    if (w == NULL)
        return;
    if (w->fd >= 0 && close(w->fd) < 0)
        msg_warn("close %s: %s", buf_str(&w->temp_path), strerror(errno));
    if (w->state != W_COMMITTED && w->fd >= 0) {
        const char *path = buf_str(w->renamed ? &w->final_path : &w->temp_path);
        if (unlink(path) < 0 && errno != ENOENT)
            msg_warn("remove %s: %s", path, strerror(errno));
    }
    buf_dispose(&w->queue_dir);
    buf_dispose(&w->temp_path);
    buf_dispose(&w->final_dir);
    buf_dispose(&w->final_path);
    buf_dispose(&w->out);
    xfree(w->error);
    xfree(w);
}
