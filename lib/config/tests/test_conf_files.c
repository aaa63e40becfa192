/* test_conf_files.c - the default configuration in conf/ (main.cf,
 * master.cf) reads without a warning and defines Postfix's stock services. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/master_cf.h"
#include "util/mem.h"

static char conf_dir[4096];

static void test_main_cf_is_clean(void **state)
{
    char *err = NULL;

    (void) state;
    if (config_load_flags(conf_dir, CONFIG_STRICT, &err) != 0)
        fail_msg("%s", err);
    assert_null(config_unknown_names()[0]);
    assert_string_equal(cfg_str("queue_directory"), "/var/spool/postern");
    assert_string_equal(cfg_str("mail_owner"), "postern");
    assert_string_equal(cfg_str("smtpd_relay_restrictions"),
                        "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination");
    assert_int_equal(cfg_size("message_size_limit"), 10240000);
    config_reset();
}

static void test_master_cf_has_stock_services(void **state)
{
    static const struct {
        const char *service;
        master_type_t type;
        const char *command;
    } want[] = {
        {"smtp", MASTER_INET, "smtpd"}, {"pickup", MASTER_UNIX, "pickup"},
        {"cleanup", MASTER_UNIX, "cleanup"}, {"qmgr", MASTER_UNIX, "qmgr"},
        {"rewrite", MASTER_UNIX, "trivial-rewrite"}, {"bounce", MASTER_UNIX, "bounce"},
        {"defer", MASTER_UNIX, "bounce"}, {"smtp", MASTER_UNIX, "smtp"},
        {"relay", MASTER_UNIX, "smtp"}, {"local", MASTER_UNIX, "local"},
        {"virtual", MASTER_UNIX, "virtual"}, {"error", MASTER_UNIX, "error"},
        {"anvil", MASTER_UNIX, "anvil"}, {"postlog", MASTER_UNIX_DGRAM, "postlogd"},
    };
    char path[4200];
    master_cf_t *cf = NULL;
    char *err = NULL;

    (void) state;
    snprintf(path, sizeof(path), "%s/master.cf", conf_dir);
    if (master_cf_load(path, &cf, &err) != 0)
        fail_msg("%s", err);
    assert_null(cf->warnings);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const master_entry_t *e = master_cf_find(cf, want[i].service, want[i].type);
        if (e == NULL)
            fail_msg("%s/%s missing", want[i].service, master_type_name(want[i].type));
        assert_string_equal(e->command, want[i].command);
        assert_false(e->chroot);
    }
    assert_false(master_cf_find(cf, "local", MASTER_UNIX)->unpriv);
    master_cf_free(cf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_main_cf_is_clean),
        cmocka_unit_test(test_master_cf_has_stock_services),
    };
    const char *src = getenv("POSTERN_SRC");

    snprintf(conf_dir, sizeof(conf_dir), "%s/conf", src ? src : "../..");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
