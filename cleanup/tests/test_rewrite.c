/* test_rewrite.c - canonical mapping and virtual alias expansion with
 * inline: tables: lookup order, @domain results, self-mapping, loops,
 * recursion and expansion limits; and header address extraction (-t). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cleanup/cleanup_addr.h"
#include "cleanup/cleanup_rewrite.h"
#include "util/mem.h"

static char *local_domains[] = {"local.example", NULL};

static void setup_rw(cleanup_rewrite_t *rw, const char *virtual_map,
                     const char *canonical_map)
{
    char *err = NULL;

    memset(rw, 0, sizeof(*rw));
    rw->local_domains = local_domains;
    rw->myorigin = "origin.example";
    rw->recursion_limit = 1000;
    rw->expansion_limit = 1000;
    assert_int_equal(cleanup_maps_open(&rw->virtual_alias, virtual_map, &err), 0);
    assert_int_equal(cleanup_maps_open(&rw->canonical, canonical_map, &err), 0);
}

static void free_rw(cleanup_rewrite_t *rw)
{
    cleanup_maps_close(&rw->virtual_alias);
    cleanup_maps_close(&rw->canonical);
}

/* Expansion as "a b c" (or "ERR<rc>"). */
static void expand(cleanup_rewrite_t *rw, const char *addr, char *out, size_t size)
{
    cleanup_addrs_t a = {NULL, 0};
    char *err = NULL;
    size_t i;
    int rc = cleanup_virtual_expand(rw, addr, &a, &err);

    out[0] = 0;
    if (rc != 0) {
        snprintf(out, size, "ERR%d", rc);
        xfree(err);
    }
    for (i = 0; rc == 0 && i < a.count; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", a.items[i]);
    cleanup_addrs_free(&a);
}

static void test_virtual_basic(void **state)
{
    cleanup_rewrite_t rw;
    char got[512];

    (void) state;
    setup_rw(&rw, "inline:{ {a@x.example = b@x.example, c@y.example}, "
                  "{b@x.example = d@z.example}, {@catch.example = @other.example}, "
                  "{self@x.example = self@x.example, copy@x.example}, "
                  "{user = localpart@y.example}, {@x.example = caught@x.example} }", "");
    expand(&rw, "a@x.example", got, sizeof(got));
    assert_string_equal(got, "d@z.example c@y.example");
    expand(&rw, "nobody@none.example", got, sizeof(got));
    assert_string_equal(got, "nobody@none.example");
    expand(&rw, "joe@catch.example", got, sizeof(got));
    assert_string_equal(got, "joe@other.example");
    expand(&rw, "self@x.example", got, sizeof(got));
    assert_string_equal(got, "self@x.example caught@x.example");
    /* bare user key only for local domains */
    expand(&rw, "user@local.example", got, sizeof(got));
    assert_string_equal(got, "localpart@y.example");
    expand(&rw, "user@remote.example", got, sizeof(got));
    assert_string_equal(got, "user@remote.example");
    /* upper case input finds lower-case keys */
    expand(&rw, "A@X.EXAMPLE", got, sizeof(got));
    assert_string_equal(got, "d@z.example c@y.example");
    free_rw(&rw);
}

static void test_virtual_loops_and_limits(void **state)
{
    cleanup_rewrite_t rw;
    char got[512];

    (void) state;
    setup_rw(&rw, "inline:{ {l1@x = l2@x}, {l2@x = l1@x}, "
                  "{chain0@x = chain1@x}, {chain1@x = chain2@x}, {chain2@x = chain3@x}, "
                  "{fan@x = f1@x, f2@x, f3@x, f4@x} }", "");
    expand(&rw, "l1@x", got, sizeof(got));
    assert_string_equal(got, "l1@x");
    expand(&rw, "chain0@x", got, sizeof(got));
    assert_string_equal(got, "chain3@x");
    rw.recursion_limit = 2;
    expand(&rw, "chain0@x", got, sizeof(got));
    assert_string_equal(got, "ERR-2");
    rw.recursion_limit = 3;
    expand(&rw, "chain0@x", got, sizeof(got));
    assert_string_equal(got, "chain3@x");
    rw.expansion_limit = 3;
    expand(&rw, "fan@x", got, sizeof(got));
    assert_string_equal(got, "ERR-2");
    rw.expansion_limit = 4;
    expand(&rw, "fan@x", got, sizeof(got));
    assert_string_equal(got, "f1@x f2@x f3@x f4@x");
    free_rw(&rw);
}

static void test_canonical_and_qualify(void **state)
{
    cleanup_rewrite_t rw;
    buf_t out = BUF_INIT;
    char *err = NULL;

    (void) state;
    setup_rw(&rw, "", "inline:{ {old@x.example = new@y.example}, {@legacy.example = @new.example}, "
                      "{root = admin@y.example} }");
    assert_int_equal(cleanup_canon_sender(&rw, "old@x.example", &out, &err), 0);
    assert_string_equal(buf_str(&out), "new@y.example");
    assert_int_equal(cleanup_canon_recipient(&rw, "bob@legacy.example", &out, &err), 0);
    assert_string_equal(buf_str(&out), "bob@new.example");
    assert_int_equal(cleanup_canon_recipient(&rw, "root@local.example", &out, &err), 0);
    assert_string_equal(buf_str(&out), "admin@y.example");
    assert_int_equal(cleanup_canon_sender(&rw, "", &out, &err), 0);
    assert_string_equal(buf_str(&out), "");
    cleanup_qualify(&rw, "joe", &out);
    assert_string_equal(buf_str(&out), "joe@origin.example");
    cleanup_qualify(&rw, "joe@h", &out);
    assert_string_equal(buf_str(&out), "joe@h");
    cleanup_qualify(&rw, "", &out);
    assert_string_equal(buf_str(&out), "");
    buf_dispose(&out);
    free_rw(&rw);
}

static void extract(const char *value, char *out, size_t size)
{
    cleanup_addrs_t a = {NULL, 0};
    size_t i;

    cleanup_addr_extract(value, strlen(value), &a);
    out[0] = 0;
    for (i = 0; i < a.count; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "|" : "", a.items[i]);
    cleanup_addrs_free(&a);
}

static void test_header_addresses(void **state)
{
    char got[512];

    (void) state;
    extract(" a@x, \"Doe, John\" <jd@y> (comment, with comma), b@z (c (nested))", got, sizeof(got));
    assert_string_equal(got, "a@x|jd@y|b@z");
    extract("undisclosed-recipients:;", got, sizeof(got));
    assert_string_equal(got, "");
    extract("team: m1@x, M2 <m2@x>;, after@y", got, sizeof(got));
    assert_string_equal(got, "m1@x|m2@x|after@y");
    extract("<@r1,@r2:u@d>, <>, \"quoted local\"@x", got, sizeof(got));
    assert_string_equal(got, "u@d|\"quoted local\"@x");
    extract("unterminated <a@b, \"open", got, sizeof(got));
    assert_string_equal(got, "a@b,\"open\"");
    extract("a@x,\n\t b@y, a@x", got, sizeof(got));
    assert_string_equal(got, "a@x|b@y");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_virtual_basic),
        cmocka_unit_test(test_virtual_loops_and_limits),
        cmocka_unit_test(test_canonical_and_qualify),
        cmocka_unit_test(test_header_addresses),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
