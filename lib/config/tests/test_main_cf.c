/* test_main_cf.c - unit tests for reading main.cf and $name expansion. */
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
#include "util/mem.h"
#include "util/msg.h"

static buf_t warnings;

static void collect_warning(const char *text)
{
    buf_printf(&warnings, "%s\n", text);
}

static int setup(void **state)
{
    (void) state;
    config_reset();
    buf_reset(&warnings);
    config_set_warning_handler(collect_warning);
    return 0;
}

static void load_text(const char *text, size_t len)
{
    char *err = NULL;

    if (config_load_text(text, len, "main.cf", 0, &err) != 0)
        fail_msg("load failed: %s", err);
}

static void load(const char *text)
{
    load_text(text, strlen(text));
}

static const char *get(const char *name)
{
    const char *v = NULL;
    char *err = NULL;
    int rc = cfg_get(name, &v, &err);

    if (rc < 0)
        fail_msg("%s: %s", name, err);
    return rc == 0 ? NULL : v;
}

static char *get_err(const char *name)
{
    const char *v = NULL;
    char *err = NULL;

    assert_int_equal(cfg_get(name, &v, &err), -1);
    assert_non_null(err);
    return err;
}

static void test_basic_syntax(void **state)
{
    (void) state;
    load("# comment\n"
         "myhostname=mail.example.com\n"
         "  # indented comment\n"
         "mydestination   =   $myhostname,\n"
         "    localhost.$mydomain ,\n"
         "\tlocalhost   \n"
         "\n"
         "smtpd_banner = $myhostname # not a comment\n"
         "relayhost =\n"
         "relayhost = [relay.example.com]:587\n");
    assert_string_equal(get("myhostname"), "mail.example.com");
    assert_string_equal(config_file_value("mydestination", NULL),
                        "$myhostname, localhost.$mydomain , localhost");
    assert_string_equal(get("mydestination"), "mail.example.com, localhost.example.com , localhost");
    assert_string_equal(get("smtpd_banner"), "mail.example.com # not a comment");
    assert_string_equal(get("relayhost"), "[relay.example.com]:587");
    {
        int line = 0;
        assert_non_null(config_file_value("relayhost", &line));
        assert_int_equal(line, 10);
    }
    assert_string_equal(warnings.data, "");
}

static void test_defaults_and_computed(void **state)
{
    (void) state;
    load("");
    assert_string_equal(cfg_str("default_database_type"), "hash");
    assert_string_equal(cfg_str("alias_maps"), "hash:/etc/aliases");
    assert_string_equal(cfg_str("syslog_name"), "postern");
    assert_string_equal(cfg_str("mail_owner"), "postern");
    assert_string_equal(config_default_value("mydestination"),
                        "$myhostname, localhost.$mydomain, localhost");
    assert_non_null(strchr(cfg_str("myhostname"), '.'));
    config_set("myhostname", "a.b.example");
    assert_string_equal(cfg_str("mydomain"), "b.example");
    assert_string_equal(cfg_str("myorigin"), "a.b.example");
    assert_string_equal(cfg_str("mydestination"), "a.b.example, localhost.b.example, localhost");
    config_set("myhostname", "nodots");
    assert_string_equal(cfg_str("mydomain"), "localdomain");
    /* myhostname referring to mydomain, whose default derives from it */
    config_set("myhostname", "mx.$mydomain");
    assert_non_null(cfg_str("myhostname"));
    assert_int_equal(cfg_time("smtpd_timeout"), 300);
    config_set("stress", "yes");
    assert_int_equal(cfg_time("smtpd_timeout"), 10);
    assert_int_equal(cfg_int("smtpd_hard_error_limit"), 1);
}

static void test_conditional_forms(void **state)
{
    (void) state;
    load("set = x\n"
         "empty =\n"
         "a = ${set?yes}|${set:no}|${empty?yes}|${empty:no}|${undef:u}|${undef?u}\n"
         "b = ${set?{one}:{two}}|${empty?{one}:{two}}|${set ? {sp} : {ace}}\n"
         "c = ${set:{p}}${empty:{q}}\n"
         "d = $(set) ${set} $set $$set $$ cost 5$$\n"
         "e = ${set?${set}-$set}\n"
         "f = ${set?a:b}\n"
         "g = ${set?{a}}\n");
    assert_string_equal(get("a"), "yes|||no|u|");
    assert_string_equal(get("b"), "one|two|sp");
    assert_string_equal(get("c"), "q");
    assert_string_equal(get("d"), "x x x $set $ cost 5$");
    assert_string_equal(get("e"), "x-x");
    assert_string_equal(get("f"), "a:b");
    assert_string_equal(get("g"), "a");
    assert_null(get("undef"));
}

/* Results checked against Postfix 3.7's postconf -x. */
static void test_comparisons(void **state)
{
    (void) state;
    load("mail_name = Postfix\n"
         "a = ${{x} == {x} ? {eq} : {ne}}|${{x} != {y} ? {ne}}|${{10} < {9} ? {lt} : {ge}}"
         "|${{3.6} <level {3.10} ? {lvl} : {nolvl}}|${{ 2 } >= {2}?{ge}:{lt}}\n"
         "b = ${{abc} < {abd} ? {x} : {y}}|${{1} <=level {1.0} ? {a} : {b}}|${{a}=={a}?yes:no}\n"
         "c = [${{a} == {a}}] [${{a} == {b}}] [${{2} < {10} ? {num} : {str}}]"
         " [${{02} == {2} ? {numeq} : {streq}}]\n"
         "d = [${{$mail_name} == {Postfix} ? {pf}}] [${{1} <level {2} ? {x}:{y}}]"
         " [${{3.6.1} >level {3.6} ? {gt}:{le}}] [${{x} == {x} ? {a} : {b} }]\n"
         "e = ${{99999999999999999999} > {9} ? {big}}${{x} > {y} ? {no} : {yes}}\n");
    assert_string_equal(get("a"), "eq|ne|ge|lvl|lt");
    assert_string_equal(get("b"), "x|a|yes:no");
    assert_string_equal(get("c"), "[true] [] [num] [numeq]");
    assert_string_equal(get("d"), "[pf] [x] [gt] [a]");
    assert_string_equal(get("e"), "bigyes");
}

static void test_expansion_errors(void **state)
{
    static const char *const bad[] = {
        "x = ${set\n", "x = $(set\n", "x = ${}\n", "x = ${a b}\n", "x = ${a?{b}c}\n",
        "x = ${a?{b}:c}\n", "x = ${a?{b}:{c}d}\n", "x = ${{a} === {b}?{c}}\n",
        "x = ${{a} <level {b} ? {c}}\n", "x = ${{1.2.3.4} <level {1} ? {c}}\n",
        "x = ${{a} == b}\n", "x = ${{a} == {b} x}\n", "x = ${{a} == {b} ? {c} : d}\n",
        "x = ${{a}\n", "x = cost 5$ more\n", "x = end$\n", "x = $-x\n",
        "x = ${a?{b}\n",
    };

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *err;
        setup(NULL);
        load(bad[i]);
        err = get_err("x");
        xfree(err);
    }
}

static void test_loops(void **state)
{
    char *err;

    (void) state;
    load("a = $b\nb = ${c}\nc = x $(a)\nself = $self\nok = $b2\nb2 = fine\n"
         "cond = ${cond?x}\n");
    err = get_err("a");
    assert_string_equal(err, "parameter a: expansion loop: $a -> $b -> $c -> $a");
    xfree(err);
    err = get_err("self");
    assert_string_equal(err, "parameter self: expansion loop: $self -> $self");
    xfree(err);
    err = get_err("cond");
    xfree(err);
    assert_string_equal(get("ok"), "fine");
}

static void test_deep_chain_and_nesting(void **state)
{
    buf_t text;
    char *err;

    (void) state;
    buf_init(&text);
    for (int i = 0; i < 150; i++)
        buf_printf(&text, "p%d = $p%d\n", i, i + 1);
    buf_puts(&text, "p150 = end\n");
    buf_puts(&text, "n = ");
    for (int i = 0; i < 5000; i++)
        buf_puts(&text, "${n?");
    buf_puts(&text, "\n");
    load(buf_str(&text));
    err = get_err("p0");
    assert_non_null(strstr(err, "too deeply"));
    xfree(err);
    assert_string_equal(get("p100"), "end");
    err = get_err("n");
    xfree(err);
    buf_reset(&text);
    buf_puts(&text, "m = x");
    for (int i = 0; i < 5000; i++)
        buf_puts(&text, "${set?{");
    for (int i = 0; i < 5000; i++)
        buf_puts(&text, "}}");
    buf_puts(&text, "\nset = y\n");
    setup(NULL);
    load(buf_str(&text));
    err = get_err("m");
    assert_non_null(strstr(err, "too deeply"));
    xfree(err);
    buf_dispose(&text);
}

static void test_malformed_lines_are_warnings(void **state)
{
    static const char text[] = "good = 1\nno equals sign\n= value\nbad name = x\n"
                               "  orphan? no: first line\nz = a\0b\nlast = ok";
    char *err = NULL;

    (void) state;
    /* the indented line continues the bad line 4 */
    load_text(text, sizeof(text) - 1);
    assert_string_equal(get("good"), "1");
    assert_null(get("z"));
    assert_string_equal(get("last"), "ok");
    assert_non_null(strstr(warnings.data, "main.cf, line 2: missing '=' after parameter name: ignored"));
    assert_non_null(strstr(warnings.data, "main.cf, line 3: bad parameter name"));
    assert_non_null(strstr(warnings.data, "main.cf, line 4: bad parameter name"));
    assert_non_null(strstr(warnings.data, "main.cf, line 6: NUL byte in line"));
    buf_reset(&warnings);
    load("  indented = first\nx = y\n");
    assert_non_null(strstr(warnings.data, "main.cf, line 1: line starts with white space"));
    /* strict mode: an error, and the old configuration stays */
    assert_int_equal(config_load_text("x = z\nbroken\n", 14, "main.cf", CONFIG_STRICT, &err), -1);
    assert_string_equal(err, "main.cf, line 2: missing '=' after parameter name: \"broken\"");
    xfree(err);
    assert_string_equal(get("x"), "y");
}

static void test_crlf_and_missing_newline(void **state)
{
    (void) state;
    load("a = 1\r\nb = two\r\n   words\r\nc = last");
    assert_string_equal(get("a"), "1");
    assert_string_equal(get("b"), "two words");
    assert_string_equal(get("c"), "last");
}

static void test_upper_case_names_are_distinct(void **state)
{
    const char *const *unknown;

    (void) state;
    load("MYHOSTNAME = upper.example\nmyhostname = lower.example\n");
    assert_string_equal(cfg_str("myhostname"), "lower.example");
    assert_string_equal(get("MYHOSTNAME"), "upper.example");
    unknown = config_unknown_names();
    assert_string_equal(unknown[0], "MYHOSTNAME");
    assert_null(unknown[1]);
}

static void test_very_long_line(void **state)
{
    buf_t text;
    size_t n = 200000;

    (void) state;
    buf_init(&text);
    buf_puts(&text, "long = ");
    for (size_t i = 0; i < n; i++)
        buf_putc(&text, 'a' + (int) (i % 26));
    buf_puts(&text, "\nafter = $long");
    load(buf_str(&text));
    assert_int_equal(strlen(get("long")), n);
    assert_int_equal(strlen(get("after")), n);
    buf_dispose(&text);
}

static void test_overrides_and_lazy_expansion(void **state)
{
    (void) state;
    load("myhostname = a.example\nbanner = hi $myhostname\n");
    assert_string_equal(get("banner"), "hi a.example");
    assert_int_equal(config_override("myhostname = b.example"), 0);
    assert_string_equal(get("banner"), "hi b.example");
    assert_int_equal(config_override("no_equals"), -1);
    assert_int_equal(config_override(" = x"), -1);
    assert_string_equal(config_file_value("myhostname", NULL), "a.example");
    /* overrides survive a reload of the file */
    load("myhostname = c.example\n");
    assert_string_equal(cfg_str("myhostname"), "b.example");
}

static void test_unknown_names(void **state)
{
    const char *const *unknown;
    char **names;

    (void) state;
    load("zzz_unused = 1\nused_by_other = 2\nrelayhost = $used_by_other\n"
         "smtpd_restriction_classes = freemail, other_class\nfreemail = reject\n"
         "other_class = permit\n"
         "smtpd_client_connection_limit_exceptions = 10.0.0.0/8\n"
         "nonservice_destination_concurrency_limit = 3\naaa = b\n");
    unknown = config_unknown_names();
    assert_string_equal(unknown[0], "aaa");
    assert_string_equal(unknown[1], "nonservice_destination_concurrency_limit");
    assert_string_equal(unknown[2], "zzz_unused");
    assert_null(unknown[3]);
    names = config_file_names();
    assert_string_equal(names[0], "aaa");
    assert_string_equal(names[8], "zzz_unused");
    assert_null(names[9]);
    cfg_list_free(names);
    /* the obsolete name is used by the default of its successor, which
     * falls back to $mynetworks when it is empty */
    config_set("mynetworks", "127.0.0.0/8");
    config_set("smtpd_client_connection_limit_exceptions", "");
    assert_string_equal(cfg_str("smtpd_client_event_limit_exceptions"), "127.0.0.0/8");
}

/* Runs config_report_unused() with standard error going to a file and
 * returns what it wrote. */
static char *report_unused_output(void)
{
    FILE *tmp = tmpfile();
    int saved = dup(2);
    char *text = xcalloc(4096, 1);

    assert_non_null(tmp);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), 2) >= 0);
    config_report_unused();
    assert_true(dup2(saved, 2) >= 0);
    close(saved);
    rewind(tmp);
    assert_true(fread(text, 1, 4095, tmp) < 4095);
    fclose(tmp);
    return text;
}

static void test_report_unused_once(void **state)
{
    char *text;

    (void) state;
    msg_init("test", MSG_SINK_STDERR);
    load("zz_unknown = 1\nsmtp_tls_policy_maps = hash:/p\nalias_maps = hash:/a\n");
    text = report_unused_output();
    assert_non_null(strstr(text, "test: warning: /etc/postern/main.cf: unused parameter: zz_unknown=1\n"));
    assert_non_null(strstr(text, "test: warning: /etc/postern/main.cf: parameter not supported by postern: smtp_tls_policy_maps\n"));
    assert_null(strstr(text, "alias_maps"));
    xfree(text);
    text = report_unused_output();
    assert_string_equal(text, "");
    xfree(text);
    load("zz_unknown = 2\n");
    text = report_unused_output();
    assert_non_null(strstr(text, "zz_unknown=2"));
    xfree(text);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}

static void test_load_dir_and_transport_params(void **state)
{
    char dir[] = "/tmp/test_main_cf.XXXXXX";
    char path[256];
    char *err = NULL;
    const char *const *unknown;
    bool implemented = true;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/main.cf", dir);
    write_file(path, "relay_destination_concurrency_limit = 5\n"
                     "smtp_destination_recipient_limit = 7\n"
                     "bogus_destination_recipient_limit = 1\n");
    snprintf(path, sizeof(path), "%s/master.cf", dir);
    write_file(path, "smtp unix - - n - - smtp\nrelay unix - - n - - smtp\n");
    assert_int_equal(config_load(dir, &err), 0);
    /* master.cf was read by config_load(): removing it changes nothing */
    char away[300];
    snprintf(path, sizeof(path), "%s/master.cf", dir);
    snprintf(away, sizeof(away), "%s/master.cf.away", dir);
    assert_int_equal(rename(path, away), 0);
    assert_string_equal(config_dir(), dir);
    assert_string_equal(cfg_str("config_directory"), dir);
    assert_string_equal(config_default_value("config_directory"), "/etc/postern");
    assert_int_equal(cfg_transport_int("relay", "destination_concurrency_limit"), 5);
    assert_int_equal(cfg_transport_int("smtp", "destination_concurrency_limit"), 20);
    assert_int_equal(cfg_transport_int("smtp", "destination_recipient_limit"), 7);
    assert_int_equal(cfg_transport_int("notinmaster", "destination_recipient_limit"), 50);
    assert_true(config_is_known("smtp_destination_concurrency_limit", &implemented));
    assert_true(implemented);    /* qmgr implements per-transport limits */
    assert_string_equal(config_default_value("smtp_destination_concurrency_limit"),
                        "$default_destination_concurrency_limit");
    unknown = config_unknown_names();
    assert_string_equal(unknown[0], "bogus_destination_recipient_limit");
    assert_null(unknown[1]);
    unlink(away);
    snprintf(path, sizeof(path), "%s/main.cf", dir);
    unlink(path);
    /* a missing main.cf is no error */
    assert_int_equal(config_load(dir, &err), 0);
    assert_null(config_file_value("smtp_destination_recipient_limit", NULL));
    rmdir(dir);
    /* MAIL_CONFIG selects the directory when none is given */
    setenv("MAIL_CONFIG", "/nonexistent-postern", 1);
    assert_int_equal(config_load(NULL, &err), 0);
    assert_string_equal(config_dir(), "/nonexistent-postern");
    assert_string_equal(config_main_cf_path(), "/nonexistent-postern/main.cf");
    unsetenv("MAIL_CONFIG");
    assert_int_equal(config_load(NULL, &err), 0);
    assert_string_equal(config_dir(), CONFIG_DEFAULT_DIR);
}

static void test_unreadable_main_cf(void **state)
{
    char dir[] = "/tmp/test_main_cf.XXXXXX";
    char path[256];
    char *err = NULL;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/main.cf", dir);
    assert_int_equal(mkdir(path, 0700), 0);    /* a directory: read fails */
    assert_int_equal(config_load(dir, &err), -1);
    assert_non_null(strstr(err, path));
    xfree(err);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_basic_syntax, setup),
        cmocka_unit_test_setup(test_defaults_and_computed, setup),
        cmocka_unit_test_setup(test_conditional_forms, setup),
        cmocka_unit_test_setup(test_comparisons, setup),
        cmocka_unit_test_setup(test_expansion_errors, setup),
        cmocka_unit_test_setup(test_loops, setup),
        cmocka_unit_test_setup(test_deep_chain_and_nesting, setup),
        cmocka_unit_test_setup(test_malformed_lines_are_warnings, setup),
        cmocka_unit_test_setup(test_crlf_and_missing_newline, setup),
        cmocka_unit_test_setup(test_upper_case_names_are_distinct, setup),
        cmocka_unit_test_setup(test_very_long_line, setup),
        cmocka_unit_test_setup(test_overrides_and_lazy_expansion, setup),
        cmocka_unit_test_setup(test_unknown_names, setup),
        cmocka_unit_test_setup(test_report_unused_once, setup),
        cmocka_unit_test_setup(test_load_dir_and_transport_params, setup),
        cmocka_unit_test_setup(test_unreadable_main_cf, setup),
    };
    int rc;

    buf_init(&warnings);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    config_reset();
    buf_dispose(&warnings);
    return rc;
}
