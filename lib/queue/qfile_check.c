/* qfile_check.c - validate a whole queue file and parse its envelope
 * (rules in qrec.h and docs/QUEUE.md). Anything unexpected is
 * QFILE_ERR_CORRUPT with a message naming the offset; read errors are
 * QFILE_ERR_IO. */
#include "queue/qfile_impl.h"
#include "queue/qfs.h"
#include "util/mem.h"

#include <string.h>

enum section { S_SIZE, S_ENVELOPE, S_CONTENT, S_EXTRACTED, S_DONE };

struct check {
    qfile_t *qf;
    enum section section;
    bool seen_time, seen_ctime, seen_sender, seen_envid, seen_ret, seen_warn;
    char *orig, *dsn_orcpt;    /* pending for the next R */
    long long message_size;
    size_t rcpt_cap;
    char **err;
};

static int corrupt(struct check *c, const qrecord_t *rec, const char *why)
{
    qfs_err(c->err, "%s: %s (record '%c' at offset %lld)", c->qf->name, why,
            rec->type >= 0x20 && rec->type < 0x7f ? rec->type : '?', rec->offset);
    return QFILE_ERR_CORRUPT;
}

/* Envelope text: no NUL bytes; returns an allocated copy or NULL. */
static char *text_of(const qrecord_t *rec)
{
    if (rec->len == 0)
        return xstrdup("");
    if (memchr(rec->data, '\0', rec->len) != NULL)
        return NULL;
    return xstrndup(rec->data, rec->len);
}

/* False when the once-only record was seen before. */
static bool once(bool *seen)
{
    if (*seen)
        return false;
    *seen = true;
    return true;
}

static int check_size(struct check *c, const qrecord_t *rec)
{
    qsize_t *size = &c->qf->env.size;

    if (rec->type != QREC_SIZE || !qrec_parse_size(rec->data, rec->len, size))
        return corrupt(c, rec, "not a queue file (no SIZE record first)");
    if (!size->complete)
        return corrupt(c, rec, "queue file not marked complete");
    c->section = S_ENVELOPE;
    return QFILE_OK;
}

static int hex_digit(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int add_rcpt(struct check *c, const qrecord_t *rec)
{
    qenvelope_t *env = &c->qf->env;
    qrcpt_t *r;
    qrecord_t addr = *rec;
    int notify;

    if (rec->len < 2 || (rec->data[0] != QREC_RCPT_TODO && rec->data[0] != QREC_RCPT_DONE))
        return corrupt(c, rec, "bad recipient status");
    notify = hex_digit((unsigned char) rec->data[1]);
    if (!qrec_notify_valid(notify))
        return corrupt(c, rec, "bad recipient NOTIFY");
    addr.data += 2;
    addr.len -= 2;
    if (memchr(addr.data, '\0', addr.len) != NULL)
        return corrupt(c, rec, "NUL byte in recipient");
    if (env->rcpt_count == c->rcpt_cap) {
        c->rcpt_cap = c->rcpt_cap ? 2 * c->rcpt_cap : 8;
        env->rcpts = xreallocarray(env->rcpts, c->rcpt_cap, sizeof(*env->rcpts));
    }
    r = &env->rcpts[env->rcpt_count++];
    r->address = text_of(&addr);
    r->orig = c->orig;
    r->dsn_orcpt = c->dsn_orcpt;
    c->orig = c->dsn_orcpt = NULL;
    r->notify = notify;
    r->done = rec->data[0] == QREC_RCPT_DONE;
    r->extracted = c->section == S_EXTRACTED;
    r->status_offset = rec->data_offset;
    return QFILE_OK;
}

static int add_attr(struct check *c, const qrecord_t *rec)
{
    qenvelope_t *env = &c->qf->env;
    const char *eq = memchr(rec->data, '=', rec->len);
    size_t name_len = eq ? (size_t) (eq - rec->data) : 0;
    char *text;

    if (name_len == 0)
        return corrupt(c, rec, "attribute without name=value");
    for (size_t i = 0; i < name_len; i++) {
        char ch = rec->data[i];
        if (!(ch == '_' || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z')
              || (ch >= 'A' && ch <= 'Z')))
            return corrupt(c, rec, "bad attribute name");
    }
    if ((text = text_of(rec)) == NULL)
        return corrupt(c, rec, "NUL byte in attribute");
    text[name_len] = '\0';
    env->attrs = xreallocarray(env->attrs, env->attr_count + 1, sizeof(*env->attrs));
    env->attrs[env->attr_count].name = text;
    env->attrs[env->attr_count].value = xstrdup(text + name_len + 1);
    env->attr_count++;
    return QFILE_OK;
}

static int set_pending(struct check *c, const qrecord_t *rec, char **slot)
{
    if (*slot != NULL)
        return corrupt(c, rec, "duplicate original recipient");
    if ((*slot = text_of(rec)) == NULL)
        return corrupt(c, rec, "NUL byte in original recipient");
    return QFILE_OK;
}

static int set_text(struct check *c, const qrecord_t *rec, bool *seen, char **slot)
{
    if (!once(seen))
        return corrupt(c, rec, "duplicate record");
    if ((*slot = text_of(rec)) == NULL)
        return corrupt(c, rec, "NUL byte in envelope text");
    return QFILE_OK;
}

/* Records allowed in both the envelope and the extracted section. */
static int check_recipient_part(struct check *c, const qrecord_t *rec)
{
    switch (rec->type) {
    case QREC_ATTR: return add_attr(c, rec);
    case QREC_ORIG_RCPT: return set_pending(c, rec, &c->orig);
    case QREC_DSN_ORCPT: return set_pending(c, rec, &c->dsn_orcpt);
    case QREC_RCPT: return add_rcpt(c, rec);
    default: return corrupt(c, rec, "record not allowed in this section");
    }
}

static int check_envelope(struct check *c, const qrecord_t *rec)
{
    qenvelope_t *env = &c->qf->env;

    switch (rec->type) {
    case QREC_TIME:
        if (!once(&c->seen_time) || !qrec_parse_time(rec->data, rec->len, &env->arrival))
            return corrupt(c, rec, "bad or duplicate arrival time");
        return QFILE_OK;
    case QREC_CREATE_TIME:
        if (!once(&c->seen_ctime)
            || !qrec_parse_time(rec->data, rec->len, &env->create_time))
            return corrupt(c, rec, "bad or duplicate create time");
        env->has_create_time = true;
        return QFILE_OK;
    case QREC_SENDER:
        return set_text(c, rec, &c->seen_sender, &env->sender);
    case QREC_ENVID:
        return set_text(c, rec, &c->seen_envid, &env->envid);
    case QREC_RET:
        if (!once(&c->seen_ret))
            return corrupt(c, rec, "duplicate record");
        if (rec->len == 4 && memcmp(rec->data, "FULL", 4) == 0)
            env->ret = QDSN_RET_FULL;
        else if (rec->len == 4 && memcmp(rec->data, "HDRS", 4) == 0)
            env->ret = QDSN_RET_HDRS;
        else
            return corrupt(c, rec, "bad RET value");
        return QFILE_OK;
    case QREC_WARN:
        if (!once(&c->seen_warn) || !qrec_parse_warn(rec->data, rec->len, &env->warn_time))
            return corrupt(c, rec, "bad or duplicate warn time");
        env->warn_offset = rec->data_offset;
        return QFILE_OK;
    case QREC_CONTENT:
        if (!c->seen_time || !c->seen_sender)
            return corrupt(c, rec, "envelope lacks arrival time or sender");
        if (rec->offset != env->size.content_offset)
            return corrupt(c, rec, "content offset does not match SIZE");
        c->section = S_CONTENT;
        return QFILE_OK;
    default:
        return check_recipient_part(c, rec);
    }
}

static int check_content(struct check *c, const qrecord_t *rec)
{
    switch (rec->type) {
    case QREC_LINE:
        c->message_size += (long long) rec->len + 1;
        return QFILE_OK;
    case QREC_PARTIAL:
        c->message_size += (long long) rec->len;
        return QFILE_OK;
    case QREC_XTRACT:
        c->section = S_EXTRACTED;
        return QFILE_OK;
    default:
        return corrupt(c, rec, "record not allowed in the content");
    }
}

static int check_extracted(struct check *c, const qrecord_t *rec)
{
    qenvelope_t *env = &c->qf->env;

    if (rec->type != QREC_END)
        return check_recipient_part(c, rec);
    if (c->qf->pos != c->qf->size)
        return corrupt(c, rec, "data after END record");
    if (c->message_size != env->size.message_size)
        return corrupt(c, rec, "message size does not match SIZE");
    if ((long long) env->rcpt_count != env->size.rcpt_count)
        return corrupt(c, rec, "recipient count does not match SIZE");
    c->section = S_DONE;
    return QFILE_OK;
}

static int check_record(struct check *c, const qrecord_t *rec)
{
    int type = rec->type;

    if (c->section == S_SIZE)
        return check_size(c, rec);
    if (type & QREC_OPTIONAL)
        return QFILE_OK;                    /* optional: skipped */
    if (!qrec_type_known(type))
        return corrupt(c, rec, "unknown record type");
    if ((type == QREC_CONTENT || type == QREC_XTRACT || type == QREC_END) && rec->len != 0)
        return corrupt(c, rec, "marker record with a payload");
    if ((c->orig || c->dsn_orcpt) && type != QREC_RCPT && type != QREC_ORIG_RCPT
        && type != QREC_DSN_ORCPT)
        return corrupt(c, rec, "original recipient not followed by a recipient");
    switch (c->section) {
    case S_ENVELOPE: return check_envelope(c, rec);
    case S_CONTENT: return check_content(c, rec);
    default: return check_extracted(c, rec);
    }
}

int qfile_check(qfile_t *qf, char **err)
{
    struct check c;
    qrecord_t rec;
    int rc = QFILE_OK;

    memset(&c, 0, sizeof(c));
    c.qf = qf;
    c.err = err;
    qf->env.file_size = qf->size;
    qf->pos = 0;
    while (rc == QFILE_OK && c.section != S_DONE) {
        /* Content payloads are not needed to validate: only their length. */
        bool want = c.section != S_CONTENT;
        rc = qfile_read_record(qf, &rec, want, err);
        if (rc == 1)
            rc = check_record(&c, &rec);
    }
    xfree(c.orig);
    xfree(c.dsn_orcpt);
    return rc;
}

void qfile_envelope_free(qenvelope_t *env)
{
    for (size_t i = 0; i < env->rcpt_count; i++) {
        xfree(env->rcpts[i].address);
        xfree(env->rcpts[i].orig);
        xfree(env->rcpts[i].dsn_orcpt);
    }
    for (size_t i = 0; i < env->attr_count; i++) {
        xfree(env->attrs[i].name);          /* value is a separate copy */
        xfree(env->attrs[i].value);
    }
    xfree(env->rcpts);
    xfree(env->attrs);
    xfree(env->sender);
    xfree(env->envid);
    memset(env, 0, sizeof(*env));
}
