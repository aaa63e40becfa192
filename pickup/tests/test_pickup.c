/* test_pickup.c - sendmail -> maildrop -> pickup -> cleanup -> incoming,
 * without master: the built sendmail binary writes into a temporary
 * queue (-c DIR with a temporary main.cf), pickup_scan() replays the
 * files to a forked cleanup_serve() listening on QUEUE/private/cleanup.
 * Checks the incoming files (qualified sender, recipients, -t with Bcc
 * removed, added From: with the full name), the empty maildrop, a
 * corrupt maildrop file moved to corrupt/, and that maildrop files stay
 * when cleanup is unreachable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup/cleanup_session.h"
#include "config/config.h"
#include "pickup/pickup.h"
#include "queue/qfile.h"
#include "queue/qwriter.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/sock.h"

static char root[] = "/tmp/pickup-test-XXXXXX";
static char conf[300], qdir[300], sock_path[400];
static queue_t *queue;

static int setup(void **state)
{
    char path[400];
    FILE *f;
    char *err = NULL;

    (void) state;
    msg_init("test_pickup", 0);
    assert_non_null(mkdtemp(root));
    snprintf(conf, sizeof(conf), "%s/conf", root);
    snprintf(qdir, sizeof(qdir), "%s/queue", root);
    snprintf(sock_path, sizeof(sock_path), "%s/private/cleanup", qdir);
    assert_int_equal(mkdir(conf, 0700), 0);
    assert_int_equal(mkdir(qdir, 0700), 0);
    snprintf(path, sizeof(path), "%s/main.cf", conf);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "queue_directory = %s\nmyhostname = host.example\nmydomain = example\n"
               "myorigin = origin.example\n"
               "virtual_alias_maps = inline:{ {alias@x.example = one@y.example, two@y.example} }\n",
            qdir);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(config_load(conf, &err), 0);
    queue = queue_new(qdir, NULL, 1, &err);
    assert_non_null(queue);
    assert_int_equal(queue_layout_repair(queue, getuid(), getgid(), getgid(), NULL, &err), 0);
    return 0;
}

static int teardown(void **state)
{
    char cmd[400];

    (void) state;
    queue_free(queue);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs sendmail with args (a string for the shell) and input. */
static int run_sendmail(const char *args, const char *input)
{
    const char *bin = getenv("POSTERN_BIN");
    char cmd[1024];
    FILE *p;

    assert_non_null(bin);
    snprintf(cmd, sizeof(cmd), "'%s/sendmail' -c '%s' %s", bin, conf, args);
    p = popen(cmd, "w");
    assert_non_null(p);
    fputs(input, p);
    return pclose(p);
}

static int count(const char *queue_name)
{
    queue_list_t list;
    char *err = NULL;
    int n;

    assert_int_equal(queue_scan(queue, queue_name, &list, &err), 0);
    n = (int) list.count;
    queue_list_free(&list);
    return n;
}

/* A cleanup server for `clients` connections, in a child process. */
static pid_t start_cleanup(int clients)
{
    char *err = NULL;
    int fd = sock_listen_unix(sock_path, 5, 0600, &err);
    pid_t pid;

    assert_true(fd >= 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        cleanup_params_t params;

        if (cleanup_params_load(&params, &err) < 0)
            _exit(2);
        for (int i = 0; i < clients; i++) {
            struct pollfd pfd = {fd, POLLIN, 0};
            int c;
            stream_t *s;

            if (poll(&pfd, 1, 20000) != 1 || (c = sock_accept(fd, NULL)) < 0)
                _exit(3);
            s = stream_open_fd(c, STREAM_CLOSE_FD);
            stream_set_timeout(s, 20000, 20000);
            cleanup_serve(s, &params);
            stream_close(s);
        }
        cleanup_params_free(&params);
        _exit(0);
    }
    close(fd);
    return pid;
}

static void wait_ok(pid_t pid)
{
    int status;

    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void corrupt_file(void)
{
    char *err = NULL;
    qwriter_t *w = qwriter_create(queue, QUEUE_MAILDROP, &err);
    struct timeval tv = {1, 0};
    buf_t path = BUF_INIT;

    assert_non_null(w);
    qwriter_put_time(w, QREC_TIME, &tv);
    qwriter_put_sender(w, "x");
    qwriter_put_rcpt(w, "y@z", NULL, NULL, 0);
    qwriter_begin_content(w);
    qwriter_put_line(w, "hello", 5);
    qwriter_end_content(w);
    assert_int_equal(qwriter_commit(w, &err), 0);
    assert_int_equal(queue_path(queue, QUEUE_MAILDROP, qwriter_id(w), &path, &err), 0);
    assert_int_equal(truncate(buf_str(&path), 20), 0);
    qwriter_free(w);
    buf_dispose(&path);
}

/* A valid file with a second link elsewhere: refused. */
static void hard_link(void)
{
    char *err = NULL;
    qwriter_t *w = qwriter_create(queue, QUEUE_MAILDROP, &err);
    struct timeval tv = {2, 0};
    buf_t path = BUF_INIT;
    char other[500];

    assert_non_null(w);
    qwriter_put_time(w, QREC_TIME, &tv);
    qwriter_put_sender(w, "x");
    qwriter_put_rcpt(w, "y@z", NULL, NULL, 0);
    qwriter_begin_content(w);
    qwriter_put_line(w, "linked", 6);
    qwriter_end_content(w);
    assert_int_equal(qwriter_commit(w, &err), 0);
    assert_int_equal(queue_path(queue, QUEUE_MAILDROP, qwriter_id(w), &path, &err), 0);
    snprintf(other, sizeof(other), "%s/other-link", root);
    assert_int_equal(link(buf_str(&path), other), 0);
    qwriter_free(w);
    buf_dispose(&path);
}

/* Finds the incoming file whose content contains text. */
static int find_incoming(const char *text, buf_t *content, buf_t *envelope)
{
    queue_list_t list;
    char *err = NULL;
    size_t i;
    int found = 0;

    assert_int_equal(queue_scan(queue, QUEUE_INCOMING, &list, &err), 0);
    for (i = 0; i < list.count && !found; i++) {
        qfile_t *qf;
        qrecord_t rec;
        const qenvelope_t *env;
        size_t k;

        assert_int_equal(qfile_open(queue, QUEUE_INCOMING, list.items[i].id, QFILE_READ, &qf, &err), 0);
        env = qfile_envelope(qf);
        buf_reset(content);
        qfile_seek(qf, env->size.content_offset);
        while (qfile_next(qf, &rec, &err) == 1)
            if (rec.type == QREC_LINE) {
                buf_append(content, rec.data, rec.len);
                buf_putc(content, '\n');
            }
        buf_set(envelope, env->sender);
        for (k = 0; k < env->rcpt_count; k++)
            buf_printf(envelope, " %s", env->rcpts[k].address);
        found = strstr(buf_str(content), text) != NULL;
        qfile_close(qf);
    }
    queue_list_free(&list);
    return found;
}

static void test_end_to_end(void **state)
{
    buf_t content = BUF_INIT, envelope = BUF_INIT;
    char *err = NULL;
    pid_t pid;
    char *user = getenv("USER");

    pickup_config_t pcfg = {sock_path, NULL, "host.test", 50000};

    (void) state;
    (void) user;
    assert_int_equal(run_sendmail("-F 'Joe User' -f joe alias@x.example",
                                  "Subject: first\r\n\r\nline one\r\n.\r\nnot read\n"), 0);
    assert_int_equal(run_sendmail("-t -i -f '<sam@s.example>'",
                                  "To: a@t.example, \"B\" <b@t.example>\nBcc: hidden@t.example\n"
                                  "Subject: second\n\n.\nafter dot\n"), 0);
    /* no recipients at all: usage error, nothing queued */
    assert_int_equal(WEXITSTATUS(run_sendmail("-t", "Subject: none\n\n")), 64);
    assert_int_equal(WEXITSTATUS(run_sendmail("", "Subject: none\n\n")), 64);
    corrupt_file();
    hard_link();
    assert_int_equal(count(QUEUE_MAILDROP), 4);

    /* cleanup not there: the scan stops, nothing is lost */
    assert_int_equal(pickup_scan(queue, &pcfg, &err), -1);
    xfree(err);
    err = NULL;
    assert_int_equal(count(QUEUE_MAILDROP), 4);   /* stopped at the oldest */

    pid = start_cleanup(1);
    assert_int_equal(pickup_scan(queue, &pcfg, &err), 2);
    wait_ok(pid);
    assert_int_equal(count(QUEUE_MAILDROP), 0);
    assert_int_equal(count(QUEUE_CORRUPT), 2);
    assert_int_equal(count(QUEUE_INCOMING), 2);

    assert_true(find_incoming("Subject: first", &content, &envelope));
    assert_string_equal(buf_str(&envelope), "joe@origin.example one@y.example two@y.example");
    assert_non_null(strstr(buf_str(&content), "\n\nline one\n"));
    assert_null(strstr(buf_str(&content), "not read"));
    assert_non_null(strstr(buf_str(&content), "From: Joe User <joe@origin.example>\n"));
    assert_non_null(strstr(buf_str(&content), "Message-Id: <"));
    {
        char expect[80];

        /* pickup's trace header comes first, with the file owner's uid */
        snprintf(expect, sizeof(expect), "Received: by host.test (Postern, from userid %ld)\n\tid ",
                 (long) getuid());
        assert_true(strncmp(buf_str(&content), expect, strlen(expect)) == 0);
    }

    assert_true(find_incoming("Subject: second", &content, &envelope));
    assert_string_equal(buf_str(&envelope), "sam@s.example a@t.example b@t.example hidden@t.example");
    assert_null(strstr(buf_str(&content), "Bcc"));
    assert_null(strstr(buf_str(&content), "hidden"));
    assert_non_null(strstr(buf_str(&content), "\n.\nafter dot\n"));
    buf_dispose(&content);
    buf_dispose(&envelope);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_end_to_end),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, setup, teardown);
}
