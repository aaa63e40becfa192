/* test_instance_lock.c - the master pid file lock: a second holder is
 * refused, the holder's pid is visible to others, and the lock goes away
 * with the holder (a stale file does not count as running). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server/instance_lock.h"
#include "util/mem.h"

static char dir[] = "/tmp/postern-lock-XXXXXX";
static char path[256];

static int setup(void **state)
{
    (void) state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(path, sizeof(path), "%s/master.pid", dir);
    return 0;
}

static int teardown(void **state)
{
    (void) state;
    unlink(path);
    return rmdir(dir);
}

/* Runs fn in a child process; returns its exit status. */
static int in_child(int (*fn)(void))
{
    int status;
    pid_t pid = fork();

    if (pid == 0)
        _exit(fn());
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static int child_sees_parent(void)
{
    char *err = NULL;

    if (instance_lock_holder(path, &err) != getppid())
        return 1;
    return instance_lock_acquire(path, &err) == -2 ? 0 : 2;
}

static int child_sees_nobody(void)
{
    char *err = NULL;

    return instance_lock_holder(path, &err) == 0 ? 0 : 1;
}

static void test_lock_cycle(void **state)
{
    char *err = NULL;
    char text[32] = "";
    int fd;

    (void) state;
    assert_int_equal(instance_lock_holder(path, &err), 0);   /* no file */
    fd = instance_lock_acquire(path, &err);
    assert_true(fd >= 0);
    assert_true(pread(fd, text, sizeof(text) - 1, 0) > 0);
    assert_int_equal(atol(text), (long) getpid());
    assert_int_equal(in_child(child_sees_parent), 0);
    close(fd);
    /* The file stays, the lock is gone: not running. */
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(in_child(child_sees_nobody), 0);
}

static void test_unwritable_directory(void **state)
{
    char *err = NULL;

    (void) state;
    assert_int_equal(instance_lock_acquire("/nonexistent-dir/x/master.pid", &err), -1);
    assert_non_null(strstr(err, "/nonexistent-dir/x/master.pid"));
    xfree(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_cycle),
        cmocka_unit_test(test_unwritable_directory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
