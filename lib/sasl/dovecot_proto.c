/* dovecot_proto.c - splitting, escaping and interpreting the lines of
 * the Dovecot authentication client protocol (dovecot_proto.h). Pure
 * functions over memory; errors come back as messages, never logged. */
#include "sasl/dovecot_proto.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include "util/base64.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/strutil.h"

void dovecot_fields_init(dovecot_fields_t *f)
{
    for (size_t i = 0; i < DOVECOT_FIELDS_MAX; i++)
        buf_init(&f->field[i]);
    f->count = 0;
}

void dovecot_fields_dispose(dovecot_fields_t *f)
{
    for (size_t i = 0; i < DOVECOT_FIELDS_MAX; i++)
        buf_dispose(&f->field[i]);
    f->count = 0;
}

static char unescaped(char c)
{
    switch (c) {
    case '0': return '\0';
    case '1': return '\001';
    case 't': return '\t';
    case 'r': return '\r';
    case 'n': case 'l': return '\n';
    default: return c;
    }
}

int dovecot_fields_split(dovecot_fields_t *f, const char *line, size_t len, char **err)
{
    buf_t *cur;

    f->count = 1;
    cur = &f->field[0];
    buf_reset(cur);
    if (len > DOVECOT_LINE_MAX) {
        errstr_set(err, "line too long (%zu bytes)", len);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        char c = line[i];

        if (c == '\0' || c == '\r' || c == '\n') {
            errstr_set(err, "control character 0x%02x in line", (unsigned char) c);
            return -1;
        }
        if (c == '\t') {
            if (f->count == DOVECOT_FIELDS_MAX) {
                errstr_set(err, "more than %d fields in line", DOVECOT_FIELDS_MAX);
                return -1;
            }
            cur = &f->field[f->count++];
            buf_reset(cur);
        } else if (c == '\001') {
            if (++i == len) {
                errstr_set(err, "escape character at end of line");
                return -1;
            }
            buf_putc(cur, unescaped(line[i]));
        } else {
            buf_putc(cur, c);
        }
    }
    return 0;
}

void dovecot_escape(buf_t *out, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (data[i]) {
        case '\0': buf_puts(out, "\0010"); break;
        case '\001': buf_puts(out, "\0011"); break;
        case '\t': buf_puts(out, "\001t"); break;
        case '\r': buf_puts(out, "\001r"); break;
        case '\n': buf_puts(out, "\001n"); break;
        default: buf_putc(out, data[i]);
        }
    }
}

void dovecot_handshake_init(dovecot_handshake_t *h)
{
    memset(h, 0, sizeof(*h));
    buf_init(&h->spid);
    buf_init(&h->cuid);
    buf_init(&h->cookie);
}

void dovecot_handshake_dispose(dovecot_handshake_t *h)
{
    for (size_t i = 0; i < h->mech_count; i++)
        xfree(h->mech[i].name);
    h->mech_count = 0;
    buf_dispose(&h->spid);
    buf_dispose(&h->cuid);
    buf_dispose(&h->cookie);
}

static bool field_is(const dovecot_fields_t *f, size_t i, const char *word)
{
    return i < f->count && strcmp(f->field[i].data, word) == 0;
}

/* A decimal number field without sign, junk or overflow. */
static int number_field(const buf_t *b, unsigned *out)
{
    long v;

    if (b->len == 0 || b->len > 10 || strlen(b->data) != b->len || b->data[0] == '-'
        || b->data[0] == '+' || b->data[0] == ' '
        || !str_to_long(b->data, 0, UINT_MAX, &v))
        return -1;
    *out = (unsigned) v;
    return 0;
}

static unsigned mech_flag(const char *word)
{
    static const struct { const char *name; unsigned flag; } flags[] = {
        {"anonymous", DOVECOT_MECH_ANONYMOUS}, {"plaintext", DOVECOT_MECH_PLAINTEXT},
        {"dictionary", DOVECOT_MECH_DICTIONARY}, {"active", DOVECOT_MECH_ACTIVE},
        {"forward-secrecy", DOVECOT_MECH_FORWARD_SECRECY},
        {"mutual-auth", DOVECOT_MECH_MUTUAL_AUTH}, {"private", DOVECOT_MECH_PRIVATE},
    };

    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (strcmp(word, flags[i].name) == 0)
            return flags[i].flag;
    return 0;                      /* unknown flags are ignored */
}

/* A mechanism name: RFC 4422 charset (upper-case letters, digits, '-'
 * and '_'), 1 to 20 characters. */
static bool mech_name_ok(const buf_t *b)
{
    if (b->len == 0 || b->len > 20)
        return false;
    for (size_t i = 0; i < b->len; i++) {
        char c = b->data[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

static int handshake_mech(dovecot_handshake_t *h, const dovecot_fields_t *f, char **err)
{
    dovecot_mech_t *m;

    if (f->count < 2 || !mech_name_ok(&f->field[1])) {
        errstr_set(err, "bad MECH line");
        return -1;
    }
    for (size_t i = 0; i < h->mech_count; i++)
        if (strcmp(h->mech[i].name, f->field[1].data) == 0) {
            errstr_set(err, "mechanism %s announced twice", f->field[1].data);
            return -1;
        }
    if (h->mech_count == DOVECOT_MECHS_MAX) {
        errstr_set(err, "more than %d mechanisms", DOVECOT_MECHS_MAX);
        return -1;
    }
    m = &h->mech[h->mech_count++];
    m->name = xstrdup(f->field[1].data);
    m->flags = 0;
    for (size_t i = 2; i < f->count; i++)
        m->flags |= mech_flag(f->field[i].data);
    return 0;
}

static int handshake_version(dovecot_handshake_t *h, const dovecot_fields_t *f, char **err)
{
    unsigned major, minor;

    if (h->version_seen) {
        errstr_set(err, "VERSION sent twice");
        return -1;
    }
    if (f->count < 3 || number_field(&f->field[1], &major) < 0
        || number_field(&f->field[2], &minor) < 0) {
        errstr_set(err, "bad VERSION line");
        return -1;
    }
    if (major != 1) {
        errstr_set(err, "authentication protocol version %u not supported", major);
        return -1;
    }
    h->version_seen = true;
    h->minor = minor;
    return 0;
}

static int handshake_value(buf_t *slot, const dovecot_fields_t *f, const char *name, char **err)
{
    if (f->count < 2 || f->field[1].len == 0) {
        errstr_set(err, "bad %s line", name);
        return -1;
    }
    buf_set(slot, f->field[1].data);
    return 0;
}

int dovecot_handshake_line(dovecot_handshake_t *h, const dovecot_fields_t *f, char **err)
{
    if (h->done) {
        errstr_set(err, "line after DONE");
        return -1;
    }
    if (field_is(f, 0, "VERSION"))
        return handshake_version(h, f, err);
    if (!h->version_seen) {
        errstr_set(err, "handshake does not start with VERSION");
        return -1;
    }
    if (field_is(f, 0, "MECH"))
        return handshake_mech(h, f, err);
    if (field_is(f, 0, "SPID"))
        return handshake_value(&h->spid, f, "SPID", err);
    if (field_is(f, 0, "CUID"))
        return handshake_value(&h->cuid, f, "CUID", err);
    if (field_is(f, 0, "COOKIE"))
        return handshake_value(&h->cookie, f, "COOKIE", err);
    if (field_is(f, 0, "DONE")) {
        h->done = true;
        return 1;
    }
    return 0;                      /* a line of a newer protocol minor */
}

void dovecot_answer_init(dovecot_answer_t *a)
{
    memset(a, 0, sizeof(*a));
    buf_init(&a->data);
    buf_init(&a->user);
    buf_init(&a->reason);
}

void dovecot_answer_dispose(dovecot_answer_t *a)
{
    buf_dispose(&a->data);
    buf_dispose(&a->user);
    buf_dispose(&a->reason);
}

/* Optional fields of OK and FAIL from index 2 on. */
static void answer_options(dovecot_answer_t *a, const dovecot_fields_t *f)
{
    for (size_t i = 2; i < f->count; i++) {
        const buf_t *b = &f->field[i];

        if (strncmp(b->data, "user=", 5) == 0 && b->len >= 5)
            buf_set(&a->user, b->data + 5);
        else if (strncmp(b->data, "reason=", 7) == 0 && b->len >= 7)
            buf_set(&a->reason, b->data + 7);
        else if (strcmp(b->data, "temp") == 0)
            a->temp = true;
    }
}

/* A command word safe to quote in a message: letters, digits, '-'. */
static bool word_ok(const buf_t *b)
{
    for (size_t i = 0; i < b->len; i++) {
        char c = b->data[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

int dovecot_answer_id(const dovecot_fields_t *f, unsigned *id)
{
    return f->count >= 2 ? number_field(&f->field[1], id) : -1;
}

int dovecot_answer_parse(dovecot_answer_t *a, const dovecot_fields_t *f, unsigned id, char **err)
{
    unsigned got;

    buf_reset(&a->data);
    buf_reset(&a->user);
    buf_reset(&a->reason);
    a->temp = false;
    if (f->count < 2 || number_field(&f->field[1], &got) < 0) {
        errstr_set(err, "answer without a request id");
        return -1;
    }
    if (got != id) {
        errstr_set(err, "answer for request %u while waiting for %u", got, id);
        return -1;
    }
    if (field_is(f, 0, "OK")) {
        a->kind = DOVECOT_ANSWER_OK;
    } else if (field_is(f, 0, "FAIL")) {
        a->kind = DOVECOT_ANSWER_FAIL;
    } else if (field_is(f, 0, "CONT")) {
        a->kind = DOVECOT_ANSWER_CONT;
        if (f->count < 3 || base64_decode(&a->data, f->field[2].data, f->field[2].len) < 0) {
            errstr_set(err, "CONT without a valid base64 challenge");
            return -1;
        }
        return 0;
    } else {
        errstr_set(err, "unknown answer \"%.30s\"", word_ok(&f->field[0]) ? f->field[0].data : "?");
        return -1;
    }
    answer_options(a, f);
    return 0;
}
