/* test_daemon.c - the built local(8) daemon, run stand-alone (-S) on a
 * socketpair with its own main.cf: a delivery request for a real queue
 * file, answered and logged in Postfix's shape, mail in a Maildir spool. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/attr.h"
#include "ipc/attr_names.h"
#include "queue/qwriter.h"
#include "util/mem.h"

static char root[64];

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static void read_text(const char *path, buf_t *out)
{
    char chunk[4096];
    ssize_t n;
    int fd = open(path, O_RDONLY);

    buf_reset(out);
    if (fd < 0)
        return;
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        buf_append(out, chunk, (size_t) n);
    close(fd);
}

/* Makes the queue with one message; returns its id in id. */
static void make_queue(char *id)
{
    buf_t qdir = BUF_INIT;
    struct timeval tv = {1700000000, 0};
    char *err = NULL;
    queue_t *q;
    qwriter_t *w;

    buf_printf(&qdir, "%s/queue", root);
    assert_int_equal(mkdir(qdir.data, 0755), 0);
    q = queue_new(qdir.data, NULL, 1, &err);
    assert_non_null(q);
    assert_int_equal(queue_layout_repair(q, getuid(), getgid(), getgid(), NULL,
                                         &err), 0);
    w = qwriter_create(q, QUEUE_ACTIVE, &err);
    assert_non_null(w);
    qwriter_put_time(w, QREC_TIME, &tv);
    qwriter_put_sender(w, "sender@far.example");
    qwriter_put_rcpt(w, "postmaster@localhost", NULL, NULL, 0);
    qwriter_put_rcpt(w, "nobody-here@localhost", NULL, NULL, 0);
    qwriter_begin_content(w);
    qwriter_put_line(w, "Subject: daemon test", 20);
    qwriter_put_line(w, "", 0);
    qwriter_put_line(w, "hello", 5);
    assert_int_equal(qwriter_commit(w, &err), 0);
    strcpy(id, qwriter_id(w));
    qwriter_free(w);
    queue_free(q);
    buf_dispose(&qdir);
}

static attr_list_t *request(const char *id)
{
    static const char *const rcpts[] = {"postmaster@localhost",
                                        "nobody-here@localhost"};
    attr_list_t *l = attr_list_new();
    char name[64];

    attr_put_str(l, ATTR_REQUEST, "deliver");
    attr_put_str(l, ATTR_QUEUE_NAME, "active");
    attr_put_str(l, ATTR_QUEUE_ID, id);
    attr_put_str(l, ATTR_NEXTHOP, "");
    attr_put_str(l, ATTR_SENDER, "sender@far.example");
    attr_put_long(l, ATTR_ARRIVAL_TIME, 1700000000);
    attr_put_long(l, ATTR_ARRIVAL_USEC, 0);
    attr_put_long(l, ATTR_ACTIVE_TIME, 1700000000);
    attr_put_long(l, ATTR_ACTIVE_USEC, 0);
    attr_put_int(l, ATTR_RCPT_COUNT, 2);
    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof(name), "rcpt_addr_%d", i);
        attr_put_str(l, name, rcpts[i]);
        snprintf(name, sizeof(name), "rcpt_orig_%d", i);
        attr_put_str(l, name, "");
        snprintf(name, sizeof(name), "rcpt_index_%d", i);
        attr_put_int(l, name, i);
        snprintf(name, sizeof(name), "rcpt_notify_%d", i);
        attr_put_int(l, name, 0);
    }
    return l;
}

static void test_daemon_stand_alone(void **state)
{
    const char *bin = getenv("POSTERN_BIN");
    struct passwd *me = getpwuid(geteuid());
    buf_t path = BUF_INIT, conf = BUF_INIT, got = BUF_INIT;
    attr_list_t *req, *resp = attr_list_new();
    const char *text;
    char id[64], *err = NULL;
    int sv[2], status, st;
    stream_t *s;
    pid_t pid;

    (void) state;
    if (bin == NULL || me == NULL || getpwnam("nobody") == NULL)
        skip();
    strcpy(root, "/tmp/localdaemonXXXXXX");
    assert_non_null(mkdtemp(root));
    make_queue(id);
    buf_printf(&conf, "queue_directory = %s/queue\n"
                      "alias_maps = inline:{ postmaster=%s }\n"
                      "mail_spool_directory = %s/spool/\n"
                      "mydestination = localhost\n"
                      "maillog_file = %s/maillog\n"
                      "default_privs = nobody\n", root, me->pw_name, root, root);
    buf_printf(&path, "%s/main.cf", root);
    write_text(path.data, conf.data);

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        buf_t exe = BUF_INIT;

        buf_printf(&exe, "%s/local", bin);
        if (dup2(sv[1], 0) < 0)
            _exit(127);
        close(sv[0]);
        setenv("MAIL_CONFIG", root, 1);
        execl(exe.data, "local", "-S", (char *) NULL);
        _exit(127);
    }
    close(sv[1]);
    s = stream_open_fd(sv[0], STREAM_CLOSE_FD);
    stream_set_timeout(s, 30000, 30000);
    assert_int_equal(attr_expect_announce(s, ATTR_DLV_PROTOCOL, &err), 0);
    req = request(id);
    assert_int_equal(attr_request(s, req, resp, NULL, &err), 0);
    assert_int_equal(attr_get_int(resp, ATTR_STATUS, &status), 0);
    assert_int_equal(status, 0);
    assert_int_equal(attr_get_int(resp, "rcpt_status_0", &st), 0);
    assert_int_equal(attr_get_str(resp, "rcpt_text_0", &text), 0);
    if (st != DLV_STATUS_SENT)
        fail_msg("rcpt 0: %s", text);
    assert_string_equal(text, "delivered to maildir");
    assert_int_equal(attr_get_int(resp, "rcpt_status_1", &st), 0);
    assert_int_equal(st, DLV_STATUS_BOUNCED);
    stream_close(s);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    buf_reset(&path);
    buf_printf(&path, "%s/maillog", root);
    read_text(path.data, &got);
    buf_reset(&conf);
    buf_printf(&conf, "%s: to=<postmaster@localhost>, relay=local, delay=", id);
    if (strstr(got.data, conf.data) == NULL
        || strstr(got.data, ", dsn=2.0.0, status=sent (delivered to maildir)") == NULL
        || strstr(got.data, ", dsn=5.1.1, status=bounced (unknown user: \"nobody-here\")") == NULL)
        fail_msg("log: %s", got.data);
    buf_reset(&path);
    buf_printf(&path, "%s/spool/%s/new", root, me->pw_name);
    assert_int_equal(access(path.data, F_OK), 0);

    buf_reset(&path);
    buf_printf(&path, "rm -rf '%s'", root);
    assert_int_equal(system(path.data), 0);
    attr_list_free(req);
    attr_list_free(resp);
    buf_dispose(&path);
    buf_dispose(&conf);
    buf_dispose(&got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daemon_stand_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
