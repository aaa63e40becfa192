/* qlog.c - per-message delivery logs (see qlog.h): append one entry with a
 * single O_APPEND write, read and parse a whole log. Fails through
 * char **err; the parser itself accepts any bytes. */
#include "queue/qlog.h"
#include "queue/qfs.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_log_queue(const char *name)
{
    return name != NULL && (strcmp(name, QUEUE_BOUNCE) == 0
        || strcmp(name, QUEUE_DEFER) == 0 || strcmp(name, QUEUE_TRACE) == 0);
}

static void put_field(buf_t *b, const char *name, const char *value)
{
    if (value == NULL)
        return;
    buf_printf(b, "%s=", name);
    for (const unsigned char *p = (const unsigned char *) value; *p; p++)
        buf_putc(b, *p < 0x20 || *p == 0x7f ? ' ' : *p);
    buf_putc(b, '\n');
}

static void format_entry(buf_t *b, const qlog_entry_t *e)
{
    put_field(b, "recipient", e->recipient ? e->recipient : "");
    put_field(b, "orig_rcpt", e->orig_rcpt);
    put_field(b, "dsn_orcpt", e->dsn_orcpt);
    if (e->offset >= 0)
        buf_printf(b, "offset=%lld\n", e->offset);
    put_field(b, "status", e->status);
    put_field(b, "action", e->action);
    put_field(b, "reason", e->reason);
    buf_putc(b, '\n');
}

/* Opens the log for appending, making a missing hashed subdirectory. */
static int open_log(const char *path, const char *dir, bool *created)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);

    *created = false;
    if (fd >= 0 || errno != ENOENT)
        return fd;
    *created = true;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0 || errno != ENOENT)
        return fd;
    if (qfs_mkdir(dir, 0700) < 0)
        return -1;
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

int qlog_append(const queue_t *q, const char *log_queue, const char *id,
                const qlog_entry_t *entry, bool sync, char **err)
{
    buf_t path = BUF_INIT, dir = BUF_INIT, text = BUF_INIT;
    bool created;
    int fd = -1, rc = -1;

    if (!is_log_queue(log_queue))
        return qfs_err(err, "not a log queue: \"%s\"", log_queue ? log_queue : "(null)");
    if (queue_dir_of(q, log_queue, id, &dir, err) < 0)
        goto out;
    buf_printf(&path, "%s/%s", buf_str(&dir), id);
    format_entry(&text, entry);
    if ((fd = open_log(buf_str(&path), buf_str(&dir), &created)) < 0) {
        qfs_err(err, "open %s: %s", buf_str(&path), strerror(errno));
        goto out;
    }
    if (qfs_write_all(fd, text.data, text.len) < 0
        || (sync && fdatasync(fd) < 0)
        || (sync && created && qfs_fsync_dir(buf_str(&dir)) < 0)) {
        qfs_err(err, "write %s: %s", buf_str(&path), strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0 && close(fd) < 0 && rc == 0)
        rc = qfs_err(err, "close %s: %s", buf_str(&path), strerror(errno));
    buf_dispose(&path);
    buf_dispose(&dir);
    buf_dispose(&text);
    return rc;
}

static void entry_free(qlog_entry_t *e)
{
    xfree(e->recipient);
    xfree(e->orig_rcpt);
    xfree(e->dsn_orcpt);
    xfree(e->status);
    xfree(e->action);
    xfree(e->reason);
    memset(e, 0, sizeof(*e));
    e->offset = -1;
}

static void set_field(qlog_entry_t *e, const char *line, size_t len)
{
    static const struct { const char *name; size_t at; } fields[] = {
        {"recipient", offsetof(qlog_entry_t, recipient)},
        {"orig_rcpt", offsetof(qlog_entry_t, orig_rcpt)},
        {"dsn_orcpt", offsetof(qlog_entry_t, dsn_orcpt)},
        {"status", offsetof(qlog_entry_t, status)},
        {"action", offsetof(qlog_entry_t, action)},
        {"reason", offsetof(qlog_entry_t, reason)},
    };
    const char *eq = memchr(line, '=', len);
    size_t name_len = eq ? (size_t) (eq - line) : 0;

    if (eq == NULL)
        return;
    if (name_len == 6 && memcmp(line, "offset", 6) == 0) {
        long long v = 0;
        size_t i = 7;
        for (; i < len && i < 7 + 15 && line[i] >= '0' && line[i] <= '9'; i++)
            v = v * 10 + (line[i] - '0');
        e->offset = i == len && len > 7 ? v : -1;
        return;
    }
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (strlen(fields[i].name) == name_len && memcmp(line, fields[i].name, name_len) == 0) {
            char **slot = (char **) ((char *) e + fields[i].at);
            xfree(*slot);
            *slot = xstrndup(eq + 1, len - name_len - 1);
            return;
        }
    }
}

static void finish_entry(qlog_list_t *out, qlog_entry_t *e)
{
    if (e->recipient == NULL) {
        entry_free(e);
        return;
    }
    out->items = xreallocarray(out->items, out->count + 1, sizeof(*out->items));
    out->items[out->count++] = *e;
    memset(e, 0, sizeof(*e));
    e->offset = -1;
}

void qlog_parse(const char *data, size_t len, qlog_list_t *out)
{
    qlog_entry_t e;
    size_t pos = 0;

    out->items = NULL;
    out->count = 0;
    memset(&e, 0, sizeof(e));
    e.offset = -1;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t line_len = nl ? (size_t) (nl - (data + pos)) : len - pos;
        size_t text_len = line_len;

        if (text_len > 0 && data[pos + text_len - 1] == '\r')
            text_len--;                     /* tolerate CRLF */
        /* NUL bytes would cut C strings short: such lines are ignored */
        if (text_len == 0)
            finish_entry(out, &e);
        else if (memchr(data + pos, '\0', text_len) == NULL)
            set_field(&e, data + pos, text_len);
        pos += line_len + 1;
    }
    finish_entry(out, &e);      /* an entry without its empty line */
}

int qlog_read(const queue_t *q, const char *log_queue, const char *id,
              qlog_list_t *out, char **err)
{
    buf_t path = BUF_INIT, data = BUF_INIT;
    int found, fd, rc = -1;
    struct stat st;
    ssize_t got;

    out->items = NULL;
    out->count = 0;
    if (!is_log_queue(log_queue))
        return qfs_err(err, "not a log queue: \"%s\"", log_queue ? log_queue : "(null)");
    if ((found = queue_find(q, log_queue, id, &path, err)) <= 0) {
        buf_dispose(&path);
        return found;                       /* 0: no log = empty */
    }
    if ((fd = open(buf_str(&path), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
        rc = errno == ENOENT ? 0 : qfs_err(err, "open %s: %s", buf_str(&path), strerror(errno));
        buf_dispose(&path);
        return rc;
    }
    if (fstat(fd, &st) < 0) {
        qfs_err(err, "fstat %s: %s", buf_str(&path), strerror(errno));
    } else if (st.st_size > QLOG_MAX_FILE) {
        qfs_err(err, "%s: log file too large", buf_str(&path));
    } else {
        buf_reserve(&data, (size_t) st.st_size);
        got = qfs_pread_full(fd, data.data, (size_t) st.st_size, 0);
        if (got < 0) {
            qfs_err(err, "read %s: %s", buf_str(&path), strerror(errno));
        } else {
            data.len = (size_t) got;
            qlog_parse(data.data, data.len, out);
            rc = 0;
        }
    }
    (void) close(fd);           /* read-only */
    buf_dispose(&path);
    buf_dispose(&data);
    return rc;
}

const char *qlog_reason(const qlog_list_t *list, const char *recipient)
{
    for (size_t i = list->count; i > 0; i--)
        if (strcmp(list->items[i - 1].recipient, recipient) == 0)
            return list->items[i - 1].reason;
    return NULL;
}

void qlog_list_free(qlog_list_t *list)
{
    for (size_t i = 0; i < list->count; i++)
        entry_free(&list->items[i]);
    xfree(list->items);
    list->items = NULL;
    list->count = 0;
}
