/* reply.c - SMTP reply building, the standard reply table, and reply line
 * parsing (see reply.h). */
#include "smtp/reply.h"

#include <stdio.h>
#include <string.h>

#include "util/msg.h"

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Accepts 1..max digits at s[*pos]; advances *pos. */
static bool digits(const char *s, size_t len, size_t *pos, size_t max)
{
    size_t start = *pos;

    while (*pos < len && is_digit((unsigned char) s[*pos]) && *pos - start < max)
        (*pos)++;
    return *pos > start && (*pos >= len || !is_digit((unsigned char) s[*pos]));
}

bool smtp_enh_valid(int code, const char *enh, size_t len)
{
    size_t pos;

    if (len < 5 || enh[0] - '0' != code / 100 || (enh[0] != '2' && enh[0] != '4' && enh[0] != '5'))
        return false;
    if (enh[1] != '.')
        return false;
    pos = 2;
    if (!digits(enh, len, &pos, 3) || pos >= len || enh[pos] != '.')
        return false;
    pos++;
    return digits(enh, len, &pos, 3) && pos == len;
}

/* Appends one line "CODE[-| ][ENH ]text\r\n", sanitised and cut. */
static void add_line(buf_t *out, int code, const char *enh, bool more,
                     const char *text, size_t len)
{
    size_t start = out->len, room;

    buf_printf(out, "%03d%c", code, more ? '-' : ' ');
    if (enh)
        buf_printf(out, "%s ", enh);
    room = SMTP_REPLY_LINE_MAX - 2 - (out->len - start);
    if (len > room)
        len = room;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) text[i];

        buf_putc(out, (c < 32 || c == 127) ? '?' : c);
    }
    if (len == 0 && enh)
        buf_truncate(out, out->len - 1);        /* no trailing blank */
    buf_append(out, "\r\n", 2);
}

static void check_args(int code, const char *enh)
{
    if (code < 200 || code > 599)
        msg_panic("smtp_reply: bad reply code %d", code);
    if (enh && !smtp_enh_valid(code, enh, strlen(enh)))
        msg_panic("smtp_reply: enhanced code %s does not fit reply code %d", enh, code);
}

void smtp_reply_vadd(buf_t *out, int code, const char *enh, const char *fmt, va_list ap)
{
    buf_t text = BUF_INIT;
    const char *p, *nl;

    check_args(code, enh);
    buf_vprintf(&text, fmt, ap);
    p = text.data;
    while ((nl = memchr(p, '\n', text.len - (size_t) (p - text.data))) != NULL) {
        add_line(out, code, enh, true, p, (size_t) (nl - p));
        p = nl + 1;
    }
    add_line(out, code, enh, false, p, text.len - (size_t) (p - text.data));
    buf_dispose(&text);
}

void smtp_reply_add(buf_t *out, int code, const char *enh, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    smtp_reply_vadd(out, code, enh, fmt, ap);
    va_end(ap);
}

void smtp_reply_lines(buf_t *out, int code, const char *enh,
                      const char *const *lines, size_t n)
{
    check_args(code, enh);
    if (n == 0) {
        add_line(out, code, enh, false, "", 0);
        return;
    }
    for (size_t i = 0; i < n; i++)
        add_line(out, code, enh, i + 1 < n, lines[i], strlen(lines[i]));
}

struct std_reply {
    int code;
    const char *enh;
    bool with_host;
    const char *text;
};

static const struct std_reply std_replies[SMTP_R_COUNT] = {
    [SMTP_R_OK] = {250, "2.0.0", false, "Ok"},
    [SMTP_R_MAIL_OK] = {250, "2.1.0", false, "Ok"},
    [SMTP_R_RCPT_OK] = {250, "2.1.5", false, "Ok"},
    [SMTP_R_DATA_GO] = {354, NULL, false, "End data with <CR><LF>.<CR><LF>"},
    [SMTP_R_BYE] = {221, "2.0.0", false, "Bye"},
    [SMTP_R_BAD_SYNTAX] = {500, "5.5.2", false, "Error: bad syntax"},
    [SMTP_R_BAD_UTF8] = {500, "5.5.2", false, "Error: bad UTF-8 syntax"},
    [SMTP_R_LINE_TOO_LONG] = {500, "5.5.2", false, "Error: line too long"},
    [SMTP_R_UNRECOGNIZED] = {502, "5.5.2", false, "Error: command not recognized"},
    [SMTP_R_NOT_IMPLEMENTED] = {502, "5.5.1", false, "Error: command not implemented"},
    [SMTP_R_VRFY_DISABLED] = {502, "5.5.1", false, "VRFY command is disabled"},
    [SMTP_R_NEED_HELO] = {503, "5.5.1", false, "Error: send HELO/EHLO first"},
    [SMTP_R_NEED_MAIL] = {503, "5.5.1", false, "Error: need MAIL command"},
    [SMTP_R_NEED_RCPT] = {503, "5.5.1", false, "Error: need RCPT command"},
    [SMTP_R_NESTED_MAIL] = {503, "5.5.1", false, "Error: nested MAIL command"},
    [SMTP_R_DATA_AFTER_BDAT] = {503, "5.5.1", false, "Error: DATA after BDAT"},
    [SMTP_R_MAIL_AFTER_BDAT] = {503, "5.5.1", false, "Error: MAIL after BDAT"},
    [SMTP_R_RCPT_AFTER_BDAT] = {503, "5.5.1", false, "Error: RCPT after BDAT"},
    [SMTP_R_NO_VALID_RCPT] = {554, "5.5.1", false, "Error: no valid recipients"},
    [SMTP_R_SYNTAX_MAIL] = {501, "5.5.4", false, "Syntax: MAIL FROM:<address>"},
    [SMTP_R_SYNTAX_RCPT] = {501, "5.5.4", false, "Syntax: RCPT TO:<address>"},
    [SMTP_R_SYNTAX_DATA] = {501, "5.5.4", false, "Syntax: DATA"},
    [SMTP_R_SYNTAX_RSET] = {501, "5.5.4", false, "Syntax: RSET"},
    [SMTP_R_SYNTAX_QUIT] = {501, "5.5.4", false, "Syntax: QUIT"},
    [SMTP_R_SYNTAX_VRFY] = {501, "5.5.4", false, "Syntax: VRFY address"},
    [SMTP_R_SYNTAX_HELO] = {501, "5.5.4", false, "Syntax: HELO hostname"},
    [SMTP_R_SYNTAX_EHLO] = {501, "5.5.4", false, "Syntax: EHLO hostname"},
    [SMTP_R_SYNTAX_BDAT] = {521, "5.5.4", false, "Syntax: BDAT count [LAST]"},
    [SMTP_R_NULL_BDAT] = {551, "5.7.1", false, "Null BDAT request"},
    [SMTP_R_BAD_SENDER] = {501, "5.1.7", false, "Bad sender address syntax"},
    [SMTP_R_BAD_RCPT] = {501, "5.1.3", false, "Bad recipient address syntax"},
    [SMTP_R_NEED_SMTPUTF8] = {553, "5.6.7", false,
                              "Must declare SMTPUTF8 to send unicode address"},
    [SMTP_R_DSN_DISABLED] = {501, "5.7.1", false, "DSN support is disabled"},
    [SMTP_R_SIZE_FIXED] = {552, "5.3.4", false, "Message size exceeds fixed limit"},
    [SMTP_R_SIZE_FS] = {552, "5.3.4", false,
                        "Message size exceeds file system imposed limit"},
    [SMTP_R_CHUNK_SIZE] = {552, "5.3.4", false, "Chunk exceeds message size limit"},
    [SMTP_R_TOO_MANY_RCPT] = {452, "4.5.3", false, "Error: too many recipients"},
    [SMTP_R_BARE_LF] = {550, "5.5.2", false, "Error: bare <LF> received"},
    [SMTP_R_PIPELINING] = {554, "5.5.0", false, "Error: SMTP protocol synchronization"},
    [SMTP_R_QUEUE_ERROR] = {451, "4.3.0", false, "Error: queue file write error"},
    [SMTP_R_TIMEOUT] = {421, "4.4.2", true, "Error: timeout exceeded"},
    [SMTP_R_TOO_MANY_ERRORS] = {421, "4.7.0", true, "Error: too many errors"},
};

static const struct std_reply *std_lookup(enum smtp_reply_id id)
{
    if ((unsigned) id >= SMTP_R_COUNT || std_replies[id].text == NULL)
        msg_panic("smtp_reply_std: bad reply id %d", (int) id);
    return &std_replies[id];
}

void smtp_reply_std(buf_t *out, enum smtp_reply_id id, const char *myhostname)
{
    const struct std_reply *r = std_lookup(id);

    if (!r->with_host) {
        smtp_reply_add(out, r->code, r->enh, "%s", r->text);
        return;
    }
    if (myhostname == NULL)
        msg_panic("smtp_reply_std: reply %d needs the host name", (int) id);
    smtp_reply_add(out, r->code, r->enh, "%s %s", myhostname, r->text);
}

int smtp_reply_std_code(enum smtp_reply_id id)
{
    return std_lookup(id)->code;
}

int smtp_reply_parse_line(const char *line, size_t len, smtp_reply_line_t *out)
{
    size_t pos = 4, end;

    memset(out, 0, sizeof(*out));
    if (len < 3 || !is_digit((unsigned char) line[0]) || !is_digit((unsigned char) line[1])
        || !is_digit((unsigned char) line[2]))
        return -1;
    out->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (out->code < 200 || out->code > 599)
        return -1;
    if (len == 3) {
        out->text = line + 3;
        return 0;
    }
    if (line[3] != ' ' && line[3] != '-')
        return -1;
    out->more = line[3] == '-';
    for (end = pos; end < len && line[end] != ' '; end++)
        ;
    if (smtp_enh_valid(out->code, line + pos, end - pos)) {
        out->enh = line + pos;
        out->enh_len = end - pos;
        pos = end < len ? end + 1 : end;
    }
    out->text = line + pos;
    out->text_len = len - pos;
    return 0;
}
