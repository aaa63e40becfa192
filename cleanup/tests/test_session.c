/* test_session.c - the cleanup protocol end to end in one process pair:
 * lib/cleanup_client against cleanup_serve() over a socketpair, with a
 * temporary queue. Checks the committed queue file (envelope, expanded
 * recipients, content lines, added headers), pipelined content, the size
 * limit (5.3.4, no file), abort and a connection that ends before finish
 * (no file), hold and discard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup/cleanup_session.h"
#include "cleanup_client/cleanup_client.h"
#include "ipc/attr.h"
#include "queue/qfile.h"
#include "util/mem.h"
#include "util/msg.h"

static char root[] = "/tmp/cleanup-test-XXXXXX";
static cleanup_params_t params;
static char *local_domains[] = {"local.example", NULL};

static int setup(void **state)
{
    char *err = NULL;

    (void) state;
    msg_init("test_session", 0);
    assert_non_null(mkdtemp(root));
    memset(&params, 0, sizeof(params));
    params.queue = queue_new(root, NULL, 1, &err);
    assert_non_null(params.queue);
    assert_int_equal(queue_layout_repair(params.queue, getuid(), getgid(), getgid(), NULL, &err), 0);
    params.myhostname = xstrdup("host.example");
    params.message_size_limit = 2000;
    params.header_size_limit = 102400;
    params.rewrite.local_domains = local_domains;
    params.rewrite.myorigin = xstrdup("origin.example");
    params.rewrite.recursion_limit = 1000;
    params.rewrite.expansion_limit = 1000;
    assert_int_equal(cleanup_maps_open(&params.rewrite.virtual_alias,
                                       "inline:{ {list@x = a@y, b@y, a@y}, {loop1@x = loop2@x}, {loop2@x = loop1@x} }",
                                       &err), 0);
    return 0;
}

static int teardown(void **state)
{
    char cmd[256];

    (void) state;
    cleanup_maps_close(&params.rewrite.virtual_alias);
    xfree(params.myhostname);
    xfree(params.rewrite.myorigin);
    queue_free(params.queue);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* Forks a cleanup server on one end of a socketpair; returns the client. */
static cleanup_client_t *start(pid_t *pid)
{
    int sv[2];
    stream_t *s;
    char *err = NULL;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    *pid = fork();
    assert_true(*pid >= 0);
    if (*pid == 0) {
        stream_t *ss;

        close(sv[0]);
        ss = stream_open_fd(sv[1], STREAM_CLOSE_FD);
        stream_set_timeout(ss, 10000, 10000);
        cleanup_serve(ss, &params);
        stream_close(ss);
        _exit(0);
    }
    close(sv[1]);
    s = stream_open_fd(sv[0], STREAM_CLOSE_FD);
    stream_set_timeout(s, 10000, 10000);
    assert_int_equal(attr_expect_announce(s, ATTR_CLEANUP_PROTOCOL, &err), 0);
    return cleanup_client_from_stream(s);
}

static void stop(cleanup_client_t *c, pid_t pid)
{
    int status;

    cleanup_client_close(c);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int files_in(const char *queue)
{
    queue_list_t list;
    char *err = NULL;
    int n;

    assert_int_equal(queue_scan(params.queue, queue, &list, &err), 0);
    n = (int) list.count;
    queue_list_free(&list);
    return n;
}

/* Content of a committed file as text ("line\n" per N record). */
static void read_queue_file(const char *queue, const char *id, buf_t *content,
                            buf_t *rcpts, buf_t *sender)
{
    qfile_t *qf;
    qrecord_t rec;
    char *err = NULL;
    const qenvelope_t *env;
    size_t i;
    int rc;

    assert_int_equal(qfile_open(params.queue, queue, id, QFILE_READ, &qf, &err), QFILE_OK);
    env = qfile_envelope(qf);
    buf_set(sender, env->sender);
    buf_reset(rcpts);
    for (i = 0; i < env->rcpt_count; i++)
        buf_printf(rcpts, "%s%s(%s)", i ? " " : "", env->rcpts[i].address,
                   env->rcpts[i].orig ? env->rcpts[i].orig : "-");
    buf_reset(content);
    qfile_seek(qf, env->size.content_offset);
    while ((rc = qfile_next(qf, &rec, &err)) == 1) {
        if (rec.type == QREC_LINE) {
            buf_append(content, rec.data, rec.len);
            buf_putc(content, '\n');
        } else if (rec.type == QREC_PARTIAL) {
            buf_append(content, rec.data, rec.len);
        }
    }
    assert_int_equal(rc, 0);
    qfile_close(qf);
}

static void test_message_committed(void **state)
{
    pid_t pid;
    cleanup_client_t *c = start(&pid);
    cleanup_rcpt_t rcpts[] = {{"list@x", NULL, NULL, 0}, {"loop1@x", NULL, NULL, 0},
                              {"joe", NULL, NULL, 0}};
    cleanup_envelope_t env = {0};
    cleanup_result_t res;
    buf_t content = BUF_INIT, rc_text = BUF_INIT, sender = BUF_INIT;
    char *err = NULL;
    char id[64];
    const char *msg = "Received: from x\nReturn-Path: <bad>\nSubject: t\nTo: Joe <joe>\n\nbo";

    (void) state;
    assert_int_equal(cleanup_client_open(c, CLEANUP_FLAG_LOCAL_SUBMISSION, &err), 0);
    snprintf(id, sizeof(id), "%s", cleanup_client_queue_id(c));
    assert_true(strlen(id) > 5);
    env.sender = "alice";
    env.full_name = "Alice";
    env.rcpts = rcpts;
    env.rcpt_count = 3;
    assert_int_equal(cleanup_client_envelope(c, &env, &err), 0);
    /* pipelined small chunks, split anywhere */
    for (size_t i = 0; i < strlen(msg); i++)
        assert_int_equal(cleanup_client_content(c, msg + i, 1, &err), 0);
    assert_int_equal(cleanup_client_content(c, "dy\r\n", 4, &err), 0);
    assert_int_equal(cleanup_client_finish(c, &res, &err), 0);
    assert_string_equal(res.queue_id, id);
    read_queue_file(QUEUE_INCOMING, id, &content, &rc_text, &sender);
    assert_string_equal(buf_str(&sender), "alice@origin.example");
    assert_string_equal(buf_str(&rc_text),
                        "a@y(list@x) b@y(list@x) loop1@x(loop1@x) joe@origin.example(joe)");
    assert_int_equal(strncmp(buf_str(&content), "Received: from x\nSubject: t\n"
                             "To: Joe <joe@origin.example>\nMessage-Id: <", 70), 0);
    assert_non_null(strstr(buf_str(&content), "\nFrom: Alice <alice@origin.example>\n\nbody\n"));
    assert_null(strstr(buf_str(&content), "Return-Path"));

    /* a second message on the same connection, not local: nothing added */
    assert_int_equal(cleanup_client_open(c, 0, &err), 0);
    env.sender = "";
    env.full_name = NULL;
    env.rcpt_count = 1;
    assert_int_equal(cleanup_client_envelope(c, &env, &err), 0);
    assert_int_equal(cleanup_client_content(c, "To: joe\n\nx\n", 12, &err), 0);
    assert_int_equal(cleanup_client_finish(c, &res, &err), 0);
    read_queue_file(QUEUE_INCOMING, res.queue_id, &content, &rc_text, &sender);
    assert_string_equal(buf_str(&content), "To: joe\n\nx\n");
    assert_string_equal(buf_str(&sender), "");
    stop(c, pid);
    assert_int_equal(files_in(QUEUE_INCOMING), 2);
    buf_dispose(&content);
    buf_dispose(&rc_text);
    buf_dispose(&sender);
}

static void test_failures_leave_no_file(void **state)
{
    pid_t pid;
    cleanup_client_t *c;
    cleanup_rcpt_t rcpt = {"r@x", NULL, NULL, 0};
    cleanup_envelope_t env = {0};
    cleanup_result_t res;
    char big[1000];
    char *err = NULL;
    int before = files_in(QUEUE_INCOMING);

    (void) state;
    memset(big, 'x', sizeof(big));
    big[sizeof(big) - 1] = '\n';
    env.sender = "s@x";
    env.rcpts = &rcpt;
    env.rcpt_count = 1;
    c = start(&pid);
    /* too big: 5.3.4 at finish, content read to the end */
    assert_int_equal(cleanup_client_open(c, 0, &err), 0);
    assert_int_equal(cleanup_client_envelope(c, &env, &err), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(cleanup_client_content(c, big, sizeof(big), &err), 0);
    assert_int_equal(cleanup_client_finish(c, &res, &err), 1);
    assert_string_equal(res.dsn, "5.3.4");
    assert_string_equal(res.reason, "message file too big");
    xfree(err);
    err = NULL;
    /* abort */
    assert_int_equal(cleanup_client_open(c, 0, &err), 0);
    assert_int_equal(cleanup_client_envelope(c, &env, &err), 0);
    assert_int_equal(cleanup_client_content(c, "a\n", 2, &err), 0);
    assert_int_equal(cleanup_client_abort(c, &err), 0);
    /* no recipients */
    assert_int_equal(cleanup_client_open(c, 0, &err), 0);
    env.rcpt_count = 0;
    assert_int_equal(cleanup_client_envelope(c, &env, &err), 0);
    assert_int_equal(cleanup_client_finish(c, &res, &err), 1);
    assert_string_equal(res.dsn, "5.1.3");
    xfree(err);
    err = NULL;
    /* discard */
    env.rcpt_count = 1;
    assert_int_equal(cleanup_client_open(c, CLEANUP_FLAG_DISCARD, &err), 0);
    assert_int_equal(cleanup_client_envelope(c, &env, &err), 0);
    assert_int_equal(cleanup_client_finish(c, &res, &err), 0);
    /* hold */
    assert_int_equal(cleanup_client_open(c, CLEANUP_FLAG_HOLD, &err), 0);
    assert_int_equal(cleanup_client_envelope(c, &env, &err), 0);
    assert_int_equal(cleanup_client_finish(c, &res, &err), 0);
    assert_int_equal(files_in(QUEUE_HOLD), 1);
    /* connection ends in the middle of a message */
    assert_int_equal(cleanup_client_open(c, 0, &err), 0);
    assert_int_equal(cleanup_client_envelope(c, &env, &err), 0);
    assert_int_equal(cleanup_client_content(c, "a\n", 2, &err), 0);
    stop(c, pid);
    assert_int_equal(files_in(QUEUE_INCOMING), before);
    {
        char cmd[300];

        snprintf(cmd, sizeof(cmd), "test -z \"$(find '%s/incoming' '%s/hold' -name 'tmp.*')\"", root, root);
        if (system(cmd) != 0) { snprintf(cmd, sizeof(cmd), "ls -laR %s", root); (void) system(cmd); fail(); }
    }
}

static void test_protocol_misuse(void **state)
{
    pid_t pid;
    cleanup_client_t *c = start(&pid);
    cleanup_envelope_t env = {0};
    cleanup_result_t res;
    char *err = NULL;

    (void) state;
    /* envelope and finish without open are refused, connection stays */
    assert_int_equal(cleanup_client_envelope(c, &env, &err), 1);
    xfree(err);
    err = NULL;
    assert_int_equal(cleanup_client_finish(c, &res, &err), 1);
    xfree(err);
    err = NULL;
    assert_int_equal(cleanup_client_open(c, 0, &err), 0);
    assert_int_equal(cleanup_client_content(c, "early\n", 6, &err), 0);
    assert_int_equal(cleanup_client_finish(c, &res, &err), 1);
    assert_string_equal(res.dsn, "4.3.0");
    xfree(err);
    stop(c, pid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_committed),
        cmocka_unit_test(test_failures_leave_no_file),
        cmocka_unit_test(test_protocol_misuse),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, setup, teardown);
}
