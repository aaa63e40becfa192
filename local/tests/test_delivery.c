/* test_delivery.c - delivery to |command (exit codes, signals, time
 * limit, output, environment, a command that does not read its input),
 * to mailboxes (Maildir, mbox, size limit) and to /file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "local/command.h"
#include "local/mailbox.h"
#include "util/mem.h"

static char root[64];

static int setup(void **state)
{
    (void) state;
    strcpy(root, "/tmp/deliverytestXXXXXX");
    if (mkdtemp(root) == NULL)
        return -1;
    return chmod(root, 0777);  /* the command may run as nobody */
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

static int produce_big(sink_t *out, void *ctx, char **err)
{
    char line[1024];

    (void) ctx;
    (void) err;
    memset(line, 'z', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\n';
    for (int i = 0; i < 2048; i++)   /* 2 MiB: more than a pipe holds */
        if (sink_write(out, line, sizeof(line)) < 0)
            return -1;
    return 0;
}

static int produce_broken(sink_t *out, void *ctx, char **err)
{
    (void) ctx;
    sink_puts(out, "partial\n");
    *err = xstrdup("error reading queue file");
    return -1;
}

static void run_command(const char *command, long limit, sink_producer_fn p,
                        void *ctx, dlv_result_t *res)
{
    local_command_env_t env = {"/nonexistent", "joe", "/bin/sh", NULL,
                               "sender@example.com", "joe+ext@here.example",
                               "Joe+Ext@Here.Example", "ext", "here.example",
                               "joe+ext"};
    local_command_t req = {command, 65534, 65534, "/", &env, limit, p, ctx};

    if (geteuid() != 0) {
        req.uid = geteuid();
        req.gid = getegid();
    }
    local_deliver_command(&req, res);
}

struct cmd_case {
    const char *command;
    dlv_status_t status;
    const char *dsn;
    const char *text;
};

static void test_command_exit_codes(void **state)
{
    static const struct cmd_case cases[] = {
        {"cat >/dev/null", DLV_SENT, "2.0.0", "delivered to command: cat >/dev/null"},
        {"exit 75", DLV_DEFERRED, "4.3.0", "temporary failure"},
        {"exit 67", DLV_BOUNCED, "5.1.1", "user unknown"},
        {"exit 71", DLV_DEFERRED, "4.3.0", "system resource problem"},
        {"exit 78", DLV_BOUNCED, "5.3.5", "local configuration error"},
        {"exit 1", DLV_BOUNCED, "5.3.0", "Command died with status 1: \"exit 1\""},
        {"echo no such user; exit 67", DLV_BOUNCED, "5.1.1",
         "user unknown. Command output: no such user"},
        {"printf 'a\\n\\tb\\001c'; exit 2", DLV_BOUNCED, "5.3.0",
         "Command died with status 2: \"printf 'a\\n\\tb\\001c'; exit 2\". Command output: a b c"},
        {"kill -TERM $$", DLV_DEFERRED, "4.3.0",
         "Command died with signal 15: \"kill -TERM $$\""},
    };
    dlv_result_t res;

    (void) state;
    dlv_result_init(&res);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_command(cases[i].command, 10, produce_text, "Subject: x\n\nbody\n",
                    &res);
        if (res.status != cases[i].status || strcmp(res.dsn, cases[i].dsn)
            || strcmp(res.text.data, cases[i].text))
            fail_msg("%s: got %s %s (%s)", cases[i].command,
                     dlv_status_name(res.status), res.dsn, res.text.data);
    }
    dlv_result_dispose(&res);
}

static void test_command_time_limit(void **state)
{
    dlv_result_t res;
    long long start = sink_now_ms();

    (void) state;
    dlv_result_init(&res);
    run_command("sleep 30", 1, produce_text, "x\n", &res);
    assert_true(sink_now_ms() - start < 10000);
    assert_int_equal(res.status, DLV_BOUNCED);
    assert_string_equal(res.dsn, "5.3.0");
    assert_string_equal(res.text.data, "Command time limit exceeded: \"sleep 30\"");
    /* a command that never reads a large message also times out */
    run_command("sleep 30", 1, produce_big, NULL, &res);
    assert_string_equal(res.text.data, "Command time limit exceeded: \"sleep 30\"");
    dlv_result_dispose(&res);
}

static void test_command_not_reading_input(void **state)
{
    dlv_result_t res;

    (void) state;
    dlv_result_init(&res);
    run_command("exit 0", 10, produce_big, NULL, &res);
    assert_int_equal(res.status, DLV_SENT);
    run_command("head -c 10 >/dev/null", 10, produce_big, NULL, &res);
    assert_int_equal(res.status, DLV_SENT);
    run_command("cat >/dev/null", 10, produce_broken, NULL, &res);
    assert_int_equal(res.status, DLV_DEFERRED);
    assert_string_equal(res.text.data, "error reading queue file");
    dlv_result_dispose(&res);
}

static void test_command_environment_and_input(void **state)
{
    buf_t out = BUF_INIT, cmd = BUF_INIT;
    dlv_result_t res;
    char back[2048];
    ssize_t n;
    int fd;

    (void) state;
    buf_printf(&out, "%s/env.out", root);
    buf_printf(&cmd, "{ env | sort; echo ---; cat; id -u; pwd; } > %s", out.data);
    dlv_result_init(&res);
    run_command(cmd.data, 10, produce_text, "Subject: env\n\nhello\n", &res);
    assert_int_equal(res.status, DLV_SENT);
    fd = open(out.data, O_RDONLY);
    assert_true(fd >= 0);
    n = read(fd, back, sizeof(back) - 1);
    close(fd);
    assert_true(n > 0);
    back[n] = '\0';
    static const char *const want[] = {
        "HOME=/nonexistent\n", "USER=joe\n", "LOGNAME=joe\n", "SHELL=/bin/sh\n",
        "SENDER=sender@example.com\n", "RECIPIENT=joe+ext@here.example\n",
        "ORIGINAL_RECIPIENT=Joe+Ext@Here.Example\n", "EXTENSION=ext\n",
        "DOMAIN=here.example\n", "LOCAL=joe+ext\n", "PATH=/usr/bin:/bin\n",
        "---\nSubject: env\n\nhello\n"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (strstr(back, want[i]) == NULL)
            fail_msg("missing %s in %s", want[i], back);
    if (geteuid() == 0)
        assert_non_null(strstr(back, "\n65534\n/\n"));
    dlv_result_dispose(&res);
    buf_dispose(&out);
    buf_dispose(&cmd);
}

static void test_refuses_root(void **state)
{
    local_command_t req = {"true", 0, 0, "/", NULL, 10, produce_text, "x\n"};
    dlv_result_t res;

    (void) state;
    if (geteuid() != 0)
        skip();
    dlv_result_init(&res);
    local_deliver_command(&req, &res);
    assert_int_equal(res.status, DLV_DEFERRED);
    assert_non_null(strstr(res.text.data, "as root"));
    dlv_result_dispose(&res);
}

static void test_mailboxes_and_files(void **state)
{
    mbox_opts_t locks;
    local_mailbox_cfg_t cfg = {"Maildir/", NULL, "", 0, 10, &locks};
    local_user_t user = {"joe", NULL, "/bin/sh", 0, 0};
    local_message_t msg = {"s@example.com", 0, produce_text,
                           "Subject: m\n\nFrom me\n"};
    buf_t home = BUF_INIT, path = BUF_INIT, spool = BUF_INIT;
    dlv_result_t res;
    struct stat st;

    (void) state;
    mbox_opts_default(&locks);
    locks.lock_delay_ms = 10;
    dlv_result_init(&res);
    buf_printf(&home, "%s/joe", root);
    user.home = home.data;
    local_deliver_mailbox(&cfg, &user, NULL, &msg, &res);
    assert_int_equal(res.status, DLV_SENT);
    assert_string_equal(res.text.data, "delivered to maildir");

    cfg.home_mailbox = "";
    buf_printf(&spool, "%s/spool", root);
    assert_int_equal(mkdir(spool.data, 0755), 0);
    cfg.mail_spool_directory = spool.data;
    local_deliver_mailbox(&cfg, &user, NULL, &msg, &res);
    assert_string_equal(res.text.data, "delivered to mailbox");
    buf_printf(&path, "%s/joe", spool.data);
    assert_int_equal(stat(path.data, &st), 0);

    cfg.mailbox_size_limit = 10;
    local_deliver_mailbox(&cfg, &user, NULL, &msg, &res);
    assert_int_equal(res.status, DLV_BOUNCED);
    assert_string_equal(res.dsn, "5.2.2");
    buf_reset(&path);
    buf_printf(&path, "cannot update mailbox %s/joe for user joe. "
                      "error writing message: File too large", spool.data);
    assert_string_equal(res.text.data, path.data);

    cfg.home_mailbox = "Maildir/";
    local_deliver_mailbox(&cfg, &user, NULL, &msg, &res);
    assert_int_equal(res.status, DLV_BOUNCED);
    assert_true(strncmp(res.text.data, "maildir delivery failed: create maildir file ", 45) == 0);
    cfg.mailbox_size_limit = 0;

    buf_reset(&path);
    buf_printf(&path, "%s/spool2/", root);
    cfg.home_mailbox = "";
    cfg.mail_spool_directory = path.data;
    local_deliver_mailbox(&cfg, &user, NULL, &msg, &res);
    assert_string_equal(res.text.data, "delivered to maildir");

    buf_reset(&path);
    buf_printf(&path, "%s/file.log", root);
    local_deliver_file(&cfg, path.data, &msg, &res);
    assert_int_equal(res.status, DLV_SENT);
    buf_t want = BUF_INIT;
    buf_printf(&want, "delivered to file: %s", path.data);
    assert_string_equal(res.text.data, want.data);
    local_deliver_file(&cfg, "/dev/null", &msg, &res);
    assert_string_equal(res.text.data, "delivered to file: /dev/null");
    buf_reset(&path);
    buf_printf(&path, "%s/filemaildir/", root);
    local_deliver_file(&cfg, path.data, &msg, &res);
    assert_string_equal(res.text.data, "delivered to maildir");
    local_deliver_file(&cfg, root, &msg, &res);   /* a directory */
    assert_int_equal(res.status, DLV_BOUNCED);
    assert_non_null(strstr(res.text.data, "cannot append message to file "));

    cfg.mailbox_command = "cat > /dev/null";
    local_deliver_mailbox(&cfg, &user, NULL, &msg, &res);
    if (geteuid() == 0) {   /* user joe here is uid 0: refused */
        assert_int_equal(res.status, DLV_DEFERRED);
    } else {
        assert_string_equal(res.text.data, "delivered to command: cat > /dev/null");
    }
    dlv_result_dispose(&res);
    buf_dispose(&home);
    buf_dispose(&path);
    buf_dispose(&spool);
    buf_dispose(&want);
}

/* A caller that switched only its effective uid must not leave the
 * command a real uid of root. */
static void test_command_drops_real_root(void **state)
{
    local_command_t req = {"[ \"$(id -ru)\" = 65534 ] && [ \"$(id -u)\" = 65534 ]"
                           " && [ \"$(id -rg)\" = 65534 ]",
                           65534, 65534, "/", NULL, 10, produce_text, "x\n"};
    dlv_result_t res;

    (void) state;
    if (geteuid() != 0)
        skip();
    dlv_result_init(&res);
    assert_int_equal(setegid(65534), 0);
    assert_int_equal(seteuid(65534), 0);
    local_deliver_command(&req, &res);
    assert_int_equal(seteuid(0), 0);
    assert_int_equal(setegid(0), 0);
    if (res.status != DLV_SENT)
        fail_msg("%s %s", res.dsn, res.text.data);
    dlv_result_dispose(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_command_exit_codes),
        cmocka_unit_test(test_command_time_limit),
        cmocka_unit_test(test_command_not_reading_input),
        cmocka_unit_test(test_command_environment_and_input),
        cmocka_unit_test(test_refuses_root),
        cmocka_unit_test(test_command_drops_real_root),
        cmocka_unit_test(test_mailboxes_and_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
