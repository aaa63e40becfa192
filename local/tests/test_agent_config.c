/* test_agent_config.c - local_agent_t from main.cf text, refusals of bad
 * values, and the filtered mailbox_command expansion. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pwd.h>
#include <string.h>

#include "config/config.h"
#include "local/agent_config.h"
#include "util/mem.h"

static int load(const char *text)
{
    char *err = NULL;
    int rc;

    config_reset();
    rc = config_load_text(text, strlen(text), "main.cf", CONFIG_STRICT, &err);
    xfree(err);
    return rc;
}

static void test_from_config(void **state)
{
    local_agent_t a;
    char *err = NULL;
    buf_t value = BUF_INIT;

    (void) state;
    if (getpwnam("nobody") == NULL)
        skip();
    assert_int_equal(load("alias_maps = inline:{ postmaster=joe, abuse=joe }\n"
                          "recipient_delimiter = +\n"
                          "mydestination = here.example, localhost\n"
                          "home_mailbox = Maildir/\n"
                          "mailbox_command = /usr/bin/procmail -a $extension\n"
                          "queue_directory = /var/spool/test\n"
                          "allow_mail_to_commands = alias\n"
                          "mailbox_size_limit = 1000\n"
                          "deliver_lock_delay = 2s\n"), 0);
    if (local_agent_from_config(&a, NULL, &err) < 0)
        fail_msg("%s", err);
    assert_string_equal(a.expand.recipient_delimiter, "+");
    assert_string_equal(a.expand.forward_path,
                        "$home/.forward${recipient_delimiter}${extension}, $home/.forward");
    assert_string_equal(a.mailbox.mailbox_command, "/usr/bin/procmail -a $extension");
    assert_string_equal(a.mailbox.home_mailbox, "Maildir/");
    assert_int_equal(a.mailbox.mailbox_size_limit, 1000);
    assert_int_equal(a.mailbox.command_time_limit, 1000);
    assert_int_equal(a.mailbox.mbox->lock_delay_ms, 2000);
    assert_int_equal(a.mailbox.mbox->locks, MBOX_LOCK_FCNTL | MBOX_LOCK_DOTLOCK);
    assert_int_equal(a.expand.allow_commands, LOCAL_CLASS_ALIAS);
    assert_int_equal(a.expand.allow_files, LOCAL_CLASS_ALIAS | LOCAL_CLASS_FORWARD);
    assert_string_equal(a.cleanup_socket, "/var/spool/test/public/cleanup");
    assert_string_equal(a.default_privs.name, "nobody");
    assert_true(a.expand.is_local_domain(a.expand.ctx, "here.example"));
    assert_true(a.expand.is_local_domain(a.expand.ctx, "LOCALHOST"));
    assert_false(a.expand.is_local_domain(a.expand.ctx, "far.example"));
    assert_int_equal(a.expand.alias_map_count, 1);
    assert_int_equal(dict_lookup(a.expand.alias_maps[0], "Abuse", &value, &err),
                     DICT_FOUND);
    assert_string_equal(value.data, "joe");
    local_agent_dispose(&a);
    buf_dispose(&value);
    config_reset();
}

static void test_refusals(void **state)
{
    static const char *const bad[] = {
        "mailbox_delivery_lock = flock\nalias_maps =\n",
        "default_privs = root\nalias_maps =\n",
        "default_privs = no-such-user-here\nalias_maps =\n",
        "allow_mail_to_commands = alias, pipes\nalias_maps =\n",
        "alias_maps = bogus:/etc/aliases\n",
    };
    local_agent_t a;

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *err = NULL;

        assert_int_equal(load(bad[i]), 0);
        if (local_agent_from_config(&a, NULL, &err) != -1 || err == NULL)
            fail_msg("accepted: %s", bad[i]);
        xfree(err);
    }
    config_reset();
}

static void test_command_expansion_filter(void **state)
{
    local_command_env_t env = {"/home/joe", "joe", "/bin/sh", "joe",
                               "a`id`@x", "joe+x;rm -rf /@here", NULL,
                               "x;rm -rf /$(id)", "here", "joe+x"};
    buf_t out = BUF_INIT;
    char *err = NULL;

    (void) state;
    assert_int_equal(local_expand_command("/usr/bin/procmail -a \"$extension\" "
                                          "-f $sender -d $user${extension?+}",
                                          &env, "+", &out, &err), 0);
    assert_string_equal(out.data, "/usr/bin/procmail -a \"x_rm_-rf_/__id_\" "
                                  "-f a_id_@x -d joe+");
    assert_int_equal(local_expand_command("${bad", &env, "+", &out, &err), -1);
    xfree(err);
    buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_config),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_command_expansion_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
