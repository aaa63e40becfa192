/* address.c - RFC 5321 path parsing into the internal form, and quoting
 * back (see address.h). A small cursor-based recursive descent; every
 * read is bounds-checked against the cursor length. */
#include "mail/address.h"

#include <string.h>

#include "mail/address_domain.h"
#include "util/mem.h"
#include "util/utf8.h"

struct cursor {
    const unsigned char *p;
    size_t len;
    size_t pos;
    unsigned opts;
    bool saw_8bit;
    const char *why;    /* static reason for a syntax error */
    int code;           /* MAIL_ADDR_ERR_* once failed */
};

static int peek(const struct cursor *c)
{
    return c->pos < c->len ? c->p[c->pos] : -1;
}

static bool fail(struct cursor *c, int code, const char *why)
{
    if (c->code == MAIL_ADDR_OK) {
        c->code = code;
        c->why = why;
    }
    return false;
}

static bool is_alnum(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static bool is_atext(int ch)
{
    return ch > 0 && ch < 0x80 && (is_alnum(ch) || strchr("!#$%&'*+-/=?^_`{|}~", ch) != NULL);
}

static bool is_domain_char(int ch)
{
    return is_alnum(ch) || ch == '-' || ch == '_' || ch == '.';
}

/* Copies one UTF-8 sequence at the cursor to out. */
static bool take_utf8(struct cursor *c, buf_t *out)
{
    size_t n = utf8_seq_len(c->p + c->pos, c->len - c->pos);

    if (n == 0)
        return fail(c, MAIL_ADDR_ERR_UTF8, "malformed UTF-8");
    buf_append(out, c->p + c->pos, n);
    c->pos += n;
    c->saw_8bit = true;
    return true;
}

static bool parse_literal(struct cursor *c, buf_t *out)
{
    size_t start = c->pos;
    int ch;

    c->pos++;                                   /* '[' */
    while ((ch = peek(c)) != ']') {
        if (ch < 33 || ch > 126 || ch == '[' || ch == '\\' || ch == '@')
            return fail(c, MAIL_ADDR_ERR_SYNTAX, "bad address literal");
        c->pos++;
    }
    c->pos++;                                   /* ']' */
    if (!mail_addr_literal_valid((const char *) c->p + start, c->pos - start))
        return fail(c, MAIL_ADDR_ERR_SYNTAX, "bad address literal");
    buf_append(out, c->p + start, c->pos - start);
    return true;
}

/* Domain or address literal; *literal tells which. */
static bool parse_domain(struct cursor *c, buf_t *out, bool *literal)
{
    size_t start = out->len;
    int ch;

    *literal = false;
    if (peek(c) == '[') {
        *literal = true;
        return parse_literal(c, out);
    }
    while ((ch = peek(c)) >= 0) {
        if (ch >= 0x80) {
            if (!take_utf8(c, out))
                return false;
        } else if (is_domain_char(ch)) {
            buf_putc(out, ch);
            c->pos++;
        } else {
            break;
        }
    }
    if (out->len == start)
        return fail(c, MAIL_ADDR_ERR_SYNTAX, "missing domain");
    return true;
}

static bool parse_quoted_local(struct cursor *c, buf_t *out)
{
    int ch;

    c->pos++;                                   /* opening '"' */
    for (;;) {
        ch = peek(c);
        if (ch < 0)
            return fail(c, MAIL_ADDR_ERR_SYNTAX, "unbalanced quote");
        if (ch == '"') {
            c->pos++;
            return true;
        }
        if (ch == '\\') {
            c->pos++;
            ch = peek(c);
            if (ch < 32 || ch > 126)
                return fail(c, MAIL_ADDR_ERR_SYNTAX, "bad quoted pair");
            buf_putc(out, ch);
            c->pos++;
        } else if (ch >= 0x80) {
            if (!take_utf8(c, out))
                return false;
        } else if (ch >= 32 && ch <= 126) {
            buf_putc(out, ch);
            c->pos++;
        } else {
            return fail(c, MAIL_ADDR_ERR_SYNTAX, "control character in quoted string");
        }
    }
}

static bool parse_local(struct cursor *c, buf_t *out, unsigned *flags)
{
    size_t start = out->len;
    int ch;

    if (peek(c) == '"') {
        *flags |= MAIL_ADDR_F_QUOTED;
        return parse_quoted_local(c, out);
    }
    while ((ch = peek(c)) >= 0) {
        if (ch >= 0x80) {
            if (!take_utf8(c, out))
                return false;
        } else if (is_atext(ch) || ch == '.') {
            buf_putc(out, ch);
            c->pos++;
        } else {
            break;
        }
    }
    if (out->len == start)
        return fail(c, MAIL_ADDR_ERR_SYNTAX, "missing local part");
    return true;
}

/* "@a,@b:" source route; the route is checked and dropped. */
static bool parse_route(struct cursor *c)
{
    buf_t scratch = BUF_INIT;
    bool literal, ok = true;

    for (;;) {
        if (peek(c) != '@') {
            ok = fail(c, MAIL_ADDR_ERR_SYNTAX, "bad source route");
            break;
        }
        c->pos++;
        buf_reset(&scratch);
        if (!(ok = parse_domain(c, &scratch, &literal)))
            break;
        if (peek(c) == ',') {
            c->pos++;
            continue;
        }
        if (peek(c) != ':')
            ok = fail(c, MAIL_ADDR_ERR_SYNTAX, "bad source route");
        else
            c->pos++;
        break;
    }
    buf_dispose(&scratch);
    return ok;
}

static bool parse_mailbox(struct cursor *c, mail_addr_t *out)
{
    bool literal;

    if (!parse_local(c, &out->addr, &out->flags))
        return false;
    if (peek(c) != '@') {
        /* the internal form "a@b" would read as local "a", domain "b" */
        if (memchr(out->addr.data, '@', out->addr.len) != NULL)
            return fail(c, MAIL_ADDR_ERR_SYNTAX, "'@' in a local part without domain");
        out->flags |= MAIL_ADDR_F_NO_DOMAIN;
        return true;
    }
    buf_putc(&out->addr, '@');
    c->pos++;
    if (!parse_domain(c, &out->addr, &literal))
        return false;
    if (literal)
        out->flags |= MAIL_ADDR_F_LITERAL;
    return true;
}

static bool parse_bracketed(struct cursor *c, mail_addr_t *out)
{
    c->pos++;                                   /* '<' */
    if (peek(c) == '>') {
        c->pos++;
        out->flags |= MAIL_ADDR_F_NULL;
        return true;
    }
    if (peek(c) == '@') {
        if (!parse_route(c))
            return false;
        out->flags |= MAIL_ADDR_F_ROUTE;
    }
    if (!parse_mailbox(c, out))
        return false;
    if (peek(c) != '>')
        return fail(c, MAIL_ADDR_ERR_SYNTAX, "missing '>' or junk in address");
    c->pos++;
    return true;
}

static void set_derived_flags(mail_addr_t *a)
{
    const char *s = a->addr.data;
    size_t local_len, domain_len;

    a->at = (a->flags & MAIL_ADDR_F_NO_DOMAIN) ? a->addr.len : mail_addr_split(s, a->addr.len);
    local_len = a->at;
    domain_len = a->at < a->addr.len ? a->addr.len - a->at - 1 : 0;
    if (memchr(s, '%', local_len))
        a->flags |= MAIL_ADDR_F_PERCENT;
    if (memchr(s, '!', local_len))
        a->flags |= MAIL_ADDR_F_BANG;
    if (memchr(s, '@', local_len))
        a->flags |= MAIL_ADDR_F_AT_IN_LOCAL;
    if (local_len > MAIL_ADDR_LOCAL_MAX || domain_len > MAIL_ADDR_DOMAIN_MAX
        || a->addr.len + 2 > MAIL_ADDR_PATH_MAX)
        a->flags |= MAIL_ADDR_F_TOO_LONG;
}

void mail_addr_init(mail_addr_t *a)
{
    buf_init(&a->addr);
    a->at = 0;
    a->flags = 0;
}

void mail_addr_dispose(mail_addr_t *a)
{
    buf_dispose(&a->addr);
}

static int finish_error(struct cursor *c, mail_addr_t *out, char **err)
{
    buf_reset(&out->addr);
    out->flags = 0;
    out->at = 0;
    if (err)
        *err = xstrdup(c->why ? c->why : "bad address syntax");
    return c->code;
}

int mail_addr_parse_path(const char *text, size_t len, unsigned opts,
                         mail_addr_t *out, size_t *used, char **err)
{
    struct cursor c = {(const unsigned char *) text, len, 0, opts, false, NULL, MAIL_ADDR_OK};
    size_t start;
    bool ok, truncated = false;
    int ch;

    buf_reset(&out->addr);
    out->flags = 0;
    while ((ch = peek(&c)) == ' ' || ch == '\t')
        c.pos++;
    start = c.pos;
    if (c.len - start > MAIL_ADDR_HARD_LIMIT + 1) {
        c.len = start + MAIL_ADDR_HARD_LIMIT + 1;   /* bound the work */
        truncated = true;
    }
    if (peek(&c) == '<') {
        ok = parse_bracketed(&c, out);
    } else if (opts & MAIL_ADDR_OPT_STRICT) {
        ok = fail(&c, MAIL_ADDR_ERR_SYNTAX, "address must be enclosed in <>");
    } else {
        out->flags |= MAIL_ADDR_F_NO_BRACKETS;
        ok = parse_mailbox(&c, out);
    }
    if (c.pos - start > MAIL_ADDR_HARD_LIMIT || (truncated && c.pos >= c.len)) {
        c.code = MAIL_ADDR_OK;                  /* the length is the real reason */
        ok = fail(&c, MAIL_ADDR_ERR_SYNTAX, "address too long");
    }
    if (ok && (ch = peek(&c)) >= 0 && ch != ' ' && ch != '\t')
        ok = fail(&c, MAIL_ADDR_ERR_SYNTAX, "junk after address");
    if (ok && c.saw_8bit && !(opts & MAIL_ADDR_OPT_UTF8))
        ok = fail(&c, MAIL_ADDR_ERR_8BIT, "non-ASCII address without SMTPUTF8");
    if (!ok)
        return finish_error(&c, out, err);
    if (c.saw_8bit)
        out->flags |= MAIL_ADDR_F_UTF8;
    set_derived_flags(out);
    if (used)
        *used = c.pos;
    return MAIL_ADDR_OK;
}

size_t mail_addr_local_len(const mail_addr_t *a)
{
    return a->at;
}

const char *mail_addr_domain(const mail_addr_t *a)
{
    return a->at < a->addr.len ? a->addr.data + a->at + 1 : "";
}

size_t mail_addr_split(const char *addr, size_t len)
{
    for (size_t i = len; i > 0; i--)
        if (addr[i - 1] == '@')
            return i - 1;
    return len;
}

bool mail_local_is_dot_string(const char *s, size_t len, bool utf8)
{
    const unsigned char *p = (const unsigned char *) s;
    bool after_dot = true;      /* start counts as after a dot */
    size_t i = 0, n;

    if (len == 0)
        return false;
    while (i < len) {
        if (p[i] == '.') {
            if (after_dot)
                return false;
            after_dot = true;
            i++;
        } else if (p[i] >= 0x80) {
            if (!utf8 || (n = utf8_seq_len(p + i, len - i)) == 0)
                return false;
            after_dot = false;
            i += n;
        } else if (is_atext(p[i])) {
            after_dot = false;
            i++;
        } else {
            return false;
        }
    }
    return !after_dot;
}

void mail_addr_quote(const char *addr, size_t len, buf_t *out)
{
    size_t at = mail_addr_split(addr, len);

    if (len == 0)
        return;
    if (at == 0 && len > 0 && addr[0] == '@') {
        buf_append(out, "\"\"", 2);             /* empty local part */
    } else if (mail_local_is_dot_string(addr, at, true)) {
        buf_append(out, addr, at);
    } else {
        buf_putc(out, '"');
        for (size_t i = 0; i < at; i++) {
            if (addr[i] == '"' || addr[i] == '\\')
                buf_putc(out, '\\');
            buf_putc(out, addr[i]);
        }
        buf_putc(out, '"');
    }
    buf_append(out, addr + at, len - at);
}

void mail_addr_quote_path(const char *addr, size_t len, buf_t *out)
{
    buf_putc(out, '<');
    mail_addr_quote(addr, len, out);
    buf_putc(out, '>');
}
