/* test_privs.c - privilege drop: as root, a child drops to "nobody" and
 * must not be able to regain root; as an ordinary user the drop tests are
 * skipped (there is nothing to drop). User lookup refuses uid 0. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server/privs.h"
#include "util/mem.h"

static void test_lookup_refuses_root(void **state)
{
    struct priv_user u;
    char *err = NULL;

    (void) state;
    assert_int_equal(priv_lookup_user("root", &u, &err), -1);
    assert_non_null(strstr(err, "uid 0"));
    xfree(err);
    err = NULL;
    assert_int_equal(priv_lookup_user("0", &u, &err), -1);
    xfree(err);
}

static void test_lookup_unknown(void **state)
{
    struct priv_user u;
    char *err = NULL;

    (void) state;
    assert_int_equal(priv_lookup_user("no-such-user-postern-test", &u, &err), -1);
    assert_non_null(strstr(err, "no-such-user-postern-test"));
    xfree(err);
}

static void test_lookup_nobody(void **state)
{
    struct priv_user u;
    char *err = NULL;
    struct passwd *pw = getpwnam("nobody");

    (void) state;
    if (pw == NULL)
        skip();
    assert_int_equal(priv_lookup_user("nobody", &u, &err), 0);
    assert_int_equal(u.uid, pw->pw_uid);
    assert_string_equal(u.name, "nobody");
    priv_user_free(&u);
}

/* Child: drop, then report through the exit status what it could do. */
static int drop_in_child(const char *chroot_dir)
{
    struct priv_user u;
    char *err = NULL;

    if (priv_lookup_user("nobody", &u, &err) < 0)
        return 10;
    if (priv_drop(&u, chroot_dir, &err) < 0)
        return 11;
    if (getuid() != u.uid || geteuid() != u.uid)
        return 12;
    if (setuid(0) == 0 || seteuid(0) == 0)
        return 13;
    if (chroot_dir && access("/etc/passwd", F_OK) == 0)
        return 14;   /* the chroot jail (a temp dir) has no /etc */
    return 0;
}

static void run_drop(const char *chroot_dir)
{
    int status;
    pid_t pid;

    if (geteuid() != 0 || getpwnam("nobody") == NULL)
        skip();
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(drop_in_child(chroot_dir));
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_drop_cannot_regain_root(void **state)
{
    (void) state;
    run_drop(NULL);
}

static void test_drop_with_chroot(void **state)
{
    char dir[] = "/tmp/postern-privs-XXXXXX";

    (void) state;
    if (geteuid() != 0)
        skip();
    assert_non_null(mkdtemp(dir));
    run_drop(dir);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_refuses_root),
        cmocka_unit_test(test_lookup_unknown),
        cmocka_unit_test(test_lookup_nobody),
        cmocka_unit_test(test_drop_cannot_regain_root),
        cmocka_unit_test(test_drop_with_chroot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
