/* test_header.c - address rewriting inside headers: qualification,
 * canonical maps by header class, in-place replacement that keeps
 * display names, comments and folding; unclean addresses left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cleanup/cleanup_header.h"
#include "util/mem.h"

static cleanup_rewrite_t rw;
static char *local_domains[] = {"local.example", NULL};

static int setup(void **state)
{
    char *err = NULL;

    (void) state;
    memset(&rw, 0, sizeof(rw));
    rw.local_domains = local_domains;
    rw.myorigin = "origin.example";
    if (cleanup_maps_open(&rw.canonical, "inline:{ {old@x = new@y} }", &err) < 0
        || cleanup_maps_open(&rw.sender_canonical, "inline:{ {@legacy = @new} }", &err) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void) state;
    cleanup_maps_close(&rw.canonical);
    cleanup_maps_close(&rw.sender_canonical);
    return 0;
}

/* The rewritten header, or "=" when unchanged. */
static void rewrite(const char *in, buf_t *out)
{
    char *err = NULL;
    int rc = cleanup_rewrite_header(&rw, in, strlen(in), out, &err);

    assert_true(rc == 0 || rc == 1);
    if (rc == 0)
        buf_set(out, "=");
}

static void test_rewrite(void **state)
{
    buf_t out = BUF_INIT;

    (void) state;
    rewrite("From: Joe <joe>", &out);
    assert_string_equal(buf_str(&out), "From: Joe <joe@origin.example>");
    rewrite("To: old@x, \"Old, X\" <old@x> (comment old@x)", &out);
    assert_string_equal(buf_str(&out), "To: new@y, \"Old, X\" <new@y> (comment old@x)");
    rewrite("Cc: a@b,\n\tc", &out);
    assert_string_equal(buf_str(&out), "Cc: a@b,\n\tc@origin.example");
    rewrite("cc:c", &out);
    assert_string_equal(buf_str(&out), "cc:c@origin.example");
    rewrite("Subject: old@x", &out);
    assert_string_equal(buf_str(&out), "=");
    rewrite("To: undisclosed-recipients:;", &out);
    assert_string_equal(buf_str(&out), "=");
    rewrite("From: bob@legacy", &out);
    assert_string_equal(buf_str(&out), "From: bob@new");
    rewrite("Resent-To: bob@legacy", &out);
    assert_string_equal(buf_str(&out), "=");
    /* a route or a blank inside the address: left as written */
    rewrite("To: <@r:old@x>, old @x", &out);
    assert_string_equal(buf_str(&out), "=");
    rewrite("To: group: old@x, joe;, <>", &out);
    assert_string_equal(buf_str(&out), "To: group: new@y, joe@origin.example;, <>");
    {
        /* a NUL inside an address: that one is left alone */
        static const char nul_display[] = "To: \"a\0b\" <c>";
        static const char nul_addr[] = "To: \"a\0b\", d";
        static const char want[] = "To: \"a\0b\" <c@origin.example>";
        static const char want2[] = "To: \"a\0b\", d@origin.example";
        char *err = NULL;

        assert_int_equal(cleanup_rewrite_header(&rw, nul_display, sizeof(nul_display) - 1,
                                                &out, &err), 1);
        assert_int_equal(out.len, sizeof(want) - 1);
        assert_memory_equal(out.data, want, out.len);
        assert_int_equal(cleanup_rewrite_header(&rw, nul_addr, sizeof(nul_addr) - 1,
                                                &out, &err), 1);
        assert_int_equal(out.len, sizeof(want2) - 1);
        assert_memory_equal(out.data, want2, out.len);
    }
    rewrite("To: \"unterminated old@x", &out);
    assert_string_equal(buf_str(&out), "=");
    buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rewrite),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
