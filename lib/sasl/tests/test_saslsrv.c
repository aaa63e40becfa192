/* test_saslsrv.c - unit tests for saslsrv: security options, the
 * mechanism list check, and the dovecot backend end to end against a
 * small scripted authentication server (a child process on a UNIX
 * socket in a temporary directory): handshake, mechanism filtering,
 * PLAIN with and without an initial response, LOGIN challenges, wrong
 * password, temporary failure, unknown answers, a server that closes
 * the connection, and reconnection after that. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sasl/dovecot_proto.h"
#include "sasl/saslsrv.h"
#include "sasl/saslsrv_impl.h"
#include "util/base64.h"
#include "util/mem.h"
#include "util/sock.h"
#include "util/stream.h"

static char dir[64];
static char path[128];
static pid_t server_pid;

/* --- the scripted server (child) ------------------------------------- */

static void send_line(stream_t *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void send_line(stream_t *st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    (void) stream_vprintf(st, fmt, ap);
    va_end(ap);
    (void) stream_putc(st, '\n');
    (void) stream_flush(st);
}

static void check_password(stream_t *st, const char *id, const char *user, const char *pass)
{
    if (strcmp(user, "joe") == 0 && strcmp(pass, "secret") == 0)
        send_line(st, "OK\t%s\tuser=joe", id);
    else
        send_line(st, "FAIL\t%s\treason=Password mismatch\tuser=%s", id, user);
}

/* Reads "CONT id base64" and decodes it into out; -1 at end. */
static int read_cont(stream_t *st, dovecot_fields_t *f, buf_t *line, buf_t *out)
{
    stream_line_end_t end;

    if (stream_read_line(st, line, 4096, 0, &end) <= 0
        || dovecot_fields_split(f, line->data, line->len, NULL) < 0 || f->count < 3)
        return -1;
    buf_reset(out);
    return base64_decode(out, f->field[2].data, f->field[2].len);
}

static void serve_request(stream_t *st, dovecot_fields_t *f, buf_t *line)
{
    char id[16], mech[32];
    buf_t resp = BUF_INIT, user = BUF_INIT;
    const char *r = NULL;

    snprintf(id, sizeof(id), "%s", f->field[1].data);
    snprintf(mech, sizeof(mech), "%s", f->field[2].data);
    for (size_t i = 3; i < f->count; i++)
        if (strncmp(f->field[i].data, "resp=", 5) == 0)
            r = f->field[i].data + 5;
    buf_init(&resp);
    buf_init(&user);
    if (r != NULL)
        (void) base64_decode(&resp, r, strlen(r));
    if (strcmp(mech, "PLAIN") == 0) {
        if (r == NULL) {
            send_line(st, "CONT\t%s\t", id);
            if (read_cont(st, f, line, &resp) < 0)
                goto out;
        }
        if (resp.len >= 2 && resp.data[0] == '\0') {
            const char *u = resp.data + 1;

            check_password(st, id, u, u + strlen(u) + 1 <= resp.data + resp.len
                           ? u + strlen(u) + 1 : "");
        } else {
            send_line(st, "FAIL\t%s\treason=bad PLAIN response", id);
        }
    } else if (strcmp(mech, "LOGIN") == 0) {
        send_line(st, "CONT\t%s\tVXNlcm5hbWU6", id);
        if (read_cont(st, f, line, &user) < 0)
            goto out;
        send_line(st, "CONT\t%s\tUGFzc3dvcmQ6", id);
        if (read_cont(st, f, line, &resp) < 0)
            goto out;
        check_password(st, id, user.data, resp.data);
    } else if (strcmp(mech, "TEMP") == 0) {
        send_line(st, "FAIL\t%s\treason=backend down\ttemp", id);
    } else if (strcmp(mech, "GARBAGE") == 0) {
        send_line(st, "WHAT\t%s", id);
    } else if (strcmp(mech, "NOUSER") == 0) {
        send_line(st, "OK\t%s", id);
    } else if (strcmp(mech, "STALE") == 0) {
        send_line(st, "FAIL\t0\treason=old");
        send_line(st, "OK\t%s\tuser=stale", id);
    }
    /* BROKEN: no answer, the caller closes */
out:
    buf_dispose(&resp);
    buf_dispose(&user);
}

static void serve_client(int fd)
{
    stream_t *st = stream_open_fd(fd, STREAM_CLOSE_FD);
    dovecot_fields_t f;
    buf_t line = BUF_INIT;
    stream_line_end_t end;

    dovecot_fields_init(&f);
    stream_set_timeout(st, 5000, 5000);
    send_line(st, "VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\n"
              "MECH\tANONYMOUS\tanonymous\nMECH\tSECRET\tprivate\nMECH\tTEMP\n"
              "MECH\tGARBAGE\nMECH\tBROKEN\nMECH\tNOUSER\nMECH\tSTALE\nSPID\t1\nCUID\t1\n"
              "COOKIE\tabc\nDONE");
    for (int n = 0; n < 100 && stream_read_line(st, &line, 4096, 0, &end) > 0; n++) {
        if (dovecot_fields_split(&f, line.data, line.len, NULL) < 0)
            break;
        if (strcmp(f.field[0].data, "AUTH") == 0 && f.count >= 3) {
            if (strcmp(f.field[2].data, "BROKEN") == 0)
                break;
            serve_request(st, &f, &line);
        }
    }
    buf_dispose(&line);
    dovecot_fields_dispose(&f);
    stream_close(st);
}

static void run_server(int lfd)
{
    alarm(60);
    for (int n = 0; n < 50; n++) {
        int fd = sock_accept(lfd, NULL);

        if (fd >= 0)
            serve_client(fd);
    }
    _exit(0);
}

static int start_server(void **state)
{
    char *err = NULL;
    int lfd;

    (void) state;
    snprintf(dir, sizeof(dir), "/tmp/saslsrv-test.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/auth", dir);
    lfd = sock_listen_unix(path, 10, 0600, &err);
    assert_true(lfd >= 0);
    server_pid = fork();
    assert_true(server_pid >= 0);
    if (server_pid == 0)
        run_server(lfd);
    close(lfd);
    return 0;
}

static int stop_server(void **state)
{
    (void) state;
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        (void) waitpid(server_pid, NULL, 0);
    }
    unlink(path);
    rmdir(dir);
    return 0;
}

/* --- tests ---------------------------------------------------------- */

static void test_security_options(void **state)
{
    unsigned flags = 99;
    char *err = NULL;

    (void) state;
    assert_int_equal(saslsrv_parse_security("", &flags, &err), 0);
    assert_int_equal(flags, 0);
    assert_int_equal(saslsrv_parse_security("noanonymous, NOPLAINTEXT\tnodictionary", &flags,
                                            &err), 0);
    assert_int_equal(flags, SASLSRV_SEC_NOANONYMOUS | SASLSRV_SEC_NOPLAINTEXT
                     | SASLSRV_SEC_NODICTIONARY);
    assert_int_equal(saslsrv_parse_security("noactive mutual_auth,forward_secrecy", &flags,
                                            &err), 0);
    assert_int_equal(flags, SASLSRV_SEC_NOACTIVE | SASLSRV_SEC_MUTUAL_AUTH
                     | SASLSRV_SEC_FORWARD_SECRECY);
    assert_int_equal(saslsrv_parse_security("noanonymous, nosuchthing", &flags, &err), -1);
    assert_non_null(strstr(err, "nosuchthing"));
    xfree(err);
}

static void test_mech_listed(void **state)
{
    (void) state;
    assert_true(saslsrv_mech_listed("PLAIN LOGIN", "login"));
    assert_true(saslsrv_mech_listed("PLAIN  LOGIN", "PLAIN"));
    assert_false(saslsrv_mech_listed("PLAIN LOGIN", "LOG"));
    assert_false(saslsrv_mech_listed("PLAIN LOGIN", ""));
    assert_false(saslsrv_mech_listed("", "PLAIN"));
    assert_false(saslsrv_mech_listed("CRAM-MD5", "CRAM"));
}

static void test_unknown_type(void **state)
{
    saslsrv_config_t cfg = {.type = "kerberos", .path = "x"};
    char *err = NULL;

    (void) state;
    assert_null(saslsrv_new(&cfg, &err));
    assert_non_null(strstr(err, "kerberos"));
    xfree(err);
}

static saslsrv_t *new_dovecot(void)
{
    saslsrv_config_t cfg = {.type = "dovecot", .path = path, .service = "smtp",
                            .timeout_ms = 5000};
    char *err = NULL;
    saslsrv_t *s = saslsrv_new(&cfg, &err);

    assert_non_null(s);
    return s;
}

static saslsrv_conn_t *new_conn(saslsrv_t *s, unsigned security)
{
    saslsrv_peer_t peer = {.client_addr = "192.0.2.1", .client_port = "1234",
                           .server_addr = "127.0.0.1", .server_port = "25",
                           .security = security};
    char *err = NULL;
    saslsrv_conn_t *c = saslsrv_conn_new(s, &peer, &err);

    assert_non_null(c);
    return c;
}

static void test_dovecot_mechs(void **state)
{
    saslsrv_t *s = new_dovecot();
    saslsrv_conn_t *c = new_conn(s, 0);
    buf_t list = BUF_INIT;
    char *err = NULL;

    (void) state;
    buf_init(&list);
    assert_int_equal(saslsrv_conn_mechs(c, &list, &err), 0);
    assert_string_equal(list.data, "PLAIN LOGIN ANONYMOUS TEMP GARBAGE BROKEN NOUSER STALE");
    saslsrv_conn_free(c);
    c = new_conn(s, SASLSRV_SEC_NOANONYMOUS | SASLSRV_SEC_NOPLAINTEXT);
    buf_reset(&list);
    assert_int_equal(saslsrv_conn_mechs(c, &list, &err), 0);
    assert_string_equal(list.data, "TEMP GARBAGE BROKEN NOUSER STALE");
    saslsrv_conn_free(c);
    buf_dispose(&list);
    saslsrv_free(s);
}

static void test_dovecot_plain(void **state)
{
    saslsrv_t *s = new_dovecot();
    saslsrv_conn_t *c = new_conn(s, SASLSRV_SEC_NOANONYMOUS);
    buf_t ch = BUF_INIT, why = BUF_INIT;

    (void) state;
    buf_init(&ch);
    buf_init(&why);
    assert_int_equal(saslsrv_conn_start(c, "PLAIN", true, "\0joe\0wrong", 10, &ch, &why),
                     SASLSRV_FAIL);
    assert_string_equal(why.data, "Password mismatch");
    assert_null(saslsrv_conn_username(c));
    assert_int_equal(saslsrv_conn_start(c, "plain", true, "\0joe\0secret", 11, &ch, &why),
                     SASLSRV_DONE);
    assert_string_equal(saslsrv_conn_username(c), "joe");
    /* once authenticated, nothing more */
    assert_int_equal(saslsrv_conn_start(c, "PLAIN", true, "\0joe\0secret", 11, &ch, &why),
                     SASLSRV_FAIL);
    saslsrv_conn_free(c);
    /* no initial response: an empty challenge first */
    c = new_conn(s, 0);
    assert_int_equal(saslsrv_conn_start(c, "PLAIN", false, NULL, 0, &ch, &why),
                     SASLSRV_CONTINUE);
    assert_int_equal(ch.len, 0);
    assert_int_equal(saslsrv_conn_step(c, "\0joe\0secret", 11, &ch, &why), SASLSRV_DONE);
    assert_string_equal(saslsrv_conn_username(c), "joe");
    saslsrv_conn_free(c);
    /* a mechanism the options exclude, or that does not exist */
    c = new_conn(s, SASLSRV_SEC_NOPLAINTEXT);
    assert_int_equal(saslsrv_conn_start(c, "PLAIN", true, "\0joe\0secret", 11, &ch, &why),
                     SASLSRV_FAIL);
    assert_int_equal(saslsrv_conn_start(c, "SECRET", false, NULL, 0, &ch, &why), SASLSRV_FAIL);
    assert_int_equal(saslsrv_conn_step(c, "x", 1, &ch, &why), SASLSRV_FAIL);
    saslsrv_conn_free(c);
    buf_dispose(&ch);
    buf_dispose(&why);
    saslsrv_free(s);
}

static void test_dovecot_login(void **state)
{
    saslsrv_t *s = new_dovecot();
    saslsrv_conn_t *c = new_conn(s, 0);
    buf_t ch = BUF_INIT, why = BUF_INIT;

    (void) state;
    buf_init(&ch);
    buf_init(&why);
    assert_int_equal(saslsrv_conn_start(c, "LOGIN", false, NULL, 0, &ch, &why),
                     SASLSRV_CONTINUE);
    assert_string_equal(ch.data, "Username:");
    assert_int_equal(saslsrv_conn_step(c, "joe", 3, &ch, &why), SASLSRV_CONTINUE);
    assert_string_equal(ch.data, "Password:");
    assert_int_equal(saslsrv_conn_step(c, "secret", 6, &ch, &why), SASLSRV_DONE);
    assert_string_equal(saslsrv_conn_username(c), "joe");
    saslsrv_conn_free(c);
    buf_dispose(&ch);
    buf_dispose(&why);
    saslsrv_free(s);
}

static void test_dovecot_failures(void **state)
{
    saslsrv_t *s = new_dovecot();
    saslsrv_conn_t *c = new_conn(s, 0);
    buf_t ch = BUF_INIT, why = BUF_INIT;

    (void) state;
    buf_init(&ch);
    buf_init(&why);
    assert_int_equal(saslsrv_conn_start(c, "TEMP", false, NULL, 0, &ch, &why), SASLSRV_TEMP);
    assert_string_equal(why.data, "backend down");
    /* an answer to an abandoned request is skipped */
    assert_int_equal(saslsrv_conn_start(c, "STALE", false, NULL, 0, &ch, &why), SASLSRV_DONE);
    assert_string_equal(saslsrv_conn_username(c), "stale");
    saslsrv_conn_free(c);
    c = new_conn(s, 0);
    assert_int_equal(saslsrv_conn_start(c, "NOUSER", false, NULL, 0, &ch, &why), SASLSRV_TEMP);
    assert_int_equal(saslsrv_conn_start(c, "GARBAGE", false, NULL, 0, &ch, &why), SASLSRV_TEMP);
    assert_non_null(strstr(why.data, "unknown answer"));
    /* the broken connection is replaced */
    assert_int_equal(saslsrv_conn_start(c, "PLAIN", true, "\0joe\0secret", 11, &ch, &why),
                     SASLSRV_DONE);
    saslsrv_conn_free(c);
    c = new_conn(s, 0);
    assert_int_equal(saslsrv_conn_start(c, "BROKEN", false, NULL, 0, &ch, &why), SASLSRV_TEMP);
    assert_non_null(strstr(why.data, "closed"));
    assert_int_equal(saslsrv_conn_step(c, "x", 1, &ch, &why), SASLSRV_FAIL);
    assert_int_equal(saslsrv_conn_start(c, "PLAIN", true, "\0joe\0secret", 11, &ch, &why),
                     SASLSRV_DONE);
    saslsrv_conn_free(c);
    buf_dispose(&ch);
    buf_dispose(&why);
    saslsrv_free(s);
}

static void test_dovecot_no_server(void **state)
{
    saslsrv_config_t cfg = {.type = "dovecot", .path = "/nonexistent/auth", .timeout_ms = 1000};
    saslsrv_peer_t peer = {0};
    buf_t ch = BUF_INIT, why = BUF_INIT, list = BUF_INIT;
    char *err = NULL;
    saslsrv_t *s = saslsrv_new(&cfg, &err);
    saslsrv_conn_t *c;

    (void) state;
    assert_non_null(s);
    c = saslsrv_conn_new(s, &peer, &err);
    assert_non_null(c);
    buf_init(&list);
    assert_int_equal(saslsrv_conn_mechs(c, &list, &err), -1);
    assert_non_null(strstr(err, "/nonexistent/auth"));
    xfree(err);
    buf_init(&ch);
    buf_init(&why);
    assert_int_equal(saslsrv_conn_start(c, "PLAIN", false, NULL, 0, &ch, &why), SASLSRV_TEMP);
    saslsrv_conn_free(c);
    saslsrv_free(s);
    buf_dispose(&ch);
    buf_dispose(&why);
    buf_dispose(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_security_options),
        cmocka_unit_test(test_mech_listed),
        cmocka_unit_test(test_unknown_type),
        cmocka_unit_test(test_dovecot_mechs),
        cmocka_unit_test(test_dovecot_plain),
        cmocka_unit_test(test_dovecot_login),
        cmocka_unit_test(test_dovecot_failures),
        cmocka_unit_test(test_dovecot_no_server),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
