/* test_mbox.c - mbox append: From_ line, >From quoting (also split across
 * writes), trailer, truncation on failure, size limit, locks between two
 * processes, stale and busy dotlocks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <utime.h>
#include <unistd.h>

#include "mbox/mbox.h"
#include "util/mem.h"

static char dir[64];
static char mbox[128];

static int setup(void **state)
{
    (void) state;
    strcpy(dir, "/tmp/mboxtestXXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(mbox, sizeof(mbox), "%s/user", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void) state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void read_file(const char *path, buf_t *out)
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

static mbox_opts_t fast_opts(void)
{
    mbox_opts_t o;

    mbox_opts_default(&o);
    o.lock_delay_ms = 10;
    return o;
}

/* Writes the NULL-terminated list of pieces given as ctx one by one. */
static int produce_pieces(sink_t *out, void *ctx, char **err)
{
    const char *const *pieces = ctx;

    (void) err;
    for (; *pieces; pieces++)
        if (sink_puts(out, *pieces) < 0)
            return -1;
    return 0;
}

struct quote_case {
    const char *pieces[6];
    const char *want;
};

struct collector {
    sink_t base;
    buf_t got;
};

static int collect(sink_t *s, const char *data, size_t len)
{
    buf_append(&((struct collector *) s)->got, data, len);
    return 0;
}

static bool str_ends(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);

    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void test_quoting_table(void **state)
{
    static const struct quote_case cases[] = {
        {{"From me\n", NULL}, ">From me\n\n"},
        {{"a\nFrom x\nFrom\nFro", NULL}, "a\n>From x\nFrom\nFro\n\n"},
        {{"Fr", "om ", "split\n", NULL}, ">From split\n\n"},
        {{"x\nF", "r", "o", "m", " y", NULL}, "x\n>From y\n\n"},
        {{"x From y\n >From z\n", NULL}, "x From y\n >From z\n\n"},
        {{"from lower\nFROM upper\n", NULL}, "from lower\nFROM upper\n\n"},
        {{"a\r\nFrom crlf\r\n", NULL}, "a\r\n>From crlf\r\n\n"},
        {{"no newline", NULL}, "no newline\n\n"},
        {{"", NULL}, "\n"},
        {{"\n\nFrom ", NULL}, "\n\n>From \n\n"},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct collector c;
        mbox_quote_t q;

        c.base.write_fn = collect;
        c.base.error = 0;
        buf_init(&c.got);
        mbox_quote_init(&q, &c.base);
        assert_int_equal(produce_pieces(&q.base, (void *) cases[i].pieces,
                                        NULL), 0);
        assert_int_equal(mbox_quote_finish(&q), 0);
        if (strcmp(c.got.data, cases[i].want) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, c.got.data,
                     cases[i].want);
        buf_dispose(&c.got);
    }
}

static void test_quoting_keeps_nul_bytes(void **state)
{
    struct collector c;
    mbox_quote_t q;

    (void) state;
    c.base.write_fn = collect;
    c.base.error = 0;
    buf_init(&c.got);
    mbox_quote_init(&q, &c.base);
    assert_int_equal(sink_write(&q.base, "a\0b\nFrom \0\n", 11), 0);
    assert_int_equal(mbox_quote_finish(&q), 0);
    assert_int_equal(c.got.len, 13);
    assert_memory_equal(c.got.data, "a\0b\n>From \0\n\n", 13);
    buf_dispose(&c.got);
}

static void test_append_two_messages(void **state)
{
    const char *m1[] = {"Subject: one\n\nFrom here\n", NULL};
    const char *m2[] = {"Subject: two\n\nbody", NULL};
    mbox_opts_t o = fast_opts();
    buf_t got = BUF_INIT;
    char *err = NULL;
    struct stat st;

    (void) state;
    unlink(mbox);
    assert_int_equal(mbox_append(mbox, "a@example.com", 0, &o, produce_pieces,
                                 (void *) m1, &err), 0);
    assert_int_equal(mbox_append(mbox, "", 0, &o, produce_pieces, (void *) m2,
                                 &err), 0);
    read_file(mbox, &got);
    assert_true(strncmp(got.data, "From a@example.com ", 19) == 0);
    assert_non_null(strstr(got.data, "\n\n>From here\n\nFrom MAILER-DAEMON "));
    assert_true(str_ends(got.data, "Subject: two\n\nbody\n\n"));
    assert_int_equal(stat(mbox, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    buf_t lock = BUF_INIT;
    buf_printf(&lock, "%s.lock", mbox);
    assert_int_equal(access(lock.data, F_OK), -1);
    buf_dispose(&lock);
    buf_dispose(&got);
}

static int produce_then_fail(sink_t *out, void *ctx, char **err)
{
    (void) ctx;
    sink_puts(out, "Subject: half\n\nsome of the body\n");
    *err = xstrdup("queue file is corrupt");
    return -1;
}

static void test_failure_truncates_back(void **state)
{
    const char *m1[] = {"Subject: keep\n\nkept\n", NULL};
    mbox_opts_t o = fast_opts();
    buf_t before = BUF_INIT, after = BUF_INIT;
    char *err = NULL;

    (void) state;
    unlink(mbox);
    assert_int_equal(mbox_append(mbox, "s", 0, &o, produce_pieces, (void *) m1,
                                 &err), 0);
    read_file(mbox, &before);
    assert_int_equal(mbox_append(mbox, "s", 0, &o, produce_then_fail, NULL,
                                 &err), -1);
    assert_int_equal(errno, 0);
    assert_string_equal(err, "error reading message: queue file is corrupt");
    xfree(err);
    read_file(mbox, &after);
    assert_int_equal(after.len, before.len);
    assert_memory_equal(after.data, before.data, before.len);
    buf_dispose(&before);
    buf_dispose(&after);
}

static void test_size_limit_truncates(void **state)
{
    static char big[5000];
    const char *m[] = {big, NULL};
    mbox_opts_t o = fast_opts();
    char *err = NULL;
    struct stat st;

    (void) state;
    unlink(mbox);
    memset(big, 'x', sizeof(big) - 1);
    o.size_limit = 12000;
    assert_int_equal(mbox_append(mbox, "s", 0, &o, produce_pieces, (void *) m,
                                 &err), 0);
    assert_int_equal(mbox_append(mbox, "s", 0, &o, produce_pieces, (void *) m,
                                 &err), 0);
    assert_int_equal(stat(mbox, &st), 0);
    off_t size = st.st_size;
    assert_int_equal(mbox_append(mbox, "s", 0, &o, produce_pieces, (void *) m,
                                 &err), -1);
    assert_int_equal(errno, EFBIG);
    assert_string_equal(err, "error writing message: File too large");
    xfree(err);
    assert_int_equal(stat(mbox, &st), 0);
    assert_int_equal(st.st_size, size);
}

static void append_in_child(const char *tag, int n)
{
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        mbox_opts_t o = fast_opts();
        char line[256];
        const char *m[] = {line, line, line, NULL};

        o.lock_attempts = 1000;
        for (int i = 0; i < n; i++) {
            snprintf(line, sizeof(line), "%s %d %0100d\n", tag, i, 0);
            if (mbox_append(mbox, tag, 0, &o, produce_pieces, (void *) m,
                            NULL) < 0)
                _exit(1);
        }
        _exit(0);
    }
}

static void test_concurrent_appenders(void **state)
{
    buf_t got = BUF_INIT;
    int status, count_a = 0, count_b = 0;
    char *p;

    (void) state;
    unlink(mbox);
    append_in_child("A", 100);
    append_in_child("B", 100);
    for (int i = 0; i < 2; i++) {
        assert_true(wait(&status) > 0);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    read_file(mbox, &got);
    /* Each message: From_ line, the same line three times, empty line. */
    for (p = got.data; *p; ) {
        char *nl = strchr(p, '\n'), *l1, *l2, *l3, *blank;

        assert_non_null(nl);
        assert_true(strncmp(p, "From ", 5) == 0);
        l1 = nl + 1;
        l2 = strchr(l1, '\n') + 1;
        l3 = strchr(l2, '\n') + 1;
        blank = strchr(l3, '\n') + 1;
        assert_int_equal(l2 - l1, l3 - l2);
        assert_memory_equal(l1, l2, (size_t) (l2 - l1));
        assert_memory_equal(l1, l3, (size_t) (l2 - l1));
        assert_int_equal(*blank, '\n');
        if (p[5] == 'A')
            count_a++;
        else
            count_b++;
        p = blank + 1;
    }
    assert_int_equal(count_a, 100);
    assert_int_equal(count_b, 100);
    buf_dispose(&got);
}

static void test_stale_and_busy_dotlock(void **state)
{
    const char *m[] = {"x\n", NULL};
    mbox_opts_t o = fast_opts();
    buf_t lock = BUF_INIT;
    struct utimbuf old = {1000, 1000};
    char *err = NULL;
    int fd;

    (void) state;
    buf_printf(&lock, "%s.lock", mbox);
    fd = open(lock.data, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    close(fd);
    o.lock_attempts = 3;
    assert_int_equal(mbox_append(mbox, "s", 0, &o, produce_pieces, (void *) m,
                                 &err), -1);
    assert_int_equal(errno, EAGAIN);
    assert_non_null(strstr(err, "unable to create lock file"));
    xfree(err);
    assert_int_equal(utime(lock.data, &old), 0);
    assert_int_equal(mbox_append(mbox, "s", 0, &o, produce_pieces, (void *) m,
                                 &err), 0);
    assert_int_equal(access(lock.data, F_OK), -1);
    buf_dispose(&lock);
}

static void test_fcntl_lock_busy(void **state)
{
    const char *m[] = {"x\n", NULL};
    mbox_opts_t o = fast_opts();
    int p[2], q[2], status;
    char c;
    char *err = NULL;
    pid_t pid;

    (void) state;
    assert_int_equal(pipe(p), 0);
    assert_int_equal(pipe(q), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(mbox, O_WRONLY | O_CREAT, 0600);
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

        if (fd < 0 || fcntl(fd, F_SETLK, &fl) < 0)
            _exit(1);
        if (write(p[1], "k", 1) != 1)
            _exit(1);
        if (read(q[0], &c, 1) < 0)
            _exit(1);
        _exit(0);
    }
    assert_int_equal(read(p[0], &c, 1), 1);
    o.lock_attempts = 3;
    o.locks = MBOX_LOCK_FCNTL;
    assert_int_equal(mbox_append(mbox, "s", 0, &o, produce_pieces, (void *) m,
                                 &err), -1);
    assert_int_equal(errno, EAGAIN);
    assert_non_null(strstr(err, "unable to lock for exclusive access"));
    xfree(err);
    assert_int_equal(write(q[1], "g", 1), 1);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
}

static void test_refuses_non_regular(void **state)
{
    const char *m[] = {"x\n", NULL};
    mbox_opts_t o = fast_opts();
    buf_t sub = BUF_INIT;
    char *err = NULL;

    (void) state;
    buf_printf(&sub, "%s/adir", dir);
    assert_int_equal(mkdir(sub.data, 0700), 0);
    o.locks = MBOX_LOCK_FCNTL;
    assert_int_equal(mbox_append(sub.data, "s", 0, &o, produce_pieces,
                                 (void *) m, &err), -1);
    assert_non_null(err);
    xfree(err);
    buf_dispose(&sub);
}

static void test_new_mailbox_given_to_owner(void **state)
{
    const char *m[] = {"x\n", NULL};
    mbox_opts_t o = fast_opts();
    buf_t path = BUF_INIT;
    char *err = NULL;
    struct stat st;

    (void) state;
    if (geteuid() != 0)
        skip();
    buf_printf(&path, "%s/newbox", dir);
    o.chown_new = true;
    o.owner_uid = 65534;
    o.owner_gid = 65534;
    assert_int_equal(mbox_append(path.data, "s", 0, &o, produce_pieces,
                                 (void *) m, &err), 0);
    assert_int_equal(stat(path.data, &st), 0);
    assert_int_equal(st.st_uid, 65534);
    assert_int_equal(st.st_gid, 65534);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* an existing mailbox keeps its owner */
    assert_int_equal(chown(path.data, 0, 0), 0);
    assert_int_equal(mbox_append(path.data, "s", 0, &o, produce_pieces,
                                 (void *) m, &err), 0);
    assert_int_equal(stat(path.data, &st), 0);
    assert_int_equal(st.st_uid, 0);
    buf_dispose(&path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting_table),
        cmocka_unit_test(test_quoting_keeps_nul_bytes),
        cmocka_unit_test(test_append_two_messages),
        cmocka_unit_test(test_failure_truncates_back),
        cmocka_unit_test(test_size_limit_truncates),
        cmocka_unit_test(test_concurrent_appenders),
        cmocka_unit_test(test_stale_and_busy_dotlock),
        cmocka_unit_test(test_fcntl_lock_busy),
        cmocka_unit_test(test_refuses_non_regular),
        cmocka_unit_test(test_new_mailbox_given_to_owner),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
