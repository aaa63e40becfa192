/* test_deliver.c - Maildir delivery: unique names under load and across
 * processes, crash leftovers, step order, size limit, error texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "maildir/maildir.h"
#include "util/mem.h"

static char root[64];

static int setup(void **state)
{
    (void) state;
    strcpy(root, "/tmp/maildirtestXXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void) state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static int produce_text(sink_t *out, void *ctx, char **err)
{
    (void) err;
    return sink_puts(out, ctx);
}

static int count_files(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *de;
    int n = 0;

    if (dp == NULL)
        return -1;
    while ((de = readdir(dp)) != NULL)
        if (de->d_name[0] != '.')
            n++;
    closedir(dp);
    return n;
}

static void test_creates_dirs_and_delivers(void **state)
{
    buf_t md = BUF_INIT, path = BUF_INIT, sub = BUF_INIT;
    char *err = NULL;
    struct stat st;
    char back[64];
    int fd;

    (void) state;
    buf_printf(&md, "%s/Maildir", root);
    assert_int_equal(maildir_deliver(md.data, NULL, produce_text,
                                     "Subject: x\n\nbody\n", &path, &err), 0);
    assert_null(err);
    assert_non_null(strstr(path.data, "/new/"));
    assert_non_null(strstr(path.data, ",S=17,W=20"));
    for (const char *s = "tmp\0new\0cur\0"; *s; s += 4) {
        buf_reset(&sub);
        buf_printf(&sub, "%s/%s", md.data, s);
        assert_int_equal(stat(sub.data, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0700);
    }
    assert_int_equal(stat(md.data, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    buf_reset(&sub);
    buf_printf(&sub, "%s/tmp", md.data);
    assert_int_equal(count_files(sub.data), 0);
    fd = open(path.data, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, back, sizeof(back)), 17);
    assert_memory_equal(back, "Subject: x\n\nbody\n", 17);
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    close(fd);
    buf_dispose(&md);
    buf_dispose(&path);
    buf_dispose(&sub);
}

static void test_many_fast_deliveries_are_distinct(void **state)
{
    buf_t md = BUF_INIT, sub = BUF_INIT;
    char *err = NULL;

    (void) state;
    buf_printf(&md, "%s/fast", root);
    for (int i = 0; i < 500; i++)
        assert_int_equal(maildir_deliver(md.data, NULL, produce_text, "x\n",
                                         NULL, &err), 0);
    buf_printf(&sub, "%s/new", md.data);
    assert_int_equal(count_files(sub.data), 500);
    buf_dispose(&md);
    buf_dispose(&sub);
}

static void deliver_in_child(const char *md, int n, const char *text)
{
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        for (int i = 0; i < n; i++)
            if (maildir_deliver(md, NULL, produce_text, (void *) text, NULL,
                                NULL) < 0)
                _exit(1);
        _exit(0);
    }
}

static void test_two_processes_all_distinct_and_complete(void **state)
{
    static const char *const text[2] = {
        "From: child-a\n\naaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
        "From: child-b\n\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"};
    maildir_list_t list;
    buf_t md = BUF_INIT, path = BUF_INIT;
    int status, seen[2] = {0, 0};
    char *err = NULL;

    (void) state;
    buf_printf(&md, "%s/procs", root);
    assert_int_equal(maildir_create(md.data, &err), 0);
    deliver_in_child(md.data, 200, text[0]);
    deliver_in_child(md.data, 200, text[1]);
    for (int i = 0; i < 2; i++) {
        assert_true(wait(&status) > 0);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_int_equal(maildir_list(md.data, &list, &err), 0);
    assert_int_equal(list.count, 400);
    for (size_t i = 0; i < list.count; i++) {
        char back[128];
        ssize_t n;
        int fd;

        if (i > 0)
            assert_string_not_equal(list.items[i - 1].name, list.items[i].name);
        buf_reset(&path);
        buf_printf(&path, "%s/new/%s", md.data, list.items[i].name);
        fd = open(path.data, O_RDONLY);
        assert_true(fd >= 0);
        n = read(fd, back, sizeof(back));
        close(fd);
        for (int k = 0; k < 2; k++)
            if ((size_t) n == strlen(text[k]) && memcmp(back, text[k], n) == 0)
                seen[k]++;
    }
    assert_int_equal(seen[0], 200);
    assert_int_equal(seen[1], 200);
    maildir_list_free(&list);
    buf_dispose(&md);
    buf_dispose(&path);
}

static int produce_then_die(sink_t *out, void *ctx, char **err)
{
    (void) ctx;
    (void) err;
    sink_puts(out, "partial message\n");
    _exit(3);  /* like a crash: no cleanup runs */
}

static void test_crash_leaves_only_tmp_file(void **state)
{
    buf_t md = BUF_INIT, sub = BUF_INIT;
    int status;
    pid_t pid;

    (void) state;
    buf_printf(&md, "%s/crash", root);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        maildir_deliver(md.data, NULL, produce_then_die, NULL, NULL, NULL);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(WEXITSTATUS(status), 3);
    buf_printf(&sub, "%s/tmp", md.data);
    assert_int_equal(count_files(sub.data), 1);
    buf_reset(&sub);
    buf_printf(&sub, "%s/new", md.data);
    assert_int_equal(count_files(sub.data), 0);
    buf_dispose(&md);
    buf_dispose(&sub);
}

static int produce_fail(sink_t *out, void *ctx, char **err)
{
    (void) ctx;
    sink_puts(out, "start\n");
    *err = xstrdup("queue file read error");
    return -1;
}

static void test_producer_failure_leaves_nothing(void **state)
{
    buf_t md = BUF_INIT, sub = BUF_INIT;
    char *err = NULL;

    (void) state;
    buf_printf(&md, "%s/fail", root);
    assert_int_equal(maildir_deliver(md.data, NULL, produce_fail, NULL, NULL,
                                     &err), -1);
    assert_int_equal(errno, 0);
    assert_non_null(strstr(err, "queue file read error"));
    xfree(err);
    buf_printf(&sub, "%s/tmp", md.data);
    assert_int_equal(count_files(sub.data), 0);
    buf_reset(&sub);
    buf_printf(&sub, "%s/new", md.data);
    assert_int_equal(count_files(sub.data), 0);
    buf_dispose(&md);
    buf_dispose(&sub);
}

static void record_step(void *ctx, const char *step, const char *path)
{
    buf_t *steps = ctx;

    (void) path;
    buf_printf(steps, "%s;", step);
}

static void test_step_order(void **state)
{
    buf_t md = BUF_INIT, steps = BUF_INIT;
    maildir_opts_t opts = {0, "host", record_step, &steps};

    (void) state;
    buf_printf(&md, "%s/order", root);
    assert_int_equal(maildir_deliver(md.data, &opts, produce_text, "m\n",
                                     NULL, NULL), 0);
    assert_string_equal(steps.data,
                        "create;fsync-file;link;fsync-dir;unlink-tmp;");
    buf_dispose(&md);
    buf_dispose(&steps);
}

static void test_size_limit_efbig(void **state)
{
    buf_t md = BUF_INIT, sub = BUF_INIT;
    maildir_opts_t opts = {5, NULL, NULL, NULL};
    char *err = NULL;

    (void) state;
    buf_printf(&md, "%s/limit", root);
    assert_int_equal(maildir_deliver(md.data, &opts, produce_text,
                                     "too long\n", NULL, &err), -1);
    assert_int_equal(errno, EFBIG);
    assert_non_null(strstr(err, "create maildir file "));
    assert_non_null(strstr(err, strerror(EFBIG)));
    xfree(err);
    buf_printf(&sub, "%s/new", md.data);
    assert_int_equal(count_files(sub.data), 0);
    buf_dispose(&md);
    buf_dispose(&sub);
}

static void test_unwritable_maildir(void **state)
{
    buf_t md = BUF_INIT;
    char *err = NULL;

    (void) state;
    if (geteuid() == 0)
        skip();
    buf_printf(&md, "%s/ro", root);
    assert_int_equal(maildir_create(md.data, &err), 0);
    buf_puts(&md, "/tmp");
    assert_int_equal(chmod(md.data, 0500), 0);
    buf_truncate(&md, md.len - 4);
    assert_int_equal(maildir_deliver(md.data, NULL, produce_text, "x\n", NULL,
                                     &err), -1);
    assert_int_equal(errno, EACCES);
    assert_true(strncmp(err, "create maildir file ", 20) == 0);
    xfree(err);
    buf_dispose(&md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_creates_dirs_and_delivers),
        cmocka_unit_test(test_many_fast_deliveries_are_distinct),
        cmocka_unit_test(test_two_processes_all_distinct_and_complete),
        cmocka_unit_test(test_crash_leaves_only_tmp_file),
        cmocka_unit_test(test_producer_failure_leaves_nothing),
        cmocka_unit_test(test_step_order),
        cmocka_unit_test(test_size_limit_efbig),
        cmocka_unit_test(test_unwritable_maildir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
