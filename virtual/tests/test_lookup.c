/* test_lookup.c - virtual(8)'s recipient search order (full address,
 * address without extension, @domain; patterns only for the full
 * address) and the uid/gid answers it accepts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/mem.h"
#include "virtual/lookup.h"

static void want_keys(const char *addr, const char *delim,
                      const char *const *want)
{
    char *keys[4];
    size_t i;

    virtual_lookup_keys(addr, delim, keys);
    for (i = 0; want[i]; i++) {
        if (keys[i] == NULL || strcmp(keys[i], want[i]) != 0)
            fail_msg("%s: key %zu is %s, want %s", addr, i,
                     keys[i] ? keys[i] : "(none)", want[i]);
    }
    if (keys[i] != NULL)
        fail_msg("%s: extra key %s", addr, keys[i]);
    virtual_lookup_keys_free(keys);
}

static void test_keys(void **state)
{
    (void) state;
    want_keys("Joe+Ext@Example.COM", "+",
              (const char *[]){"joe+ext@example.com", "joe@example.com",
                               "@example.com", NULL});
    want_keys("joe+ext@example.com", "",
              (const char *[]){"joe+ext@example.com", "@example.com", NULL});
    want_keys("joe-a+b@example.com", "+-",
              (const char *[]){"joe-a+b@example.com", "joe@example.com",
                               "@example.com", NULL});
    /* a delimiter first in the local part is no extension */
    want_keys("+joe@example.com", "+",
              (const char *[]){"+joe@example.com", "@example.com", NULL});
    /* a delimiter in the domain does not count */
    want_keys("joe@ex+ample.com", "+",
              (const char *[]){"joe@ex+ample.com", "@ex+ample.com", NULL});
    want_keys("joe", "+", (const char *[]){"joe", NULL});
    want_keys("joe@", "+", (const char *[]){"joe@", NULL});
}

static dict_t *open_table(const char *name)
{
    char *err = NULL;
    dict_t *d = dict_open(name, O_RDONLY, DICT_FLAG_FOLD_KEYS, &err);

    if (d == NULL)
        fail_msg("%s: %s", name, err);
    return d;
}

static void want_lookup(const virtual_maps_t *m, const char *addr,
                        const char *want)
{
    buf_t value = BUF_INIT;
    char *err = NULL;
    int rc = virtual_lookup(m, addr, "+", &value, &err);

    if (want == NULL && rc != 0)
        fail_msg("%s: found %s", addr, rc == 1 ? value.data : err);
    if (want && (rc != 1 || strcmp(value.data, want) != 0))
        fail_msg("%s: got rc %d %s, want %s", addr, rc, value.data, want);
    buf_dispose(&value);
}

static void test_order(void **state)
{
    char path[] = "/tmp/virtual_reXXXXXX";
    int fd = mkstemp(path);
    const char re[] = "/^@pat\\.example$/ pattern-catchall/\n"
                      "/^ann\\+x@pat\\.example$/ ann-x/\n";
    buf_t name = BUF_INIT;
    dict_t *tables[2];
    virtual_maps_t m = {"virtual_mailbox_maps", tables, 2};

    (void) state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, re, sizeof(re) - 1), (ssize_t) sizeof(re) - 1);
    close(fd);
    buf_printf(&name, "regexp:%s", path);
    tables[0] = open_table("inline:{ @a.example=first-catchall/,"
                           " bob@b.example=bob-first/ }");
    /* the full address in a later table beats a catch-all in an earlier */
    tables[1] = open_table("inline:{ joe@a.example=joe/, "
                           "bob@b.example=bob-second/, carl@c.example=carl/ }");
    want_lookup(&m, "joe@a.example", "joe/");
    want_lookup(&m, "JOE+x@A.Example", "joe/");
    want_lookup(&m, "other@a.example", "first-catchall/");
    want_lookup(&m, "bob@b.example", "bob-first/");
    want_lookup(&m, "carl+y@c.example", "carl/");
    want_lookup(&m, "nobody@c.example", NULL);
    dict_close(tables[1]);

    /* a pattern table is asked for the full address only */
    tables[1] = open_table(name.data);
    want_lookup(&m, "ann+x@pat.example", "ann-x/");
    want_lookup(&m, "ann@pat.example", NULL);
    want_lookup(&m, "ann+y@pat.example", NULL);
    dict_close(tables[0]);
    dict_close(tables[1]);
    unlink(path);
    buf_dispose(&name);
}

static void want_id(const char *table, long min, long want, const char *text)
{
    dict_t *d = open_table(table);
    virtual_maps_t m = {"virtual_uid_maps", &d, 1};
    dlv_result_t res;
    long id = -1;
    int rc;

    dlv_result_init(&res);
    rc = virtual_lookup_id(&m, "uid", "joe+x@a.example", "+", min, &id, &res);
    if (text == NULL && (rc != 0 || id != want))
        fail_msg("%s: rc %d id %ld (%s)", table, rc, id, res.text.data);
    if (text) {
        assert_int_equal(rc, -1);
        assert_int_equal(res.status, DLV_DEFERRED);
        assert_string_equal(res.dsn, "4.3.0");
        assert_string_equal(res.text.data, text);
    }
    dlv_result_dispose(&res);
    dict_close(d);
}

static void test_ids(void **state)
{
    (void) state;
    want_id("static:5000", 100, 5000, NULL);
    want_id("inline:{ joe@a.example=1234 }", 100, 1234, NULL);
    want_id("inline:{ @a.example=2345 }", 100, 2345, NULL);
    want_id("static:100", 100, 100, NULL);
    want_id("static:99", 100, 0,
            "recipient joe+x@a.example: bad uid 99 in virtual_uid_maps");
    want_id("static:0", 1, 0,
            "recipient joe+x@a.example: bad uid 0 in virtual_uid_maps");
    want_id("static:-5", 1, 0,
            "recipient joe+x@a.example: bad uid -5 in virtual_uid_maps");
    want_id("static:12ab", 1, 0,
            "recipient joe+x@a.example: bad uid 12ab in virtual_uid_maps");
    want_id("static:99999999999999999999", 1, 0,
            "recipient joe+x@a.example: bad uid 99999999999999999999 in virtual_uid_maps");
    want_id("inline:{ bob@a.example=1000 }", 1, 0,
            "recipient joe+x@a.example: uid not found in virtual_uid_maps");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
