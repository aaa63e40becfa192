/* test_bounce.c - unit tests for DSN composition and queueing.
 * With the argument "dump FULL|HDRS|BIG" it prints one composed failure
 * notice on stdout instead, for tests/parse_dsn.py (Python's email
 * package checks the MIME structure). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "bounce/bounce.h"
#include "queue/qwriter.h"
#include "util/buf.h"
#include "util/mem.h"

static char qdir[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st; (void) flag; (void) ftw;
    return remove(path);
}

static queue_t *make_queue(void)
{
    char *err = NULL;
    queue_t *q;

    snprintf(qdir, sizeof(qdir), "/tmp/postern-bounce.XXXXXX");
    if (mkdtemp(qdir) == NULL)
        abort();
    q = queue_new(qdir, NULL, 1, &err);
    if (q == NULL || queue_layout_repair(q, getuid(), getgid(), getgid(), NULL, &err) < 0) {
        fprintf(stderr, "queue: %s\n", err);
        abort();
    }
    return q;
}

static void drop_queue(queue_t *q)
{
    queue_free(q);
    nftw(qdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* An original message with two recipients; body_lines extra lines. */
static char *write_original(queue_t *q, int ret, int body_lines)
{
    struct timeval tv = {1795359207, 0};
    char *err = NULL, *id;
    qwriter_t *w = qwriter_create(q, "incoming", &err);

    assert_non_null(w);
    qwriter_put_time(w, QREC_TIME, &tv);
    qwriter_put_sender(w, "alice@example.org");
    qwriter_put_envid(w, "env-42");
    qwriter_put_ret(w, ret);
    qwriter_put_rcpt(w, "bob@example.com", "Bob@Example.com", "rfc822;Bob@Example.com", 0);
    qwriter_put_rcpt(w, "carol@example.com", NULL, NULL, 0);
    qwriter_begin_content(w);
    qwriter_put_line(w, "Subject: hello", 14);
    qwriter_put_line(w, "From: alice@example.org", 23);
    qwriter_put_line(w, "", 0);
    qwriter_put_line(w, "body line 1", 11);
    for (int i = 0; i < body_lines; i++)
        qwriter_put_line(w, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 51);
    qwriter_end_content(w);
    assert_int_equal(qwriter_commit(w, &err), 0);
    id = xstrdup(qwriter_id(w));
    qwriter_free(w);
    return id;
}

static const bounce_rcpt_t failed_rcpt = {
    "bob@example.com", "Bob@Example.com", "rfc822;Bob@Example.com", "5.1.1",
    "host mx.example.com[192.0.2.1] said: 550 5.1.1 no such user", "mx.example.com", 1,
};

static void collect(void *ctx, const char *line, size_t len)
{
    buf_append(ctx, line, len);
    buf_putc(ctx, '\n');
}

static void compose(queue_t *q, const char *id, bounce_action_t action, long long limit, buf_t *out)
{
    bounce_params_t p = {"mx1.example.net", id, limit, 1795360000, 0, "notice@mx1", NULL, 0};
    qfile_t *qf = NULL;
    char *err = NULL;

    assert_int_equal(qfile_open(q, "incoming", id, QFILE_READ, &qf, &err), QFILE_OK);
    assert_int_equal(bounce_compose(qf, action, &failed_rcpt, 1, &p, collect, out, &err), 0);
    qfile_close(qf);
}

static void test_failed_full_message(void **state)
{
    queue_t *q = make_queue();
    char *id = write_original(q, QDSN_RET_FULL, 0);
    buf_t out = BUF_INIT;

    (void) state;
    compose(q, id, BOUNCE_FAILED, 50000, &out);
    assert_non_null(strstr(out.data, "Subject: Undelivered Mail Returned to Sender\n"));
    assert_non_null(strstr(out.data, "Content-Type: multipart/report; report-type=delivery-status;\n"));
    assert_non_null(strstr(out.data, "\nReporting-MTA: dns; mx1.example.net\n"));
    assert_non_null(strstr(out.data, "\nOriginal-Envelope-Id: env-42\n"));
    assert_non_null(strstr(out.data, "\nFinal-Recipient: rfc822; bob@example.com\n"));
    assert_non_null(strstr(out.data, "\nOriginal-Recipient: rfc822;Bob@Example.com\n"));
    assert_non_null(strstr(out.data, "\nAction: failed\nStatus: 5.1.1\n"));
    assert_non_null(strstr(out.data, "\nDiagnostic-Code: smtp; host mx.example.com"));
    assert_non_null(strstr(out.data, "\nContent-Type: message/rfc822\n\nSubject: hello\n"));
    assert_non_null(strstr(out.data, "\nbody line 1\n"));
    assert_non_null(strstr(out.data, "Message-Id: <notice@mx1>\n"));
    buf_dispose(&out);
    xfree(id);
    drop_queue(q);
}

static void test_hdrs_and_size_limit_return_headers_only(void **state)
{
    queue_t *q = make_queue();
    char *id1 = write_original(q, QDSN_RET_HDRS, 0);
    char *id2 = write_original(q, QDSN_RET_FULL, 100);
    buf_t out = BUF_INIT;

    (void) state;
    compose(q, id1, BOUNCE_FAILED, 50000, &out);
    assert_non_null(strstr(out.data, "Content-Type: text/rfc822-headers\n\nSubject: hello\n"));
    assert_null(strstr(out.data, "body line 1"));
    buf_reset(&out);
    compose(q, id2, BOUNCE_FAILED, 1000, &out);
    assert_non_null(strstr(out.data, "Content-Type: text/rfc822-headers\n"));
    assert_null(strstr(out.data, "body line 1"));
    buf_reset(&out);
    compose(q, id2, BOUNCE_RELAYED, 0, &out);
    assert_non_null(strstr(out.data, "\nAction: relayed\n"));
    assert_non_null(strstr(out.data, "Subject: Successful Mail Delivery Report\n"));
    assert_non_null(strstr(out.data, "Content-Type: text/rfc822-headers\n"));
    buf_reset(&out);
    compose(q, id2, BOUNCE_DELAYED, 0, &out);
    assert_non_null(strstr(out.data, "\nAction: delayed\n"));
    assert_non_null(strstr(out.data, "Subject: Delayed Mail (still being retried)\n"));
    assert_null(strstr(out.data, "body line 1"));
    buf_dispose(&out);
    xfree(id1);
    xfree(id2);
    drop_queue(q);
}

static void test_queue_writes_null_sender_notice(void **state)
{
    queue_t *q = make_queue();
    char *id = write_original(q, QDSN_RET_FULL, 0), *nid = NULL, *err = NULL;
    bounce_params_t p = {"mx1.example.net", id, 50000, 1795360000, 0, NULL, NULL, 0};
    qfile_t *qf = NULL, *nf = NULL;
    const qenvelope_t *env;

    (void) state;
    assert_int_equal(qfile_open(q, "incoming", id, QFILE_READ, &qf, &err), QFILE_OK);
    assert_int_equal(bounce_queue(q, qf, BOUNCE_FAILED, &failed_rcpt, 1, &p, &nid, &err), 0);
    qfile_close(qf);
    assert_non_null(nid);
    assert_string_not_equal(nid, id);
    assert_int_equal(qfile_open(q, "incoming", nid, QFILE_READ, &nf, &err), QFILE_OK);
    env = qfile_envelope(nf);
    assert_string_equal(env->sender, "");
    assert_int_equal(env->rcpt_count, 1);
    assert_string_equal(env->rcpts[0].address, "alice@example.org");
    assert_string_equal(qfile_attr(nf, "log_ident"), id);
    qfile_close(nf);
    xfree(nid);
    xfree(id);
    drop_queue(q);
}

/* A postmaster copy: to the given address, headers only even for RET=FULL,
 * its own subject; the delayed form keeps Action: delayed. */
static void test_postmaster_copy(void **state)
{
    queue_t *q = make_queue();
    char *id = write_original(q, QDSN_RET_FULL, 0), *nid = NULL, *err = NULL;
    bounce_params_t p = {"mx1.example.net", id, 50000, 1795360000, 0, NULL, "postmaster", 1};
    qfile_t *qf = NULL, *nf = NULL;
    buf_t out = BUF_INIT;

    (void) state;
    assert_int_equal(qfile_open(q, "incoming", id, QFILE_READ, &qf, &err), QFILE_OK);
    assert_int_equal(bounce_compose(qf, BOUNCE_FAILED, &failed_rcpt, 1, &p, collect, &out, &err), 0);
    assert_non_null(strstr(out.data, "Subject: Postmaster Copy: Undelivered Mail\n"));
    assert_non_null(strstr(out.data, "\nTo: postmaster\n"));
    assert_non_null(strstr(out.data, "Content-Type: text/rfc822-headers\n"));
    assert_null(strstr(out.data, "body line 1"));
    buf_reset(&out);
    assert_int_equal(bounce_compose(qf, BOUNCE_DELAYED, &failed_rcpt, 1, &p, collect, &out, &err), 0);
    assert_non_null(strstr(out.data, "Subject: Postmaster Warning: Delayed Mail\n"));
    assert_non_null(strstr(out.data, "\nAction: delayed\n"));
    assert_int_equal(bounce_queue(q, qf, BOUNCE_FAILED, &failed_rcpt, 1, &p, &nid, &err), 0);
    qfile_close(qf);
    assert_int_equal(qfile_open(q, "incoming", nid, QFILE_READ, &nf, &err), QFILE_OK);
    assert_string_equal(qfile_envelope(nf)->sender, "");
    assert_string_equal(qfile_envelope(nf)->rcpts[0].address, "postmaster");
    qfile_close(nf);
    buf_dispose(&out);
    xfree(nid);
    xfree(id);
    drop_queue(q);
}

static void print_line(void *ctx, const char *line, size_t len)
{
    (void) ctx;
    fwrite(line, 1, len, stdout);
    fputs("\r\n", stdout);
}

static int dump(const char *mode)
{
    queue_t *q = make_queue();
    int big = strcmp(mode, "BIG") == 0;
    char *id = write_original(q, strcmp(mode, "HDRS") == 0 ? QDSN_RET_HDRS : QDSN_RET_FULL, big ? 100 : 0);
    bounce_params_t p = {"mx1.example.net", id, big ? 1000 : 50000, 1795360000, 0, "n@mx1", NULL, 0};
    qfile_t *qf = NULL;
    char *err = NULL;
    int rc;

    if (qfile_open(q, "incoming", id, QFILE_READ, &qf, &err) != QFILE_OK)
        return 1;
    rc = bounce_compose(qf, BOUNCE_FAILED, &failed_rcpt, 1, &p, print_line, NULL, &err);
    qfile_close(qf);
    xfree(id);
    drop_queue(q);
    return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failed_full_message),
        cmocka_unit_test(test_hdrs_and_size_limit_return_headers_only),
        cmocka_unit_test(test_queue_writes_null_sender_notice),
        cmocka_unit_test(test_postmaster_copy),
    };

    if (argc == 3 && strcmp(argv[1], "dump") == 0)
        return dump(argv[2]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
