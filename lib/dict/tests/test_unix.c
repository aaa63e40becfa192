/* test_unix.c - unit tests for unix:passwd.byname and unix:group.byname,
 * checked against getpwuid(0)/getgrgid(0) of the machine. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_pattern_util.h"

#include <grp.h>
#include <pwd.h>

static void test_passwd(void **state)
{
    struct passwd *pw = getpwuid(0);
    buf_t want = BUF_INIT;
    dict_t *d;

    (void) state;
    if (pw == NULL)
        skip();
    buf_printf(&want, "%s:%s:0:%ld:%s:%s:%s", pw->pw_name, pw->pw_passwd, (long) pw->pw_gid,
               pw->pw_gecos, pw->pw_dir, pw->pw_shell);
    d = tp_open("unix", "passwd.byname", DICT_FLAG_NONE);
    tp_expect(d, pw->pw_name, want.data);
    tp_expect(d, "no-such-user-postern-test", NULL);
    tp_expect(d, "", NULL);
    dict_close(d);
    buf_dispose(&want);
}

static void test_group(void **state)
{
    struct group *gr = getgrgid(0);
    buf_t want = BUF_INIT;
    dict_t *d;

    (void) state;
    if (gr == NULL)
        skip();
    buf_printf(&want, "%s:%s:0:", gr->gr_name, gr->gr_passwd);
    for (char **m = gr->gr_mem; *m; m++)
        buf_printf(&want, "%s%s", m == gr->gr_mem ? "" : ",", *m);
    d = tp_open("unix", "group.byname", DICT_FLAG_NONE);
    tp_expect(d, gr->gr_name, want.data);
    tp_expect(d, "no-such-group-postern-test", NULL);
    dict_close(d);
    buf_dispose(&want);
}

static void test_unknown_map(void **state)
{
    char *err = NULL;

    (void) state;
    assert_null(dict_open("unix:shadow.byname", O_RDONLY, 0, &err));
    assert_non_null(strstr(err, "unknown table"));
    xfree(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passwd),
        cmocka_unit_test(test_group),
        cmocka_unit_test(test_unknown_map),
    };

    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
