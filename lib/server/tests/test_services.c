/* test_services.c - master.cf resolved into runnable services: the
 * command line built for the server skeleton, the program path, and the
 * services that must be reported instead of started (missing program,
 * unsupported type). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "server/services.h"
#include "util/mem.h"

static char dir[] = "/tmp/postern-services-XXXXXX";
static char cf_path[300], daemon_dir[300];

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
    char prog[400];

    (void) state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(cf_path, sizeof(cf_path), "%s/master.cf", dir);
    snprintf(daemon_dir, sizeof(daemon_dir), "%s/libexec", dir);
    if (mkdir(daemon_dir, 0755) < 0)
        return -1;
    snprintf(prog, sizeof(prog), "%s/smtpd", daemon_dir);
    write_file(prog, "#!/bin/sh\n", 0755);
    snprintf(prog, sizeof(prog), "%s/cleanup", daemon_dir);
    write_file(prog, "not executable\n", 0644);
    config_reset();
    return 0;
}

static int teardown(void **state)
{
    char cmd[400];

    (void) state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const struct service_def *find(const struct service_table *t, const char *key)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->defs[i].key, key) == 0)
            return &t->defs[i];
    fail_msg("no service %s", key);
    return NULL;
}

static void assert_argv(char **got, const char *const *want)
{
    size_t i;

    for (i = 0; want[i]; i++) {
        assert_non_null(got[i]);
        if (strcmp(got[i], want[i]) != 0)
            fail_msg("argv[%zu]: got \"%s\", want \"%s\"", i, got[i], want[i]);
    }
    assert_null(got[i]);
}

static void test_resolution(void **state)
{
    static const char *const smtp_argv[] = {"smtpd", "-n", "127.0.0.1:2525", "-t",
        "inet", "-u", "-c", "-o", "syslog_name=postern/submission", "-o",
        "smtpd_tls_wrappermode=yes", "-v", "--", NULL};
    static const char *const pipe_argv[] = {"/bin/true", "-n", "x", "-t", "unix",
        "--", "flags=R", "user=nobody", "argv=/bin/cat", NULL};
    struct service_table *t;
    const struct service_def *d;
    char *err = NULL;

    (void) state;
    write_file(cf_path,
               "127.0.0.1:2525 inet n - y - 3 smtpd\n"
               "  -o syslog_name=postern/submission\n"
               "  -o { smtpd_tls_wrappermode = yes } -v\n"
               "cleanup unix n - n - 0 cleanup\n"
               "tlsmgr unix - - n 1000? 1 tlsmgr\n"
               "postlog unix-dgram n - n - 1 postlogd\n"
               "x unix - n n - - /bin/true flags=R user=nobody argv=/bin/cat\n",
               0644);
    assert_int_equal(service_table_load(cf_path, daemon_dir, &t, &err), 0);
    assert_int_equal(t->count, 5);

    d = find(t, "127.0.0.1:2525/inet");
    assert_null(d->problem);
    assert_int_equal(d->maxproc, 3);
    assert_argv(d->argv, smtp_argv);

    d = find(t, "cleanup/unix");        /* present but not executable */
    assert_non_null(d->problem);
    assert_non_null(strstr(d->problem, "not available"));
    assert_int_equal(d->maxproc, 0);

    d = find(t, "tlsmgr/unix");         /* a Postfix daemon Postern lacks */
    assert_non_null(d->problem);
    assert_non_null(strstr(d->problem, "tlsmgr"));

    d = find(t, "postlog/unix-dgram");
    assert_non_null(strstr(d->problem, "unix-dgram is not supported"));

    d = find(t, "x/unix");              /* absolute command, default maxproc */
    assert_null(d->problem);
    assert_string_equal(d->path, "/bin/true");
    assert_int_equal(d->maxproc, 100);
    assert_argv(d->argv, pipe_argv);
    service_table_free(t);
}

static void test_wakeup_on_inet_is_noted(void **state)
{
    struct service_table *t;
    char *err = NULL;

    (void) state;
    write_file(cf_path, "2525 inet n - n 60 1 smtpd\n", 0644);
    assert_int_equal(service_table_load(cf_path, daemon_dir, &t, &err), 0);
    assert_null(t->defs[0].problem);
    assert_non_null(t->defs[0].note);
    assert_non_null(strstr(t->defs[0].note, "wakeup"));
    service_table_free(t);
}

static void test_errors(void **state)
{
    struct service_table *t = NULL;
    char *err = NULL;

    (void) state;
    assert_int_equal(service_table_load("/nonexistent/master.cf", daemon_dir, &t, &err), -1);
    assert_non_null(err);
    xfree(err);
    err = NULL;
    write_file(cf_path, "smtp inet n - n - 1\n", 0644);   /* no command */
    assert_int_equal(service_table_load(cf_path, daemon_dir, &t, &err), -1);
    assert_non_null(err);
    xfree(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolution),
        cmocka_unit_test(test_wakeup_on_inet_is_noted),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
