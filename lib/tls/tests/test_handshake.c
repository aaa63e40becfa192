/* test_handshake.c - lib/tls end to end over a socketpair: a test CA and
 * a leaf certificate are made with the openssl command; a forked child
 * runs the server side (tls_server_start, echo one line), the test runs
 * the client at the levels may, encrypt, verify and secure, with right
 * and wrong names, with and without the CA, with a protocol limit; and
 * the ticket key file is created once, 0600, and read back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tls/tls.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

static char dir[] = "/tmp/tls_test_XXXXXX";
static char path_buf[8][512];

static const char *path(int slot, const char *name)
{
    snprintf(path_buf[slot], sizeof(path_buf[slot]), "%s/%s", dir, name);
    return path_buf[slot];
}

static int make_certificates(void **state)
{
    char cmd[4096];

    (void) state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(cmd, sizeof(cmd),
             "cd %s && exec >log 2>&1 && "
             "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
             "-subj /CN=Test-CA && "
             "openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr "
             "-subj /CN=mail.example.test && "
             "printf 'subjectAltName=DNS:mail.example.test\\n' >ext && "
             "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
             "-out leaf.pem -days 2 -extfile ext && "
             "cat leaf.pem ca.pem >fullchain.pem && cat leaf.key leaf.pem ca.pem >chainfile.pem",
             dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int remove_certificates(void **state)
{
    char cmd[1024];

    (void) state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void server_params(tls_server_params_t *p)
{
    memset(p, 0, sizeof(*p));
    p->cert_file = path(0, "fullchain.pem");
    p->key_file = path(1, "leaf.key");
    p->protocols = ">=TLSv1.2";
    p->cipher_grade = "medium";
    p->high_cipherlist = "aNULL:-aNULL:HIGH:@STRENGTH";
    p->medium_cipherlist = "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH";
    p->null_cipherlist = "eNULL:!aNULL";
    p->session_timeout = 3600;
    p->ticket_key_file = path(2, "ticket.key");
}

static void client_params(tls_client_params_t *p, const char *cafile)
{
    memset(p, 0, sizeof(*p));
    p->CAfile = cafile;
    p->protocols = ">=TLSv1.2";
    p->mandatory_protocols = ">=TLSv1.2";
    p->cipher_grade = "medium";
    p->mandatory_cipher_grade = "medium";
    p->high_cipherlist = "aNULL:-aNULL:HIGH:@STRENGTH";
    p->medium_cipherlist = "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH";
    p->null_cipherlist = "eNULL:!aNULL";
}

/* The child: handshake, echo one line with a prefix, exit. */
static void serve(int fd, const tls_server_params_t *p)
{
    stream_t *st = stream_open_fd(fd, STREAM_CLOSE_FD);
    tls_ctx_t *ctx;
    buf_t line = BUF_INIT;
    stream_line_end_t end;
    char *err = NULL;

    alarm(10);
    stream_set_timeout(st, 5000, 5000);
    if ((ctx = tls_server_ctx_new(p, NULL, &err)) == NULL)
        _exit(2);
    if (tls_server_start(ctx, st, "client", "127.0.0.1", &err) == NULL)
        _exit(3);
    if (stream_read_line(st, &line, 100, 0, &end) != 1)
        _exit(4);
    if (stream_printf(st, "echo %s\r\n", line.data) < 0 || stream_flush(st) < 0)
        _exit(5);
    stream_close(st);
    tls_ctx_free(ctx);
    _exit(0);
}

struct outcome {
    bool ok;
    tls_info_t info;
    char err[512];
    int server_status;
};

static void run(const tls_server_params_t *sp, const tls_client_params_t *cp,
                const tls_client_args_t *args, struct outcome *out)
{
    int sv[2];
    pid_t pid;
    stream_t *st;
    tls_ctx_t *ctx;
    tls_conn_t *conn;
    char *err = NULL;
    buf_t line = BUF_INIT;
    stream_line_end_t end;

    memset(out, 0, sizeof(*out));
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        serve(sv[1], sp);
    }
    close(sv[1]);
    st = stream_open_fd(sv[0], STREAM_CLOSE_FD);
    stream_set_timeout(st, 5000, 5000);
    ctx = tls_client_ctx_new(cp, &err);
    if (ctx == NULL)
        fail_msg("client context: %s", err);
    conn = tls_client_start(ctx, st, args, &err);
    if (conn != NULL) {
        out->info = *tls_conn_info(conn);
        assert_int_equal(stream_puts(st, "hello\r\n"), 0);
        assert_int_equal(stream_flush(st), 0);
        assert_int_equal(stream_read_line(st, &line, 100, 0, &end), 1);
        assert_string_equal(line.data, "echo hello");
        out->ok = true;
    } else {
        snprintf(out->err, sizeof(out->err), "%s", err);
        xfree(err);
    }
    stream_close(st);
    tls_ctx_free(ctx);
    assert_int_equal(waitpid(pid, &out->server_status, 0), pid);
    buf_dispose(&line);
}

static tls_client_args_t args_for(enum tls_level level, const char *host)
{
    tls_client_args_t a = {level, host, "127.0.0.1", 25, NULL, NULL};

    return a;
}

static void test_may_without_ca(void **state)
{
    tls_server_params_t sp;
    tls_client_params_t cp;
    tls_client_args_t a = args_for(TLS_LEV_MAY, "mail.example.test");
    struct outcome o;

    (void) state;
    server_params(&sp);
    client_params(&cp, "");
    run(&sp, &cp, &a, &o);
    assert_true(o.ok);
    assert_string_equal(o.info.protocol, "TLSv1.3");
    assert_true(o.info.cipher_bits >= 128);
    assert_true(o.info.peer_cert);
    assert_false(o.info.peer_trusted);
    assert_false(o.info.peer_verified);
    assert_string_equal(o.info.peer_subject_cn, "mail.example.test");
    assert_string_equal(o.info.peer_issuer_cn, "Test-CA");
    assert_true(WIFEXITED(o.server_status) && WEXITSTATUS(o.server_status) == 0);
}

static void test_encrypt_trusted(void **state)
{
    tls_server_params_t sp;
    tls_client_params_t cp;
    tls_client_args_t a = args_for(TLS_LEV_ENCRYPT, "other.example");
    struct outcome o;

    (void) state;
    server_params(&sp);
    client_params(&cp, path(3, "ca.pem"));
    run(&sp, &cp, &a, &o);
    assert_true(o.ok);
    assert_true(o.info.peer_trusted);
    assert_false(o.info.peer_verified);     /* no name check at encrypt */
}

static void test_verify_name(void **state)
{
    tls_server_params_t sp;
    tls_client_params_t cp;
    tls_client_args_t a = args_for(TLS_LEV_VERIFY, "mail.example.test");
    const char *names[] = {"wrong.example", "mail.example.test", NULL};
    struct outcome o;

    (void) state;
    server_params(&sp);
    client_params(&cp, path(3, "ca.pem"));
    run(&sp, &cp, &a, &o);
    assert_true(o.ok);
    assert_true(o.info.peer_verified);
    a = args_for(TLS_LEV_SECURE, "ignored.example");
    a.match_names = names;
    a.sni = "mail.example.test";
    run(&sp, &cp, &a, &o);
    assert_true(o.ok);
    assert_true(o.info.peer_verified);
}

static void test_verify_failures(void **state)
{
    tls_server_params_t sp;
    tls_client_params_t cp;
    tls_client_args_t a = args_for(TLS_LEV_VERIFY, "wrong.example.test");
    struct outcome o;

    (void) state;
    server_params(&sp);
    client_params(&cp, path(3, "ca.pem"));
    run(&sp, &cp, &a, &o);
    assert_false(o.ok);
    assert_non_null(strstr(o.err, "certificate verify failed"));
    /* a wildcard-free name that only differs in one label */
    a = args_for(TLS_LEV_SECURE, "example.test");
    run(&sp, &cp, &a, &o);
    assert_false(o.ok);
    /* the right name, but nothing to verify the chain with */
    client_params(&cp, "");
    a = args_for(TLS_LEV_SECURE, "mail.example.test");
    run(&sp, &cp, &a, &o);
    assert_false(o.ok);
}

static void test_protocol_limit(void **state)
{
    tls_server_params_t sp;
    tls_client_params_t cp;
    tls_client_args_t a = args_for(TLS_LEV_ENCRYPT, "mail.example.test");
    struct outcome o;

    (void) state;
    server_params(&sp);
    client_params(&cp, "");
    cp.mandatory_protocols = "!TLSv1.3";
    run(&sp, &cp, &a, &o);
    assert_true(o.ok);
    assert_string_equal(o.info.protocol, "TLSv1.2");
    /* the opportunistic list is not used at encrypt */
    cp.protocols = "garbage";
    tls_ctx_t *ctx = tls_client_ctx_new(&cp, NULL);
    assert_null(ctx);
    /* server TLSv1.3 only, client TLSv1.2 only: no handshake */
    cp.protocols = ">=TLSv1.2";
    sp.protocols = "TLSv1.3";
    run(&sp, &cp, &a, &o);
    assert_false(o.ok);
}

static void test_chain_file(void **state)
{
    tls_server_params_t sp;
    tls_client_params_t cp;
    tls_client_args_t a = args_for(TLS_LEV_VERIFY, "mail.example.test");
    struct outcome o;

    (void) state;
    server_params(&sp);
    sp.cert_file = "/nonexistent";
    sp.chain_files = path(4, "chainfile.pem");
    client_params(&cp, path(3, "ca.pem"));
    run(&sp, &cp, &a, &o);
    assert_true(o.ok);
    assert_true(o.info.peer_verified);
}

static void test_bad_server_params(void **state)
{
    tls_server_params_t sp;
    char *err = NULL;

    (void) state;
    server_params(&sp);
    sp.cert_file = path(4, "missing.pem");
    assert_null(tls_server_ctx_new(&sp, NULL, &err));
    assert_non_null(strstr(err, "missing.pem"));
    xfree(err);
    server_params(&sp);
    sp.key_file = path(4, "ca.key");         /* does not match the certificate */
    assert_null(tls_server_ctx_new(&sp, NULL, &err));
    xfree(err);
    server_params(&sp);
    sp.cert_file = "";
    assert_null(tls_server_ctx_new(&sp, NULL, &err));
    xfree(err);
    server_params(&sp);
    sp.cipher_grade = "strong";
    assert_null(tls_server_ctx_new(&sp, NULL, &err));
    assert_non_null(strstr(err, "strong"));
    xfree(err);
    server_params(&sp);
    sp.medium_cipherlist = "NO-SUCH-CIPHER";
    assert_null(tls_server_ctx_new(&sp, NULL, &err));
    xfree(err);
}

static void test_ticket_key_file(void **state)
{
    tls_server_params_t sp;
    tls_ctx_t *ctx;
    char *warning = NULL, *err = NULL;
    struct stat st1, st2;
    FILE *fp;

    (void) state;
    server_params(&sp);
    sp.ticket_key_file = path(5, "fresh.key");
    ctx = tls_server_ctx_new(&sp, &warning, &err);
    assert_non_null(ctx);
    assert_null(warning);
    tls_ctx_free(ctx);
    assert_int_equal(stat(path(5, "fresh.key"), &st1), 0);
    assert_int_equal(st1.st_mode & 0777, 0600);
    assert_int_equal(st1.st_size, 80);
    ctx = tls_server_ctx_new(&sp, &warning, &err);      /* read, not replaced */
    assert_non_null(ctx);
    tls_ctx_free(ctx);
    assert_int_equal(stat(path(5, "fresh.key"), &st2), 0);
    assert_int_equal(st1.st_ino, st2.st_ino);
    /* a damaged file: the context works, with a warning */
    assert_non_null(fp = fopen(path(6, "short.key"), "w"));
    fputs("short", fp);
    fclose(fp);
    sp.ticket_key_file = path(6, "short.key");
    ctx = tls_server_ctx_new(&sp, &warning, &err);
    assert_non_null(ctx);
    assert_non_null(warning);
    assert_non_null(strstr(warning, "short.key"));
    xfree(warning);
    tls_ctx_free(ctx);
    sp.ticket_key_file = "/nonexistent-dir/x.key";
    ctx = tls_server_ctx_new(&sp, &warning, &err);
    assert_non_null(ctx);
    assert_non_null(warning);
    xfree(warning);
    tls_ctx_free(ctx);
}

static void test_describe(void **state)
{
    tls_info_t info;
    buf_t out = BUF_INIT;

    (void) state;
    memset(&info, 0, sizeof(info));
    strcpy(info.protocol, "TLSv1.3");
    strcpy(info.cipher, "TLS_AES_256_GCM_SHA384");
    info.cipher_bits = info.cipher_alg_bits = 256;
    tls_info_describe(&info, &out);
    assert_string_equal(out.data, "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)");
    buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_may_without_ca),
        cmocka_unit_test(test_encrypt_trusted),
        cmocka_unit_test(test_verify_name),
        cmocka_unit_test(test_verify_failures),
        cmocka_unit_test(test_protocol_limit),
        cmocka_unit_test(test_chain_file),
        cmocka_unit_test(test_bad_server_params),
        cmocka_unit_test(test_ticket_key_file),
        cmocka_unit_test(test_describe),
    };

    msg_init("tls_test_handshake", MSG_SINK_STDERR);
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, make_certificates, remove_certificates);
}
