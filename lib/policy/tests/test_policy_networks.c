/* test_policy_networks.c - the mynetworks list: IPv4 and IPv6 networks
 * with and without brackets, negation and first-match order, /file
 * entries (comments, commas, CRLF, no final newline, nesting), type:name
 * tables, IPv4-mapped client addresses, malformed entries, and the
 * mynetworks_style computation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/policy_networks.h"
#include "util/mem.h"

struct net_case {
    const char *value;
    const char *addr;
    int want;
};

static const struct net_case cases[] = {
    {"192.0.2.0/24", "192.0.2.200", 1},
    {"192.0.2.0/24", "192.0.3.1", 0},
    {"192.0.2.0/24, 10.0.0.0/8", "10.9.8.7", 1},
    {"192.0.2.7", "192.0.2.7", 1},
    {"192.0.2.7", "192.0.2.8", 0},
    {"0.0.0.0/0", "203.0.113.1", 1},
    {"[2001:db8::]/32", "2001:db8:1::5", 1},
    {"[2001:db8::]/32", "2001:db9::5", 0},
    {"[::1]/128", "::1", 1},
    {"[::1]", "::1", 1},
    {"2001:db8::/32", "2001:db8::1", 1},
    {"127.0.0.0/8", "::ffff:127.0.0.1", 1},
    {"[::ffff:127.0.0.0]/104", "::ffff:127.0.0.9", 1},
    {"!192.0.2.7 192.0.2.0/24", "192.0.2.7", 0},
    {"!192.0.2.7 192.0.2.0/24", "192.0.2.8", 1},
    {"192.0.2.0/24 !192.0.2.7", "192.0.2.7", 1},
    {"inline:{198.51.100.7=yes}", "198.51.100.7", 1},
    {"inline:{198.51.100.7=yes}", "198.51.100.8", 0},
    {"!inline:{198.51.100.7=yes} 198.51.100.0/24", "198.51.100.7", 0},
    {"", "127.0.0.1", 0},
    {"\t192.0.2.0/24\n  10.0.0.0/8 ", "10.1.1.1", 1},
};

static void test_match(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *err = NULL;
        policy_networks_t *n = policy_networks_new(cases[i].value, &err);
        int got;

        if (n == NULL)
            fail_msg("\"%s\": %s", cases[i].value, err);
        got = policy_networks_match(n, cases[i].addr, &err);
        if (got != cases[i].want)
            fail_msg("\"%s\" ~ %s: got %d, want %d", cases[i].value, cases[i].addr, got, cases[i].want);
        policy_networks_free(n);
    }
}

static void test_bad_entries(void **state)
{
    static const char *const bad[] = {
        "192.0.2.1/24",          /* host bits set */
        "300.1.1.1",
        "192.0.2.0/33",
        "[2001:db8::]/129",
        "192.0.2.0/x",
        "example.com",
        "nosuchtype:whatever",
        "/nonexistent/mynetworks-file",
        "!/etc/hosts",
    };

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *err = NULL;
        policy_networks_t *n = policy_networks_new(bad[i], &err);

        if (n != NULL)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_non_null(err);
        xfree(err);
    }
}

static void test_bad_client_address(void **state)
{
    char *err = NULL;
    policy_networks_t *n = policy_networks_new("192.0.2.0/24", &err);

    (void) state;
    assert_non_null(n);
    assert_int_equal(policy_networks_match(n, "unknown", &err), -1);
    xfree(err);
    assert_int_equal(policy_networks_match(n, NULL, &err), 0);
    policy_networks_free(n);
}

static char *write_temp(const char *text, size_t len)
{
    char *path = xstrdup("/tmp/policy-nets-XXXXXX");
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t) len);
    close(fd);
    return path;
}

static void test_file(void **state)
{
    static const char text[] = "# trusted\r\n192.0.2.0/24, [2001:db8::]/32 # ours\r\n10.0.0.0/8";
    char *path = write_temp(text, sizeof(text) - 1), *err = NULL;
    char *outer_text, *outer;
    policy_networks_t *n = policy_networks_new(path, &err);
    size_t len;

    (void) state;
    assert_non_null(n);
    assert_int_equal(policy_networks_match(n, "192.0.2.1", &err), 1);
    assert_int_equal(policy_networks_match(n, "2001:db8::9", &err), 1);
    assert_int_equal(policy_networks_match(n, "10.2.3.4", &err), 1);
    assert_int_equal(policy_networks_match(n, "11.2.3.4", &err), 0);
    policy_networks_free(n);
    /* a file naming the first file; a NUL byte is a separator */
    len = strlen(path) + 16;
    outer_text = xmalloc(len);
    snprintf(outer_text, len, "%s", path);
    outer_text[strlen(path)] = '\0';
    outer = write_temp(outer_text, strlen(path) + 1);
    n = policy_networks_new(outer, &err);
    assert_non_null(n);
    assert_int_equal(policy_networks_match(n, "10.0.0.1", &err), 1);
    policy_networks_free(n);
    unlink(outer);
    unlink(path);
    xfree(outer);
    xfree(outer_text);
    xfree(path);
}

static void test_file_loop(void **state)
{
    char path[] = "/tmp/policy-loop-XXXXXX";
    int fd = mkstemp(path);
    char *err = NULL;

    (void) state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, path, strlen(path)), (ssize_t) strlen(path));
    close(fd);
    assert_null(policy_networks_new(path, &err));
    assert_non_null(strstr(err, "nested"));
    xfree(err);
    unlink(path);
}

static void test_style(void **state)
{
    buf_t text = BUF_INIT;
    char *err = NULL;
    policy_networks_t *n;

    (void) state;
    buf_init(&text);
    assert_int_equal(policy_networks_style_text("host", &text, &err), 0);
    assert_true(strncmp(text.data, "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128", 44) == 0);
    buf_reset(&text);
    assert_int_equal(policy_networks_style_text("subnet", &text, &err), 0);
    buf_reset(&text);
    assert_int_equal(policy_networks_style_text("class", &text, &err), 0);
    assert_int_equal(policy_networks_style_text("Host", &text, &err), -1);
    xfree(err);
    err = NULL;
    n = policy_networks_from_style("host", &err);
    assert_non_null(n);
    assert_int_equal(policy_networks_match(n, "127.0.0.1", &err), 1);
    assert_int_equal(policy_networks_match(n, "::1", &err), 1);
    assert_int_equal(policy_networks_match(n, "192.0.2.77", &err), 0);
    policy_networks_free(n);
    buf_dispose(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_bad_entries),
        cmocka_unit_test(test_bad_client_address),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_file_loop),
        cmocka_unit_test(test_style),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
