/* mailcmd.c - MAIL FROM: / RCPT TO: argument parsing with ESMTP
 * parameters (see mailcmd.h). */
#include "smtp/mailcmd.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "smtp/reply.h"
#include "smtp/xtext.h"
#include "util/mem.h"

#define ECHO_MAX 100    /* bytes of client text echoed in a reply */

struct param {
    const char *text;     /* whole "KEY=value" token */
    size_t text_len;
    const char *key;
    size_t key_len;
    const char *val;      /* NULL if there was no '=' */
    size_t val_len;
};

static int fail_std(buf_t *reply, enum smtp_reply_id id)
{
    buf_reset(reply);
    smtp_reply_std(reply, id, NULL);
    return -1;
}

static int fail_text(buf_t *reply, int code, const char *enh, const char *text)
{
    buf_reset(reply);
    smtp_reply_add(reply, code, enh, "%s", text);
    return -1;
}

static int fail_unsupported(buf_t *reply, const struct param *p)
{
    int n = p->text_len > ECHO_MAX ? ECHO_MAX : (int) p->text_len;

    buf_reset(reply);
    smtp_reply_add(reply, 555, "5.5.4", "Unsupported option: %.*s", n, p->text);
    return -1;
}

static bool key_is(const struct param *p, const char *key)
{
    return p->key_len == strlen(key) && strncasecmp(p->key, key, p->key_len) == 0;
}

static bool val_is(const struct param *p, const char *val)
{
    return p->val && p->val_len == strlen(val) && strncasecmp(p->val, val, p->val_len) == 0;
}

/* esmtp-value: 1*(%d33-60 / %d62-126) */
static bool value_ok(const struct param *p)
{
    if (p->val == NULL || p->val_len == 0)
        return false;
    for (size_t i = 0; i < p->val_len; i++) {
        unsigned char c = (unsigned char) p->val[i];

        if (c < 33 || c > 126 || c == '=')
            return false;
    }
    return true;
}

static bool printable(const buf_t *b)
{
    for (size_t i = 0; i < b->len; i++)
        if ((unsigned char) b->data[i] < 32 || (unsigned char) b->data[i] > 126)
            return false;
    return true;
}

/* Next blank-separated token at *pos; false at the end. */
static bool next_param(const char *s, size_t len, size_t *pos, struct param *p)
{
    size_t start;
    const char *eq;

    while (*pos < len && (s[*pos] == ' ' || s[*pos] == '\t'))
        (*pos)++;
    if (*pos >= len)
        return false;
    start = *pos;
    while (*pos < len && s[*pos] != ' ' && s[*pos] != '\t')
        (*pos)++;
    p->text = s + start;
    p->text_len = *pos - start;
    eq = memchr(p->text, '=', p->text_len);
    p->key = p->text;
    p->key_len = eq ? (size_t) (eq - p->text) : p->text_len;
    p->val = eq ? eq + 1 : NULL;
    p->val_len = eq ? p->text_len - p->key_len - 1 : 0;
    return true;
}

/* "FROM:" / "TO:" then optional blanks; returns the offset of the path. */
static bool skip_keyword(const char *s, size_t len, const char *kw, size_t *pos)
{
    size_t n = strlen(kw), i;

    if (len < n || strncasecmp(s, kw, n) != 0)
        return false;
    for (i = n; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
        ;
    *pos = n;
    return i < len;                             /* something after the blanks */
}

static int parse_path(const char *s, size_t len, unsigned opts, mail_addr_t *addr,
                      size_t *used, buf_t *reply, enum smtp_reply_id bad)
{
    unsigned aopts = MAIL_ADDR_OPT_UTF8;
    char *err = NULL;
    int rc;

    if (opts & SMTP_PARSE_STRICT)
        aopts |= MAIL_ADDR_OPT_STRICT;
    rc = mail_addr_parse_path(s, len, aopts, addr, used, &err);
    xfree(err);
    if (rc == MAIL_ADDR_ERR_UTF8)
        return fail_std(reply, SMTP_R_BAD_UTF8);
    if (rc != MAIL_ADDR_OK)
        return fail_std(reply, bad);
    return 0;
}

static int mail_size(smtp_mail_args_t *m, const struct param *p, buf_t *reply)
{
    uint64_t n = 0;

    if (m->has_size || !value_ok(p))
        return fail_text(reply, 501, "5.5.4", "Bad message size syntax");
    for (size_t i = 0; i < p->val_len; i++) {
        unsigned d = (unsigned) (p->val[i] - '0');

        if (d > 9)
            return fail_text(reply, 501, "5.5.4", "Bad message size syntax");
        if (n > (UINT64_C(0x7fffffffffffffff) - d) / 10)
            return fail_std(reply, SMTP_R_SIZE_FS);
        n = n * 10 + d;
    }
    m->has_size = true;
    m->size = n;
    return 0;
}

static int mail_body(smtp_mail_args_t *m, const struct param *p, unsigned ext, buf_t *reply)
{
    enum smtp_body body;

    if (val_is(p, "7BIT") && (ext & SMTP_EXT_8BITMIME))
        body = SMTP_BODY_7BIT;
    else if (val_is(p, "8BITMIME") && (ext & SMTP_EXT_8BITMIME))
        body = SMTP_BODY_8BITMIME;
    else if (val_is(p, "BINARYMIME") && (ext & SMTP_EXT_BINARYMIME))
        body = SMTP_BODY_BINARYMIME;
    else
        return fail_unsupported(reply, p);
    if (m->body != SMTP_BODY_NONE)
        return fail_text(reply, 501, "5.5.4", "Bad BODY parameter syntax");
    m->body = body;
    return 0;
}

static int mail_ret(smtp_mail_args_t *m, const struct param *p, buf_t *reply)
{
    if (m->ret != SMTP_RET_NONE || !(val_is(p, "FULL") || val_is(p, "HDRS")))
        return fail_text(reply, 501, "5.5.4", "Bad RET parameter syntax");
    m->ret = val_is(p, "FULL") ? SMTP_RET_FULL : SMTP_RET_HDRS;
    return 0;
}

static int mail_envid(smtp_mail_args_t *m, const struct param *p, buf_t *reply)
{
    if (m->has_envid || !value_ok(p) || xtext_decode(p->val, p->val_len, &m->envid) < 0
        || !printable(&m->envid))
        return fail_text(reply, 501, "5.5.4", "Bad ENVID parameter syntax");
    m->has_envid = true;
    return 0;
}

static int mail_auth(smtp_mail_args_t *m, const struct param *p, buf_t *reply)
{
    if (m->has_auth)
        return fail_text(reply, 503, "5.5.4", "Error: multiple AUTH= options");
    if (!value_ok(p) || xtext_decode(p->val, p->val_len, &m->auth) < 0
        || !printable(&m->auth) || m->auth.len == 0)
        return fail_text(reply, 501, "5.5.4", "Bad AUTH parameter syntax");
    m->has_auth = true;
    return 0;
}

static int mail_param(smtp_mail_args_t *m, const struct param *p, unsigned ext, buf_t *reply)
{
    bool dsn = key_is(p, "RET") || key_is(p, "ENVID");

    if (dsn && !(ext & SMTP_EXT_DSN))
        return fail_std(reply, SMTP_R_DSN_DISABLED);
    if (key_is(p, "SIZE") && (ext & SMTP_EXT_SIZE))
        return mail_size(m, p, reply);
    if (key_is(p, "BODY") && p->val)
        return mail_body(m, p, ext, reply);
    if (key_is(p, "SMTPUTF8") && !p->val && (ext & SMTP_EXT_SMTPUTF8)) {
        if (m->smtputf8)
            return fail_text(reply, 501, "5.5.4", "Bad SMTPUTF8 parameter syntax");
        m->smtputf8 = true;
        return 0;
    }
    if (key_is(p, "RET"))
        return mail_ret(m, p, reply);
    if (key_is(p, "ENVID"))
        return mail_envid(m, p, reply);
    if (key_is(p, "AUTH") && (ext & SMTP_EXT_AUTH))
        return mail_auth(m, p, reply);
    return fail_unsupported(reply, p);
}

void smtp_mail_args_init(smtp_mail_args_t *m)
{
    memset(m, 0, sizeof(*m));
    mail_addr_init(&m->sender);
    buf_init(&m->envid);
    buf_init(&m->auth);
}

void smtp_mail_args_dispose(smtp_mail_args_t *m)
{
    mail_addr_dispose(&m->sender);
    buf_dispose(&m->envid);
    buf_dispose(&m->auth);
}

static void mail_args_reset(smtp_mail_args_t *m)
{
    m->has_size = false;
    m->size = 0;
    m->body = SMTP_BODY_NONE;
    m->smtputf8 = false;
    m->ret = SMTP_RET_NONE;
    m->has_envid = false;
    m->has_auth = false;
    buf_reset(&m->envid);
    buf_reset(&m->auth);
}

int smtp_mail_parse(const char *args, size_t len, unsigned ext, unsigned opts,
                    smtp_mail_args_t *out, buf_t *reply)
{
    size_t pos, used = 0;
    struct param p;

    mail_args_reset(out);
    if (!skip_keyword(args, len, "FROM:", &pos))
        return fail_std(reply, SMTP_R_SYNTAX_MAIL);
    if (parse_path(args + pos, len - pos, opts, &out->sender, &used, reply,
                   SMTP_R_BAD_SENDER) < 0)
        return -1;
    pos += used;
    while (next_param(args, len, &pos, &p))
        if (mail_param(out, &p, ext, reply) < 0)
            return -1;
    if ((out->sender.flags & MAIL_ADDR_F_UTF8) && !out->smtputf8)
        return fail_std(reply, SMTP_R_NEED_SMTPUTF8);
    return 0;
}

unsigned smtp_notify_parse(const char *value, size_t len)
{
    static const struct { const char *name; unsigned bit; } words[] = {
        {"NEVER", SMTP_NOTIFY_NEVER}, {"SUCCESS", SMTP_NOTIFY_SUCCESS},
        {"FAILURE", SMTP_NOTIFY_FAILURE}, {"DELAY", SMTP_NOTIFY_DELAY},
    };
    unsigned mask = 0;
    size_t pos = 0;

    while (pos <= len) {
        const char *comma = memchr(value + pos, ',', len - pos);
        size_t n = comma ? (size_t) (comma - value) - pos : len - pos;
        unsigned bit = 0;

        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (n == strlen(words[i].name) && strncasecmp(value + pos, words[i].name, n) == 0)
                bit = words[i].bit;
        if (bit == 0 || (mask & bit))
            return 0;
        mask |= bit;
        pos += n + 1;
    }
    if ((mask & SMTP_NOTIFY_NEVER) && mask != SMTP_NOTIFY_NEVER)
        return 0;
    return mask;
}

static int rcpt_orcpt(smtp_rcpt_args_t *r, const struct param *p, buf_t *reply)
{
    const char *semi;
    size_t type_len;

    if (r->has_orcpt || !value_ok(p)
        || (semi = memchr(p->val, ';', p->val_len)) == NULL || semi == p->val)
        return fail_text(reply, 501, "5.5.4", "Error: Bad ORCPT parameter syntax");
    type_len = (size_t) (semi - p->val);
    for (size_t i = 0; i < type_len; i++) {
        char c = p->val[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '-'))
            return fail_text(reply, 501, "5.5.4", "Error: Bad ORCPT parameter syntax");
    }
    if (xtext_decode(semi + 1, p->val_len - type_len - 1, &r->orcpt_addr) < 0
        || r->orcpt_addr.len == 0 || !printable(&r->orcpt_addr))
        return fail_text(reply, 501, "5.5.4", "Error: Bad ORCPT parameter syntax");
    buf_reset(&r->orcpt_type);
    buf_append(&r->orcpt_type, p->val, type_len);
    r->has_orcpt = true;
    return 0;
}

static int rcpt_param(smtp_rcpt_args_t *r, const struct param *p, unsigned ext, buf_t *reply)
{
    bool dsn = key_is(p, "NOTIFY") || key_is(p, "ORCPT");

    if (dsn && !(ext & SMTP_EXT_DSN))
        return fail_std(reply, SMTP_R_DSN_DISABLED);
    if (key_is(p, "NOTIFY")) {
        if (r->notify || !value_ok(p) || (r->notify = smtp_notify_parse(p->val, p->val_len)) == 0)
            return fail_text(reply, 501, "5.5.4", "Error: Bad NOTIFY parameter syntax");
        return 0;
    }
    if (key_is(p, "ORCPT"))
        return rcpt_orcpt(r, p, reply);
    return fail_unsupported(reply, p);
}

void smtp_rcpt_args_init(smtp_rcpt_args_t *r)
{
    memset(r, 0, sizeof(*r));
    mail_addr_init(&r->rcpt);
    buf_init(&r->orcpt_type);
    buf_init(&r->orcpt_addr);
}

void smtp_rcpt_args_dispose(smtp_rcpt_args_t *r)
{
    mail_addr_dispose(&r->rcpt);
    buf_dispose(&r->orcpt_type);
    buf_dispose(&r->orcpt_addr);
}

int smtp_rcpt_parse(const char *args, size_t len, unsigned ext, unsigned opts,
                    smtp_rcpt_args_t *out, buf_t *reply)
{
    size_t pos, used = 0;
    struct param p;

    out->notify = 0;
    out->has_orcpt = false;
    buf_reset(&out->orcpt_type);
    buf_reset(&out->orcpt_addr);
    if (!skip_keyword(args, len, "TO:", &pos))
        return fail_std(reply, SMTP_R_SYNTAX_RCPT);
    if (parse_path(args + pos, len - pos, opts, &out->rcpt, &used, reply, SMTP_R_BAD_RCPT) < 0)
        return -1;
    if (out->rcpt.flags & MAIL_ADDR_F_NULL)
        return fail_std(reply, SMTP_R_BAD_RCPT);
    pos += used;
    while (next_param(args, len, &pos, &p))
        if (rcpt_param(out, &p, ext, reply) < 0)
            return -1;
    if ((out->rcpt.flags & MAIL_ADDR_F_UTF8) && !(opts & SMTP_PARSE_SMTPUTF8))
        return fail_std(reply, SMTP_R_NEED_SMTPUTF8);
    return 0;
}
