/* test_agent.c - the local agent end to end over a socketpair: a real
 * queue file in active/, a qmgr-style request, deliveries to a Maildir and
 * a command, the Delivered-To loop, unknown users, forwarding (absent),
 * malformed requests, a missing queue file; and the delay format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dict/dict_impl.h"
#include "ipc/attr_names.h"
#include "local/agent.h"
#include "local/forward.h"
#include "queue/qwriter.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/sock.h"

static char root[64];
static queue_t *queue;
static char queue_id[64];

static const char *const alias_pairs[] = {
    "team", "joe, far@remote.example",
    "pipe", "|cat > %s/pipe.out",
    "loop", "joe",
    "fwd", "far@remote.example, \\joe, other@remote.example",
    "owner-fwd", "joe",
    "refuse", "refuse@remote.example",
    NULL};
static char pipe_value[128];

static int fake_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    (void) d;
    (void) err;
    for (const char *const *p = alias_pairs; *p; p += 2) {
        if (strcmp(p[0], key) == 0) {
            buf_set(value, strcmp(key, "pipe") == 0 ? pipe_value : p[1]);
            return DICT_FOUND;
        }
    }
    return DICT_NOTFOUND;
}

static int fake_user(void *ctx, const char *name, local_user_t *out, char **err)
{
    buf_t home = BUF_INIT;

    (void) ctx;
    (void) err;
    if (strcmp(name, "joe") != 0)
        return 0;
    buf_printf(&home, "%s/joe", root);
    out->name = xstrdup("joe");
    out->home = buf_detach(&home);
    out->shell = xstrdup("/bin/sh");
    out->uid = geteuid();
    out->gid = getegid();
    return 1;
}

static bool here(void *ctx, const char *domain)
{
    (void) ctx;
    return strcmp(domain, "here.example") == 0;
}

static char cleanup_path[128];
static char capture_path[128];
static pid_t cleanup_pid;

/* A stand-in for cleanup: answers open/envelope/content/finish, refuses
 * recipient refuse@remote.example with 5.3.4, and appends what it got to
 * capture_path. Serves `conns` connections, gives up after 60 s. */
static void fake_cleanup(int lfd, int conns)
{
    attr_list_t *in = attr_list_new(), *out = attr_list_new();
    char *err = NULL;

    alarm(60);
    for (int c = 0; c < conns; c++) {
        int fd = accept(lfd, NULL, NULL);
        stream_t *s;
        FILE *fp = fopen(capture_path, "a");
        const char *req, *v;
        const void *data;
        size_t len;
        int n;

        if (fd < 0 || fp == NULL)
            _exit(1);
        s = stream_open_fd(fd, STREAM_CLOSE_FD);
        stream_set_timeout(s, 20000, 20000);
        if (attr_announce(s, ATTR_CLEANUP_PROTOCOL, &err) < 0)
            _exit(1);
        while (attr_recv(s, in, NULL, &err) == 1) {
            attr_list_reset(out);
            attr_put_int(out, ATTR_STATUS, 0);
            if (attr_get_str(in, ATTR_REQUEST, &req) < 0)
                _exit(1);
            if (strcmp(req, "open") == 0) {
                attr_put_str(out, ATTR_QUEUE_ID, "FWD1");
            } else if (strcmp(req, "envelope") == 0) {
                if (attr_get_str(in, ATTR_SENDER, &v) < 0
                    || attr_get_int(in, ATTR_RCPT_COUNT, &n) < 0)
                    _exit(1);
                fprintf(fp, "sender=%s", v);
                for (int i = 0; i < n; i++) {
                    char name[32];

                    snprintf(name, sizeof(name), "rcpt_addr_%d", i);
                    if (attr_get_str(in, name, &v) < 0)
                        _exit(1);
                    fprintf(fp, " rcpt=%s", v);
                    if (strcmp(v, "refuse@remote.example") == 0) {
                        attr_list_reset(out);
                        attr_put_int(out, ATTR_STATUS, 1);
                        attr_put_str(out, ATTR_DSN, "5.3.4");
                        attr_put_str(out, ATTR_REASON, "message too big");
                    }
                }
                fputc('\n', fp);
            } else if (strcmp(req, "content") == 0) {
                if (attr_get_data(in, ATTR_DATA, &data, &len) < 0)
                    _exit(1);
                fwrite(data, 1, len, fp);
            } else if (strcmp(req, "finish") == 0) {
                attr_put_str(out, ATTR_QUEUE_ID, "FWD1");
                fputs("--end--\n", fp);
            }
            if (attr_send(s, out, &err) < 0)
                _exit(1);
        }
        stream_close(s);
        fclose(fp);
    }
    _exit(0);
}

static void start_cleanup(int conns)
{
    char *err = NULL;
    int lfd;

    unlink(cleanup_path);
    lfd = sock_listen_unix(cleanup_path, 5, 0600, &err);
    assert_true(lfd >= 0);
    cleanup_pid = fork();
    assert_true(cleanup_pid >= 0);
    if (cleanup_pid == 0)
        fake_cleanup(lfd, conns);
    close(lfd);
}

static void stop_cleanup(void)
{
    int status;

    assert_int_equal(waitpid(cleanup_pid, &status, 0), cleanup_pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int setup(void **state)
{
    buf_t qdir = BUF_INIT;
    char *err = NULL;
    qwriter_t *w;
    struct timeval tv = {1700000000, 250000};

    (void) state;
    msg_init("test_agent", MSG_SINK_STDERR);
    strcpy(root, "/tmp/agenttestXXXXXX");
    if (mkdtemp(root) == NULL || chmod(root, 0777) < 0)
        return -1;
    snprintf(pipe_value, sizeof(pipe_value), "\"|cat > %s/pipe.out\"", root);
    snprintf(cleanup_path, sizeof(cleanup_path), "%s/cleanup.sock", root);
    snprintf(capture_path, sizeof(capture_path), "%s/cleanup.capture", root);
    buf_printf(&qdir, "%s/queue", root);
    if (mkdir(qdir.data, 0700) < 0)
        return -1;
    queue = queue_new(qdir.data, NULL, 1, &err);
    if (queue == NULL || queue_layout_repair(queue, getuid(), getgid(), getgid(),
                                             NULL, &err) < 0)
        return -1;
    w = qwriter_create(queue, QUEUE_ACTIVE, &err);
    if (w == NULL)
        return -1;
    qwriter_put_time(w, QREC_TIME, &tv);
    qwriter_put_sender(w, "sender@far.example");
    qwriter_put_rcpt(w, "joe@here.example", "Joe@Here.Example", NULL, 0);
    qwriter_begin_content(w);
    qwriter_put_line(w, "Delivered-To: loop@here.example", 31);
    qwriter_put_line(w, "Subject: test", 13);
    qwriter_put_line(w, "", 0);
    qwriter_put_line(w, "From the body", 13);
    qwriter_put_partial(w, "part", 4);
    qwriter_put_line(w, "ial line", 8);
    qwriter_end_content(w);
    if (qwriter_commit(w, &err) < 0)
        return -1;
    strcpy(queue_id, qwriter_id(w));
    qwriter_free(w);
    buf_dispose(&qdir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void) state;
    queue_free(queue);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs local_serve in a child on one end of a socketpair; returns the
 * parent's stream, with the announcement checked. */
static stream_t *start_agent(pid_t *pid)
{
    static dict_t table;
    static dict_t *maps[1] = {&table};
    int sv[2];
    char *err = NULL;
    stream_t *s;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    table.type_name = "fake:aliases";
    table.lookup = fake_lookup;
    *pid = fork();
    assert_true(*pid >= 0);
    if (*pid == 0) {
        local_agent_t a;

        memset(&a, 0, sizeof(a));
        a.queue = queue;
        a.expand.alias_maps = maps;
        a.expand.alias_map_count = 1;
        a.expand.recipient_delimiter = "+";
        a.expand.allow_commands = LOCAL_CLASS_ALIAS | LOCAL_CLASS_FORWARD;
        a.expand.allow_files = LOCAL_CLASS_ALIAS | LOCAL_CLASS_FORWARD;
        a.expand.get_user = fake_user;
        a.expand.is_local_domain = here;
        a.mailbox.home_mailbox = "Maildir/";
        a.mailbox.command_time_limit = 20;
        a.cleanup_socket = cleanup_path;
        a.default_privs.name = "nobody";
        a.default_privs.uid = geteuid() == 0 ? 65534 : geteuid();
        a.default_privs.gid = geteuid() == 0 ? 65534 : getegid();
        close(sv[0]);
        s = stream_open_fd(sv[1], STREAM_CLOSE_FD);
        stream_set_timeout(s, 20000, 20000);
        _exit(local_serve(s, &a, &err) == 0 ? 0 : 1);
    }
    close(sv[1]);
    s = stream_open_fd(sv[0], STREAM_CLOSE_FD);
    stream_set_timeout(s, 20000, 20000);
    assert_int_equal(attr_expect_announce(s, ATTR_DLV_PROTOCOL, &err), 0);
    return s;
}

static void finish_agent(stream_t *s, pid_t pid)
{
    int status;

    stream_close(s);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static attr_list_t *request(const char *id, const char *const *rcpts, int n)
{
    attr_list_t *l = attr_list_new();
    char name[64];

    attr_put_str(l, ATTR_REQUEST, "deliver");
    attr_put_str(l, ATTR_QUEUE_NAME, QUEUE_ACTIVE);
    attr_put_str(l, ATTR_QUEUE_ID, id);
    attr_put_str(l, ATTR_NEXTHOP, "");
    attr_put_str(l, ATTR_SENDER, "sender@far.example");
    attr_put_long(l, ATTR_ARRIVAL_TIME, 1700000000);
    attr_put_long(l, ATTR_ARRIVAL_USEC, 250000);
    attr_put_long(l, ATTR_ACTIVE_TIME, 1700000001);
    attr_put_long(l, ATTR_ACTIVE_USEC, 0);
    attr_put_int(l, ATTR_RCPT_COUNT, n);
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "rcpt_addr_%d", i);
        attr_put_str(l, name, rcpts[i]);
        snprintf(name, sizeof(name), "rcpt_orig_%d", i);
        attr_put_str(l, name, i == 0 ? "Joe@Here.Example" : "");
        snprintf(name, sizeof(name), "rcpt_index_%d", i);
        attr_put_int(l, name, i);
        snprintf(name, sizeof(name), "rcpt_notify_%d", i);
        attr_put_int(l, name, 0);
    }
    return l;
}

static void expect_rcpt(const attr_list_t *resp, int i, int status,
                        const char *dsn, const char *text)
{
    char name[64];
    const char *got_dsn, *got_text;
    int got_status;

    snprintf(name, sizeof(name), "rcpt_status_%d", i);
    assert_int_equal(attr_get_int(resp, name, &got_status), 0);
    snprintf(name, sizeof(name), "rcpt_dsn_%d", i);
    assert_int_equal(attr_get_str(resp, name, &got_dsn), 0);
    snprintf(name, sizeof(name), "rcpt_text_%d", i);
    assert_int_equal(attr_get_str(resp, name, &got_text), 0);
    if (got_status != status || strcmp(got_dsn, dsn) || strcmp(got_text, text))
        fail_msg("rcpt %d: got %d %s (%s)", i, got_status, got_dsn, got_text);
}

static void read_text(const char *path, buf_t *out)
{
    char chunk[4096];
    ssize_t n;
    int fd = open(path, O_RDONLY);

    assert_true(fd >= 0);
    buf_reset(out);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        buf_append(out, chunk, (size_t) n);
    close(fd);
}

/* Appends every message file of dir to out, each followed by "\x01". */
static int read_messages(const char *dir, buf_t *out)
{
    struct dirent *de;
    DIR *dp = opendir(dir);
    buf_t path = BUF_INIT;
    char chunk[4096];
    ssize_t n;
    int fd, files = 0;

    assert_non_null(dp);
    buf_reset(out);
    while ((de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        files++;
        buf_reset(&path);
        buf_printf(&path, "%s/%s", dir, de->d_name);
        fd = open(path.data, O_RDONLY);
        assert_true(fd >= 0);
        while ((n = read(fd, chunk, sizeof(chunk))) > 0)
            buf_append(out, chunk, (size_t) n);
        buf_putc(out, '\001');
        close(fd);
    }
    closedir(dp);
    buf_dispose(&path);
    return files;
}

static void test_deliver_request(void **state)
{
    static const char *const rcpts[] = {"joe@here.example", "loop@here.example",
                                        "team@here.example", "nosuch@here.example",
                                        "pipe@here.example", "fwd@here.example",
                                        "refuse@here.example"};
    attr_list_t *req = request(queue_id, rcpts, 7), *resp = attr_list_new();
    buf_t got = BUF_INIT, path = BUF_INIT;
    const char *relay;
    char *err = NULL;
    stream_t *s;
    pid_t pid;
    int status;

    (void) state;
    start_cleanup(3);
    s = start_agent(&pid);
    assert_int_equal(attr_request(s, req, resp, NULL, &err), 0);
    assert_int_equal(attr_get_int(resp, ATTR_STATUS, &status), 0);
    assert_int_equal(status, 0);
    assert_int_equal(attr_get_str(resp, ATTR_RELAY, &relay), 0);
    assert_string_equal(relay, "local");
    expect_rcpt(resp, 0, DLV_STATUS_SENT, "2.0.0", "delivered to maildir");
    expect_rcpt(resp, 1, DLV_STATUS_BOUNCED, "5.4.6",
                "mail forwarding loop for loop@here.example");
    expect_rcpt(resp, 2, DLV_STATUS_SENT, "2.0.0", "delivered to maildir");
    expect_rcpt(resp, 3, DLV_STATUS_BOUNCED, "5.1.1",
                "unknown user: \"nosuch\"");
    buf_printf(&path, "delivered to command: cat > %s/pipe.out", root);
    expect_rcpt(resp, 4, DLV_STATUS_SENT, "2.0.0", path.data);
    expect_rcpt(resp, 5, DLV_STATUS_SENT, "2.0.0", "delivered to maildir");
    expect_rcpt(resp, 6, DLV_STATUS_BOUNCED, "5.3.4",
                "cannot forward: message too big");
    finish_agent(s, pid);
    stop_cleanup();
    read_text(capture_path, &got);
    assert_string_equal(got.data,
        "sender=sender@far.example rcpt=far@remote.example\n"
        "Delivered-To: team@here.example\n"
        "Delivered-To: loop@here.example\nSubject: test\n\n"
        "From the body\npartial line\n--end--\n"
        "sender=owner-fwd@here.example rcpt=far@remote.example rcpt=other@remote.example\n"
        "Delivered-To: fwd@here.example\n"
        "Delivered-To: loop@here.example\nSubject: test\n\n"
        "From the body\npartial line\n--end--\n"
        "sender=sender@far.example rcpt=refuse@remote.example\n");

    buf_reset(&path);
    buf_printf(&path, "%s/joe/Maildir/new", root);
    /* joe directly, as a member of team, and as \\joe in fwd */
    assert_int_equal(read_messages(path.data, &got), 3);
    assert_non_null(strstr(got.data,
        "Return-Path: <sender@far.example>\n"
        "X-Original-To: Joe@Here.Example\n"
        "Delivered-To: joe@here.example\n"
        "Delivered-To: loop@here.example\nSubject: test\n\n"
        "From the body\npartial line\n\001"));
    assert_non_null(strstr(got.data, "Delivered-To: team@here.example\n"));
    buf_reset(&path);
    buf_printf(&path, "%s/pipe.out", root);
    int fd = open(path.data, O_RDONLY);
    char back[512];
    ssize_t n;
    assert_true(fd >= 0);
    n = read(fd, back, sizeof(back) - 1);
    close(fd);
    assert_true(n > 0);
    back[n] = '\0';
    assert_non_null(strstr(back, "Delivered-To: pipe@here.example\n"));
    assert_non_null(strstr(back, "From the body\npartial line\n"));
    attr_list_free(req);
    attr_list_free(resp);
    buf_dispose(&got);
    buf_dispose(&path);
}

static void test_bad_requests(void **state)
{
    static const char *const rcpts[] = {"joe@here.example"};
    attr_list_t *req, *resp = attr_list_new();
    const char *reason;
    char *err = NULL;
    stream_t *s;
    pid_t pid;
    int status;

    (void) state;
    s = start_agent(&pid);
    /* the queue file does not exist */
    req = request("ABCDEFGHIJKL", rcpts, 1);
    assert_int_equal(attr_request(s, req, resp, NULL, &err), 0);
    assert_int_equal(attr_get_int(resp, ATTR_STATUS, &status), 0);
    assert_int_equal(status, 1);
    assert_int_equal(attr_get_str(resp, ATTR_REASON, &reason), 0);
    attr_list_free(req);
    /* an unexpected attribute */
    req = request(queue_id, rcpts, 1);
    attr_put_str(req, "rcpt_addr_1", "x");
    assert_int_equal(attr_request(s, req, resp, NULL, &err), 0);
    assert_int_equal(attr_get_int(resp, ATTR_STATUS, &status), 0);
    assert_int_equal(status, 1);
    attr_list_free(req);
    /* a missing recipient attribute */
    req = request(queue_id, rcpts, 1);
    attr_list_free(req);
    req = attr_list_new();
    attr_put_str(req, ATTR_REQUEST, "deliver");
    assert_int_equal(attr_request(s, req, resp, NULL, &err), 0);
    assert_int_equal(attr_get_int(resp, ATTR_STATUS, &status), 0);
    assert_int_equal(status, 1);
    attr_list_free(req);
    /* count out of range */
    req = request(queue_id, rcpts, 1);
    attr_list_reset(req);
    attr_list_free(req);
    req = request(queue_id, rcpts, 0);
    assert_int_equal(attr_request(s, req, resp, NULL, &err), 0);
    assert_int_equal(attr_get_int(resp, ATTR_STATUS, &status), 0);
    assert_int_equal(status, 1);
    attr_list_free(req);
    finish_agent(s, pid);
    attr_list_free(resp);
}

/* Hostile requests: every single-attribute removal and a bounded set of
 * value corruptions of a valid request are refused or parsed, never
 * crash, and a parsed one always has 1..DLV_RCPT_MAX recipients. */
static void test_request_parse_hostile(void **state)
{
    static const char *const rcpts[] = {"a@x", "b@x"};
    static const char *const junk[] = {"", "-1", "0", "1001", "99999999999",
                                       "abc", " 1", "+1", "1x", "\x01"};
    attr_list_t *good = request("ABCDEFGHIJK", rcpts, 2), *bad = attr_list_new();
    dlv_request_t req;
    char *err = NULL;

    (void) state;
    assert_int_equal(dlv_request_parse(good, &req, &err), 0);
    assert_int_equal(req.count, 2);
    assert_string_equal(req.rcpts[1].addr, "b@x");
    dlv_request_free(&req);
    for (size_t drop = 0; drop < attr_count(good); drop++) {
        for (size_t j = 0; j <= sizeof(junk) / sizeof(junk[0]); j++) {
            attr_list_reset(bad);
            for (size_t i = 0; i < attr_count(good); i++) {
                const char *name = attr_name_at(good, i), *value;

                assert_int_equal(attr_get_str(good, name, &value), 0);
                if (i != drop)
                    attr_put_str(bad, name, value);
                else if (j > 0)
                    attr_put_str(bad, name, junk[j - 1]);
            }
            err = NULL;
            if (dlv_request_parse(bad, &req, &err) == 0) {
                assert_true(req.count >= 1 && req.count <= DLV_RCPT_MAX);
                dlv_request_free(&req);
            } else {
                assert_non_null(err);
            }
            xfree(err);
        }
    }
    attr_list_free(good);
    attr_list_free(bad);
}

static int produce_nothing(sink_t *out, void *ctx, char **err)
{
    (void) out;
    (void) ctx;
    (void) err;
    return 0;
}

static void test_forward_without_cleanup(void **state)
{
    const char *addrs[] = {"a@remote.example"};
    buf_t nowhere = BUF_INIT;
    local_forward_t f = {NULL, 1000, "s@x", "r@here", addrs, 1, "r@here",
                         produce_nothing, NULL};
    dlv_result_t res;

    (void) state;
    dlv_result_init(&res);
    local_forward_message(&f, &res);
    assert_int_equal(res.status, DLV_DEFERRED);
    assert_string_equal(res.text.data, "mail forwarding is not available");
    buf_printf(&nowhere, "%s/no-such.sock", root);
    f.cleanup_socket = nowhere.data;
    local_forward_message(&f, &res);
    assert_int_equal(res.status, DLV_DEFERRED);
    assert_string_equal(res.dsn, "4.3.0");
    assert_true(strncmp(res.text.data, "cannot forward: ", 16) == 0);
    dlv_result_dispose(&res);
    buf_dispose(&nowhere);
}

static void test_delay_format(void **state)
{
    static const struct { double in; const char *want; } cases[] = {
        {0, "0"}, {0.004, "0"}, {0.01, "0.01"}, {0.1, "0.1"}, {0.456, "0.46"},
        {1, "1"}, {2.64, "2.6"}, {9.99, "10"}, {10.4, "10"}, {5018.2, "5018"},
    };
    buf_t out = BUF_INIT;

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_reset(&out);
        dlv_agent_format_delay(&out, cases[i].in);
        if (strcmp(out.data, cases[i].want) != 0)
            fail_msg("%g: got %s, want %s", cases[i].in, out.data, cases[i].want);
    }
    buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deliver_request),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_request_parse_hostile),
        cmocka_unit_test(test_forward_without_cleanup),
        cmocka_unit_test(test_delay_format),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
