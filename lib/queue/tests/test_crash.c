/* test_crash.c - kill -9 of a writer at arbitrary moments: every message
 * whose commit returned (the moment cleanup would answer 250) is in the
 * queue and valid, and no file under a queue id is ever incomplete. The
 * writer is a child process committing messages in a loop; the parent
 * kills it after a different short delay in each round. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "qtest_util.h"

#define MESSAGES_PER_CHILD 200

static void child_writer(const queue_t *q, int out_fd)
{
    char *err = NULL, line[QUEUE_ID_SIZE + 1];

    for (int i = 0; i < MESSAGES_PER_CHILD; i++) {
        qwriter_t *w = qt_sample(q, QUEUE_INCOMING, 1 + i % 3);
        if (qwriter_commit(w, &err) < 0)
            _exit(2);
        /* "250": reported only after the commit returned */
        snprintf(line, sizeof(line), "%s\n", qwriter_id(w));
        if (write(out_fd, line, strlen(line)) != (ssize_t) strlen(line))
            _exit(3);
        qwriter_free(w);
    }
    _exit(0);
}

static void test_kill_during_commits(void **state)
{
    static const long delays_us[] = {1000, 5000, 20000, 60000, 150000, 400000};
    char dir[256], *err = NULL;
    queue_t *q = qt_queue(dir, sizeof(dir), NULL, 1);
    size_t acknowledged = 0;

    (void) state;
    for (size_t round = 0; round < sizeof(delays_us) / sizeof(delays_us[0]); round++) {
        int fds[2], status;
        pid_t pid;
        struct timespec pause = {0, delays_us[round] * 1000};
        char ids[MESSAGES_PER_CHILD * (QUEUE_ID_SIZE + 1) + 1];
        ssize_t n, got = 0;

        assert_int_equal(pipe(fds), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_writer(q, fds[1]);
        }
        close(fds[1]);
        nanosleep(&pause, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        while ((n = read(fds[0], ids + got, sizeof(ids) - 1 - (size_t) got)) > 0)
            got += n;
        close(fds[0]);
        ids[got] = '\0';
        /* every acknowledged id is there and valid */
        for (char *save = NULL, *id = strtok_r(ids, "\n", &save); id; id = strtok_r(NULL, "\n", &save)) {
            qfile_t *qf;
            assert_int_equal(qfile_open(q, QUEUE_INCOMING, id, QFILE_READ, &qf, &err), QFILE_OK);
            qfile_close(qf);
            acknowledged++;
        }
    }
    /* and nothing under an id is incomplete, acknowledged or not */
    queue_list_t list;
    assert_int_equal(queue_scan(q, QUEUE_INCOMING, &list, &err), 0);
    assert_true(list.count >= acknowledged);
    assert_true(acknowledged > 0);          /* else the rounds tested nothing */
    for (size_t i = 0; i < list.count; i++) {
        qfile_t *qf;
        int rc = qfile_open(q, QUEUE_INCOMING, list.items[i].id, QFILE_READ, &qf, &err);
        if (rc != QFILE_OK)
            fail_msg("%s: %s", list.items[i].id, err);
        qfile_close(qf);
    }
    print_message("%zu acknowledged, %zu files under ids\n", acknowledged, list.count);
    queue_list_free(&list);
    qt_rm_rf(dir);
    queue_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_during_commits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
