/* session.c - the smtpd session loop: greeting, reading command lines,
 * dispatch, pipelining and error limits, logging (see smtpd_session.h).
 * Command handlers live in session_cmds.c and session_data.c. */
#include "session_impl.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "smtp/cmd.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/utf8.h"

void smtpd_config_defaults(smtpd_config_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->myhostname = "localhost";
    cfg->banner = "localhost ESMTP Postern";
    cfg->ext = SMTP_EXT_PIPELINING | SMTP_EXT_SIZE | SMTP_EXT_ENHANCEDSTATUSCODES
        | SMTP_EXT_8BITMIME | SMTP_EXT_DSN | SMTP_EXT_SMTPUTF8 | SMTP_EXT_CHUNKING;
    cfg->message_size_limit = 10240000;
    cfg->recipient_limit = 1000;
    cfg->soft_error_limit = 10;
    cfg->hard_error_limit = 20;
    cfg->error_sleep_ms = 1000;
    cfg->forbid_unauth_pipelining = true;
    cfg->bare_lf = SMTP_BARE_LF_NORMALIZE;
    cfg->line_limit = SMTP_LINE_LIMIT_DEFAULT;
    cfg->timeout_ms = 300 * 1000;
    cfg->client_name = "unknown";
    cfg->client_addr = "unknown";
    cfg->sasl_response_limit = 12288;
}

smtpd_session_t *smtpd_session_new(const smtpd_config_t *cfg, const smtpd_sink_t *sink)
{
    smtpd_session_t *s = xcalloc(1, sizeof(*s));

    s->cfg = *cfg;
    if (s->cfg.line_limit == 0)
        s->cfg.line_limit = SMTP_LINE_LIMIT_DEFAULT;
    if (s->cfg.sasl_response_limit == 0)
        s->cfg.sasl_response_limit = 12288;
    s->sink = *sink;
    buf_init(&s->out);
    buf_init(&s->line);
    buf_init(&s->reply);
    buf_init(&s->bdat_error);
    buf_init(&s->helo);
    smtp_mail_args_init(&s->mail);
    smtp_rcpt_args_init(&s->rcpt);
    s->where = "CONNECT";
    return s;
}

void smtpd_session_free(smtpd_session_t *s)
{
    if (s == NULL)
        return;
    if (s->data_active)
        smtp_data_dispose(&s->data);
    buf_dispose(&s->out);
    buf_dispose(&s->line);
    buf_dispose(&s->reply);
    buf_dispose(&s->bdat_error);
    buf_dispose(&s->helo);
    smtp_mail_args_dispose(&s->mail);
    smtp_rcpt_args_dispose(&s->rcpt);
    smtpd_auth_free(s);
    xfree(s);
}

unsigned smtpd_ext(const smtpd_session_t *s)
{
    return s->ehlo_seen ? s->cfg.ext | smtpd_auth_ext(s) : 0;
}

void smtpd_send_out(smtpd_session_t *s)
{
    if (stream_write(s->st, s->out.data, s->out.len) < 0 && !s->closing) {
        s->closing = true;
        s->end = SMTPD_END_IO_ERROR;
    }
    buf_reset(&s->out);
}

void smtpd_reply_std(smtpd_session_t *s, enum smtp_reply_id id)
{
    smtp_reply_std(&s->out, id, s->cfg.myhostname);
    smtpd_send_out(s);
}

void smtpd_reply_sink(smtpd_session_t *s)
{
    if (s->reply.len == 0)
        smtp_reply_add(&s->reply, 451, "4.3.0", "Error: server local error");
    if (s->reply.len >= 3 && memcmp(s->reply.data, "421", 3) == 0 && !s->closing) {
        s->closing = true;          /* 421: the server closes (RFC 5321 4.2.3) */
        s->end = SMTPD_END_PROTOCOL;
    }
    buf_append(&s->out, s->reply.data, s->reply.len);
    buf_reset(&s->reply);
    smtpd_send_out(s);
}

void smtpd_reply_sink_to(smtpd_session_t *s, buf_t *to)
{
    if (s->reply.len == 0)
        smtp_reply_add(&s->reply, 451, "4.3.0", "Error: server local error");
    buf_reset(to);
    buf_append(to, s->reply.data, s->reply.len);
    buf_reset(&s->reply);
}

void smtpd_reset_transaction(smtpd_session_t *s)
{
    if (s->in_mail && s->sink.abort)
        s->sink.abort(s->sink.ctx);
    s->in_mail = false;
    s->rcpt_count = 0;
    s->bdat_active = false;
    s->bdat_failed = false;
    s->bdat_total = 0;
    buf_reset(&s->bdat_error);
    if (s->data_active) {
        smtp_data_dispose(&s->data);
        s->data_active = false;
    }
}

static void log_client(const char *what, const smtpd_session_t *s)
{
    msg_info("%s after %s from %s[%s]", what, s->where, s->cfg.client_name,
             s->cfg.client_addr);
}

bool smtpd_pipelining_violation(smtpd_session_t *s, bool last_in_group)
{
    bool pipelining = (smtpd_ext(s) & SMTP_EXT_PIPELINING) != 0;

    /* buffered input, or bytes already waiting on the socket: either way
     * the client did not wait for our reply */
    if (!s->cfg.forbid_unauth_pipelining || !stream_input_waiting(s->st))
        return false;
    if (pipelining && !last_in_group)
        return false;
    log_client("improper command pipelining", s);
    smtpd_reply_std(s, SMTP_R_PIPELINING);
    s->closing = true;
    s->end = SMTPD_END_PROTOCOL;
    return true;
}

/* After a timeout the stream refuses all I/O (sticky error), so the 421
 * goes straight to the descriptor, without waiting: best effort. */
static void send_timeout_reply(smtpd_session_t *s)
{
    int fd = stream_fd(s->st);

    smtp_reply_std(&s->out, SMTP_R_TIMEOUT, s->cfg.myhostname);
    if (fd >= 0 && send(fd, s->out.data, s->out.len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0
        && errno == ENOTSOCK && write(fd, s->out.data, s->out.len) < 0)
        msg_info("cannot send timeout reply: %m");
    buf_reset(&s->out);
}

void smtpd_read_failed(smtpd_session_t *s)
{
    if (stream_error(s->st) == STREAM_ERR_TIMEOUT) {
        log_client("timeout", s);
        send_timeout_reply(s);
        s->end = SMTPD_END_TIMEOUT;
    } else {
        log_client("lost connection", s);
        s->end = stream_error(s->st) == STREAM_OK ? SMTPD_END_LOST : SMTPD_END_IO_ERROR;
    }
    s->closing = true;
}

struct command {
    const char *verb;
    int (*handler)(smtpd_session_t *s, const char *args, size_t len);
    enum smtpd_counter counter;
    bool last_in_group;         /* RFC 2920: the client must wait after it */
};

static const struct command commands[] = {
    {"HELO", smtpd_cmd_helo, CNT_HELO, true},
    {"EHLO", smtpd_cmd_ehlo, CNT_EHLO, true},
    {"MAIL", smtpd_cmd_mail, CNT_MAIL, false},
    {"RCPT", smtpd_cmd_rcpt, CNT_RCPT, false},
    {"DATA", smtpd_cmd_data, CNT_DATA, true},
    {"BDAT", smtpd_cmd_bdat, CNT_BDAT, false},
    {"RSET", smtpd_cmd_rset, CNT_RSET, false},
    {"NOOP", smtpd_cmd_noop, CNT_NOOP, true},
    {"VRFY", smtpd_cmd_vrfy, CNT_VRFY, true},
    {"QUIT", smtpd_cmd_quit, CNT_QUIT, false},
    /* RFC 3207 makes STARTTLS the last of a group; what follows it in the
     * plaintext is discarded by the handler, never executed */
    {"STARTTLS", smtpd_cmd_starttls, CNT_STARTTLS, false},
    {"AUTH", smtpd_cmd_auth, CNT_AUTH, false},
};

static void unknown_command(smtpd_session_t *s, enum smtp_reply_id id)
{
    s->total[CNT_UNKNOWN]++;
    s->errors++;
    smtpd_reply_std(s, id);
}

static void process_line(smtpd_session_t *s)
{
    const struct command *c = NULL;
    smtp_cmd_t cmd;
    int rc = smtp_cmd_split(s->line.data, s->line.len, &cmd);

    if (rc == SMTP_CMD_EMPTY || rc == SMTP_CMD_BAD_BYTES) {
        unknown_command(s, SMTP_R_BAD_SYNTAX);
        return;
    }
    if (!utf8_valid(s->line.data, s->line.len)) {
        unknown_command(s, SMTP_R_BAD_UTF8);
        return;
    }
    for (size_t i = 0; rc == SMTP_CMD_OK && i < sizeof(commands) / sizeof(commands[0]); i++)
        if (smtp_cmd_is(&cmd, commands[i].verb))
            c = &commands[i];
    if (c == NULL) {
        s->where = "UNKNOWN";
        unknown_command(s, SMTP_R_UNRECOGNIZED);
        return;
    }
    s->where = c->verb;
    s->total[c->counter]++;
    if (c->counter != CNT_QUIT && c->counter != CNT_BDAT
        && smtpd_pipelining_violation(s, c->last_in_group))
        return;
    if (smtpd_tls_refused_before_starttls(s, c->counter)) {
        s->errors++;
        return;
    }
    if (c->handler(s, cmd.args, cmd.args_len) == 0)
        s->ok[c->counter]++;
    else
        s->errors++;
}

static void read_command(smtpd_session_t *s)
{
    stream_line_end_t end;
    int rc = stream_read_line(s->st, &s->line, s->cfg.line_limit, 0, &end);

    if (rc <= 0 || end == STREAM_END_EOF) {
        smtpd_read_failed(s);
        return;
    }
    if (end == STREAM_END_TOOLONG) {
        unknown_command(s, SMTP_R_LINE_TOO_LONG);
        return;
    }
    if (end == STREAM_END_LF) {
        s->bare_lf_seen++;
        if (s->cfg.bare_lf == SMTP_BARE_LF_REJECT) {
            log_client("bare <LF> received", s);
            unknown_command(s, SMTP_R_BARE_LF);
            return;
        }
    }
    process_line(s);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long) (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Postfix's tarpit: a client past the soft error limit waits before
 * each command is read (its replies are already out). */
static void error_sleep(smtpd_session_t *s)
{
    if (s->cfg.soft_error_limit == 0 || s->errors <= s->cfg.soft_error_limit
        || s->cfg.error_sleep_ms <= 0)
        return;
    (s->cfg.sleep ? s->cfg.sleep : sleep_ms)(s->cfg.error_sleep_ms);
}

static void append_count(buf_t *out, const char *name, unsigned ok, unsigned total)
{
    if (total == 0)
        return;
    if (out->len)
        buf_putc(out, ' ');
    if (ok == total)
        buf_printf(out, "%s=%u", name, total);
    else
        buf_printf(out, "%s=%u/%u", name, ok, total);
}

void smtpd_session_counts(const smtpd_session_t *s, buf_t *out)
{
    static const char *names[CNT_COUNT] = {
        "helo", "ehlo", "starttls", "auth", "mail", "rcpt", "data", "bdat", "rset",
        "noop", "vrfy", "etrn", "quit", "unknown",
    };
    unsigned ok = 0, total = 0;

    buf_reset(out);
    for (int i = 0; i < CNT_COUNT; i++) {
        append_count(out, names[i], s->ok[i], s->total[i]);
        ok += s->ok[i];
        total += s->total[i];
    }
    if (out->len)
        buf_putc(out, ' ');
    if (ok == total)
        buf_printf(out, "commands=%u", total);
    else
        buf_printf(out, "commands=%u/%u", ok, total);
}

const char *smtpd_session_helo(const smtpd_session_t *s)
{
    return s->helo_seen ? s->helo.data : NULL;
}

unsigned smtpd_session_queued(const smtpd_session_t *s)
{
    return s->queued;
}

static void log_disconnect(const smtpd_session_t *s)
{
    buf_t counts = BUF_INIT;

    smtpd_session_counts(s, &counts);
    if (s->cfg.bare_lf == SMTP_BARE_LF_NOTE && s->bare_lf_seen)
        buf_puts(&counts, " notes=bare_lf");
    msg_info("disconnect from %s[%s] %s", s->cfg.client_name, s->cfg.client_addr,
             counts.data);
    buf_dispose(&counts);
}

enum smtpd_end smtpd_session_run(smtpd_session_t *s, stream_t *st)
{
    s->st = st;
    stream_set_timeout(st, s->cfg.timeout_ms, s->cfg.timeout_ms);
    msg_info("connect from %s[%s]", s->cfg.client_name, s->cfg.client_addr);
    if (s->cfg.tls_wrapper)
        (void) smtpd_tls_wrapper_start(s);
    if (!s->closing) {
        smtp_reply_add(&s->out, 220, NULL, "%s", s->cfg.banner);
        smtpd_send_out(s);
    }
    while (!s->closing) {
        if (s->cfg.hard_error_limit && s->errors >= s->cfg.hard_error_limit) {
            log_client("too many errors", s);
            smtpd_reply_std(s, SMTP_R_TOO_MANY_ERRORS);
            s->closing = true;
            s->end = SMTPD_END_ERRORS;
            break;
        }
        if (stream_buffered(st) == 0 && stream_flush(st) < 0) {
            s->closing = true;
            s->end = SMTPD_END_IO_ERROR;
            break;
        }
        error_sleep(s);
        read_command(s);
    }
    smtpd_reset_transaction(s);
    (void) stream_flush(st);
    log_disconnect(s);
    s->st = NULL;
    return s->end;
}
