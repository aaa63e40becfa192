/* dovecot_client.c - the Dovecot authentication protocol over a UNIX
 * socket, one request at a time (dovecot_client.h). Uses the stream
 * layer for bounded line reads and timeouts. */
#include "sasl/dovecot_client.h"

#include <string.h>
#include <unistd.h>

#include "util/base64.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/sock.h"
#include "util/stream.h"

#define HANDSHAKE_LINES_MAX 1024
#define STALE_ANSWERS_MAX 16

struct dovecot_client {
    stream_t *st;
    bool broken;
    unsigned next_id;
    unsigned current_id;
    bool in_request;
    dovecot_handshake_t hs;
    dovecot_fields_t fields;
    buf_t line;
};

bool dovecot_client_broken(const dovecot_client_t *c)
{
    return c->broken;
}

const dovecot_handshake_t *dovecot_client_handshake(const dovecot_client_t *c)
{
    return &c->hs;
}

static int broken(dovecot_client_t *c, char **err, const char *what, const char *detail)
{
    c->broken = true;
    errstr_set(err, "%s: %s", what, detail);
    return -1;
}

/* Reads one line and splits it into c->fields. */
static int read_fields(dovecot_client_t *c, const char *what, char **err)
{
    stream_line_end_t end;
    char *why = NULL;
    int rc = stream_read_line(c->st, &c->line, DOVECOT_LINE_MAX, 0, &end);

    if (rc < 0)
        return broken(c, err, what, stream_strerror(c->st));
    if (rc == 0 || end == STREAM_END_EOF)
        return broken(c, err, what, "connection closed by the authentication server");
    if (end == STREAM_END_TOOLONG)
        return broken(c, err, what, "line too long");
    if (end != STREAM_END_LF)
        return broken(c, err, what, "line does not end in LF");
    if (dovecot_fields_split(&c->fields, c->line.data, c->line.len, &why) < 0) {
        broken(c, err, what, why);
        xfree(why);
        return -1;
    }
    return 0;
}

static int send_buf(dovecot_client_t *c, const buf_t *b, const char *what, char **err)
{
    if (stream_write(c->st, b->data, b->len) < 0 || stream_flush(c->st) < 0)
        return broken(c, err, what, stream_strerror(c->st));
    return 0;
}

static int handshake(dovecot_client_t *c, char **err)
{
    buf_t hello = BUF_INIT;
    char *why = NULL;
    int rc;

    buf_printf(&hello, "VERSION\t1\t2\nCPID\t%ld\n", (long) getpid());
    rc = send_buf(c, &hello, "handshake", err);
    buf_dispose(&hello);
    for (int n = 0; rc == 0 && n < HANDSHAKE_LINES_MAX; n++) {
        if (read_fields(c, "handshake", err) < 0)
            return -1;
        rc = dovecot_handshake_line(&c->hs, &c->fields, &why);
        if (rc < 0) {
            broken(c, err, "handshake", why);
            xfree(why);
            return -1;
        }
        if (rc == 1)
            return 0;
    }
    return rc < 0 ? -1 : broken(c, err, "handshake", "no DONE line");
}

dovecot_client_t *dovecot_client_connect(const char *path, int timeout_ms, char **err)
{
    dovecot_client_t *c;
    char *why = NULL;
    int fd = sock_connect_unix(path, timeout_ms, &why);

    if (fd < 0) {
        errstr_set(err, "connect to authentication server %s: %s", path, why);
        xfree(why);
        return NULL;
    }
    c = xcalloc(1, sizeof(*c));
    c->st = stream_open_fd(fd, STREAM_CLOSE_FD);
    stream_set_timeout(c->st, timeout_ms, timeout_ms);
    c->next_id = 1;
    dovecot_handshake_init(&c->hs);
    dovecot_fields_init(&c->fields);
    buf_init(&c->line);
    if (handshake(c, &why) < 0) {
        errstr_set(err, "authentication server %s: %s", path, why);
        xfree(why);
        dovecot_client_close(c);
        return NULL;
    }
    return c;
}

void dovecot_client_close(dovecot_client_t *c)
{
    if (c == NULL)
        return;
    stream_close(c->st);
    dovecot_handshake_dispose(&c->hs);
    dovecot_fields_dispose(&c->fields);
    buf_dispose(&c->line);
    xfree(c);
}

static void add_option(buf_t *out, const char *name, const char *value)
{
    if (value == NULL || *value == '\0')
        return;
    buf_printf(out, "\t%s=", name);
    dovecot_escape(out, value, strlen(value));
}

/* Waits for the answer to the current request. Answers to requests
 * abandoned earlier (a client that gave up with "*") are skipped. */
static int read_answer(dovecot_client_t *c, dovecot_answer_t *answer, char **err)
{
    char *why = NULL;
    unsigned id;
    int skipped = 0;

    do {
        if (read_fields(c, "authentication", err) < 0)
            return -1;
    } while (dovecot_answer_id(&c->fields, &id) == 0 && id < c->current_id
             && ++skipped < STALE_ANSWERS_MAX);
    if (dovecot_answer_parse(answer, &c->fields, c->current_id, &why) < 0) {
        broken(c, err, "authentication", why);
        xfree(why);
        return -1;
    }
    c->in_request = answer->kind == DOVECOT_ANSWER_CONT;
    return 0;
}

int dovecot_client_begin(dovecot_client_t *c, const dovecot_request_t *req,
                         dovecot_answer_t *answer, char **err)
{
    buf_t out = BUF_INIT;
    int rc;

    if (c->broken)
        return broken(c, err, "authentication", "connection is broken");
    c->current_id = c->next_id++;
    if (c->next_id == 0)
        c->next_id = 1;
    buf_printf(&out, "AUTH\t%u\t", c->current_id);
    dovecot_escape(&out, req->mech, strlen(req->mech));
    add_option(&out, "service", req->service);
    if (req->secured)
        buf_puts(&out, "\tsecured");
    add_option(&out, "lip", req->local_ip);
    add_option(&out, "rip", req->remote_ip);
    add_option(&out, "lport", req->local_port);
    add_option(&out, "rport", req->remote_port);
    if (req->has_initial) {
        buf_puts(&out, "\tresp=");
        base64_encode(&out, req->initial, req->initial_len);
    }
    buf_putc(&out, '\n');
    rc = send_buf(c, &out, "authentication", err);
    buf_dispose(&out);
    if (rc < 0)
        return -1;
    c->in_request = true;
    return read_answer(c, answer, err);
}

int dovecot_client_continue(dovecot_client_t *c, const void *resp, size_t len,
                            dovecot_answer_t *answer, char **err)
{
    buf_t out = BUF_INIT;
    int rc;

    if (c->broken)
        return broken(c, err, "authentication", "connection is broken");
    if (!c->in_request) {
        errstr_set(err, "no authentication in progress");
        return -1;
    }
    buf_printf(&out, "CONT\t%u\t", c->current_id);
    base64_encode(&out, resp, len);
    buf_putc(&out, '\n');
    rc = send_buf(c, &out, "authentication", err);
    buf_dispose(&out);
    if (rc < 0)
        return -1;
    return read_answer(c, answer, err);
}
