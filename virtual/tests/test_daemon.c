/* test_daemon.c - the built virtual(8) daemon, run stand-alone (-S) on a
 * socketpair with its own main.cf and a real queue file: a Maildir
 * delivery (with the extension stripped for the lookup), an mbox file
 * from a catch-all, an unknown user bounced 5.1.1, a Delivered-To loop;
 * the answer, the log lines, the delivered file's prefix headers and,
 * when run as root, that the file belongs to the virtual uid. */
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

#include "ipc/attr.h"
#include "ipc/attr_names.h"
#include "queue/qwriter.h"
#include "util/mem.h"

#define NRCPT 4
#define ROOT_TEST_ID 4242

static const char *const rcpts[NRCPT] = {
    "Joe+Box@V.example", "nobody@v.example", "any@c.example",
    "looped@v.example"};

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
    for (int i = 0; i < NRCPT; i++)
        qwriter_put_rcpt(w, rcpts[i], NULL, NULL, 0);
    qwriter_begin_content(w);
    qwriter_put_line(w, "Delivered-To: looped@v.example", 30);
    qwriter_put_line(w, "Subject: virtual test", 21);
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
    attr_list_t *l = attr_list_new();
    char name[64];

    attr_put_str(l, ATTR_REQUEST, "deliver");
    attr_put_str(l, ATTR_QUEUE_NAME, "active");
    attr_put_str(l, ATTR_QUEUE_ID, id);
    attr_put_str(l, ATTR_NEXTHOP, "v.example");
    attr_put_str(l, ATTR_SENDER, "sender@far.example");
    attr_put_long(l, ATTR_ARRIVAL_TIME, 1700000000);
    attr_put_long(l, ATTR_ARRIVAL_USEC, 0);
    attr_put_long(l, ATTR_ACTIVE_TIME, 1700000000);
    attr_put_long(l, ATTR_ACTIVE_USEC, 0);
    attr_put_int(l, ATTR_RCPT_COUNT, NRCPT);
    for (int i = 0; i < NRCPT; i++) {
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

static void want_rcpt(const attr_list_t *resp, int i, int status,
                      const char *text)
{
    char name[64];
    const char *got;
    int st;

    snprintf(name, sizeof(name), "rcpt_status_%d", i);
    assert_int_equal(attr_get_int(resp, name, &st), 0);
    snprintf(name, sizeof(name), "rcpt_text_%d", i);
    assert_int_equal(attr_get_str(resp, name, &got), 0);
    if (st != status || strcmp(got, text) != 0)
        fail_msg("rcpt %d: status %d (%s), want %d (%s)", i, st, got, status,
                 text);
}

/* The one file in DIR/new; its path in out. */
static void only_new_file(const char *dir, buf_t *out)
{
    buf_t path = BUF_INIT;
    struct dirent *e;
    DIR *d;
    int n = 0;

    buf_printf(&path, "%s/new", dir);
    d = opendir(path.data);
    if (d == NULL)
        fail_msg("no %s", path.data);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        buf_reset(out);
        buf_printf(out, "%s/%s", path.data, e->d_name);
        n++;
    }
    closedir(d);
    assert_int_equal(n, 1);
    buf_dispose(&path);
}

static pid_t start_daemon(const char *bin, int *fd)
{
    int sv[2];
    pid_t pid;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        buf_t exe = BUF_INIT;

        buf_printf(&exe, "%s/virtual", bin);
        if (dup2(sv[1], 0) < 0)
            _exit(127);
        close(sv[0]);
        setenv("MAIL_CONFIG", root, 1);
        execl(exe.data, "virtual", "-S", (char *) NULL);
        _exit(127);
    }
    close(sv[1]);
    *fd = sv[0];
    return pid;
}

static void write_config(long uid, long gid)
{
    buf_t conf = BUF_INIT, path = BUF_INIT;

    buf_printf(&conf, "queue_directory = %s/queue\n"
                      "virtual_mailbox_base = %s/vmail\n"
                      "virtual_mailbox_maps = inline:{ joe@v.example=v.example/joe/,"
                      " nobody@elsewhere.example=x/ },"
                      " inline:{ @c.example=c.example/catchall }\n"
                      "virtual_uid_maps = static:%ld\n"
                      "virtual_gid_maps = static:%ld\n"
                      "virtual_minimum_uid = 1\n"
                      "virtual_mailbox_lock = fcntl\n"
                      "recipient_delimiter = +\n"
                      "maillog_file = %s/maillog\n", root, root, uid, gid, root);
    buf_printf(&path, "%s/main.cf", root);
    write_text(path.data, conf.data);
    buf_dispose(&conf);
    buf_dispose(&path);
}

static void test_daemon_stand_alone(void **state)
{
    const char *bin = getenv("POSTERN_BIN");
    bool as_root = geteuid() == 0;
    long uid = as_root ? ROOT_TEST_ID : (long) getuid();
    long gid = as_root ? ROOT_TEST_ID : (long) getgid();
    buf_t path = BUF_INIT, want = BUF_INIT, got = BUF_INIT;
    attr_list_t *req, *resp = attr_list_new();
    char id[64], *err = NULL;
    int fd, status;
    struct stat st;
    stream_t *s;
    pid_t pid;

    (void) state;
    if (bin == NULL)
        skip();
    strcpy(root, "/tmp/virtualdaemonXXXXXX");
    assert_non_null(mkdtemp(root));
    assert_int_equal(chmod(root, 0755), 0);
    make_queue(id);
    write_config(uid, gid);
    buf_printf(&path, "%s/vmail", root);
    assert_int_equal(mkdir(path.data, 0755), 0);
    assert_int_equal(chown(path.data, (uid_t) uid, (gid_t) gid), 0);
    buf_puts(&path, "/c.example");
    assert_int_equal(mkdir(path.data, 0755), 0);
    assert_int_equal(chown(path.data, (uid_t) uid, (gid_t) gid), 0);

    pid = start_daemon(bin, &fd);
    s = stream_open_fd(fd, STREAM_CLOSE_FD);
    stream_set_timeout(s, 30000, 30000);
    assert_int_equal(attr_expect_announce(s, ATTR_DLV_PROTOCOL, &err), 0);
    req = request(id);
    assert_int_equal(attr_request(s, req, resp, NULL, &err), 0);
    assert_int_equal(attr_get_int(resp, ATTR_STATUS, &status), 0);
    assert_int_equal(status, 0);
    want_rcpt(resp, 0, DLV_STATUS_SENT, "delivered to maildir");
    want_rcpt(resp, 1, DLV_STATUS_BOUNCED, "unknown user: \"nobody@v.example\"");
    want_rcpt(resp, 2, DLV_STATUS_SENT, "delivered to mailbox");
    want_rcpt(resp, 3, DLV_STATUS_BOUNCED,
              "mail forwarding loop for looped@v.example");
    stream_close(s);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* the log lines */
    buf_reset(&path);
    buf_printf(&path, "%s/maillog", root);
    read_text(path.data, &got);
    buf_printf(&want, "%s: to=<Joe+Box@V.example>, relay=virtual, delay=", id);
    if (strstr(got.data, want.data) == NULL
        || strstr(got.data, ", dsn=2.0.0, status=sent (delivered to maildir)") == NULL
        || strstr(got.data, ", dsn=5.1.1, status=bounced (unknown user: \"nobody@v.example\")") == NULL
        || strstr(got.data, "to=<any@c.example>, relay=virtual, ") == NULL
        || strstr(got.data, ", dsn=5.4.6, status=bounced (mail forwarding loop for looped@v.example)") == NULL)
        fail_msg("log: %s", got.data);

    /* the Maildir message with its prefix */
    buf_reset(&path);
    buf_printf(&path, "%s/vmail/v.example/joe", root);
    only_new_file(path.data, &want);
    read_text(want.data, &got);
    if (strncmp(got.data, "Return-Path: <sender@far.example>\n"
                          "X-Original-To: Joe+Box@V.example\n"
                          "Delivered-To: joe+box@v.example\n"
                          "Delivered-To: looped@v.example\n"
                          "Subject: virtual test\n\nhello\n", got.len) != 0
        || got.len == 0)
        fail_msg("maildir file: %s", got.data);
    assert_int_equal(stat(want.data, &st), 0);
    if (as_root) {
        assert_int_equal((long) st.st_uid, ROOT_TEST_ID);
        assert_int_equal((long) st.st_gid, ROOT_TEST_ID);
    }

    /* the mbox file from the catch-all */
    buf_reset(&path);
    buf_printf(&path, "%s/vmail/c.example/catchall", root);
    read_text(path.data, &got);
    if (strncmp(got.data, "From sender@far.example ", 24) != 0
        || strstr(got.data, "\nDelivered-To: any@c.example\n") == NULL
        || strstr(got.data, "\n\nhello\n") == NULL)
        fail_msg("mbox file: %s", got.data);
    assert_int_equal(stat(path.data, &st), 0);
    if (as_root)
        assert_int_equal((long) st.st_uid, ROOT_TEST_ID);

    buf_reset(&path);
    buf_printf(&path, "rm -rf '%s'", root);
    assert_int_equal(system(path.data), 0);
    attr_list_free(req);
    attr_list_free(resp);
    buf_dispose(&path);
    buf_dispose(&want);
    buf_dispose(&got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daemon_stand_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
