/* test_value.c - alias value / .forward parser, address split and $name
 * templates: table-driven, with the nasty inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "local/address.h"
#include "local/template.h"
#include "local/value.h"
#include "util/mem.h"

/* Renders items as "kind:value|kind:value". */
static void render(const local_items_t *items, buf_t *out)
{
    buf_reset(out);
    for (size_t i = 0; i < items->count; i++)
        buf_printf(out, "%s%s:%s", i ? "|" : "",
                   local_item_kind_name(items->items[i].kind),
                   items->items[i].value);
}

struct value_case {
    const char *in;
    const char *want;  /* NULL: must fail */
};

static void run_cases(const struct value_case *cases, size_t n, bool file)
{
    local_items_t items;
    buf_t got = BUF_INIT;

    for (size_t i = 0; i < n; i++) {
        char *err = NULL;
        int rc;

        local_items_init(&items);
        rc = file ? local_file_parse(cases[i].in, strlen(cases[i].in), &items, &err)
                  : local_value_parse(cases[i].in, strlen(cases[i].in), &items, &err);
        if (cases[i].want == NULL) {
            if (rc != -1 || err == NULL)
                fail_msg("\"%s\": accepted", cases[i].in);
        } else {
            if (rc != 0)
                fail_msg("\"%s\": %s", cases[i].in, err);
            render(&items, &got);
            if (strcmp(got.data, cases[i].want) != 0)
                fail_msg("\"%s\": got \"%s\", want \"%s\"", cases[i].in,
                         got.data, cases[i].want);
        }
        xfree(err);
        local_items_free(&items);
    }
    buf_dispose(&got);
}

static void test_value_table(void **state)
{
    static const struct value_case cases[] = {
        {"joe", "address:joe"},
        {"joe, bob@example.com ,  <ann@x.org>", "address:joe|address:bob@example.com|address:ann@x.org"},
        {"a b\tc", "address:a|address:b|address:c"},
        {"\\joe, |/usr/bin/vacation joe", "mailbox:joe|command:/usr/bin/vacation joe"},
        {"\"|/bin/cmd a, b\", joe", "command:/bin/cmd a, b|address:joe"},
        {"|cmd \"x, y\" z, bob", "command:cmd x, y z|address:bob"},
        {"/var/log/mail, /home/joe/Maildir/", "file:/var/log/mail|file:/home/joe/Maildir/"},
        {"\"/path with space\"", "file:/path with space"},
        {":include:/etc/lists/staff", "include:/etc/lists/staff"},
        {":INCLUDE: /etc/x", "include:/etc/x"},
        {"\"a b\"@example.com", "address:\"a b\"@example.com"},
        {"\"joe\"", "address:joe"},
        {"", ""},
        {" , ,, ", ""},
        {"joe\r\n", "address:joe"},
        {"JOE", "address:JOE"},
        {"\"unbalanced", NULL},
        {"|", NULL},
        {":include:", NULL},
        {":include:relative", NULL},
        {"a<b", NULL},
        {"ctl\001char", NULL},
    };

    (void) state;
    run_cases(cases, sizeof(cases) / sizeof(cases[0]), false);
}

static void test_file_table(void **state)
{
    static const struct value_case cases[] = {
        {"# comment\n\njoe\n", "address:joe"},
        {"  # indented comment\njoe, bob\r\nann\r\n", "address:joe|address:bob|address:ann"},
        {"\\joe\n\"|/usr/bin/procmail\"", "mailbox:joe|command:/usr/bin/procmail"},
        {"no final newline", "address:no|address:final|address:newline"},
        {"\r\n\r\n", ""},
        {"joe\nbad \"quote\n", NULL},
    };

    (void) state;
    run_cases(cases, sizeof(cases) / sizeof(cases[0]), true);
}

static void test_nul_and_overlong(void **state)
{
    local_items_t items;
    char *err = NULL;
    buf_t big = BUF_INIT;

    (void) state;
    local_items_init(&items);
    assert_int_equal(local_value_parse("joe\0bob", 7, &items, &err), -1);
    assert_string_equal(err, "NUL byte");
    xfree(err);
    assert_int_equal(local_file_parse("joe\nx\0y\n", 8, &items, &err), -1);
    assert_string_equal(err, "line 2: NUL byte");
    xfree(err);
    local_items_free(&items);
    for (int i = 0; i < LOCAL_ITEM_MAX + 10; i++)
        buf_putc(&big, 'a');
    assert_int_equal(local_value_parse(big.data, big.len, &items, &err), -1);
    assert_string_equal(err, "item too long");
    xfree(err);
    buf_reset(&big);
    for (int i = 0; i < LOCAL_ITEMS_MAX + 5; i++)
        buf_puts(&big, "a,");
    assert_int_equal(local_value_parse(big.data, big.len, &items, &err), -1);
    assert_string_equal(err, "too many items");
    xfree(err);
    local_items_free(&items);
    buf_dispose(&big);
}

struct split_case {
    const char *in, *delims, *user, *ext, *domain, *local;
};

static void test_address_split(void **state)
{
    static const struct split_case cases[] = {
        {"Joe+Lists@Example.COM", "+", "joe", "lists", "example.com", "joe+lists"},
        {"joe@x", "+", "joe", "", "x", "joe"},
        {"joe+a+b", "+", "joe", "a+b", "", "joe+a+b"},
        {"joe-x", "+-", "joe", "x", "", "joe-x"},
        {"+tag@x", "+", "+tag", "", "x", "+tag"},
        {"joe+", "+", "joe", "", "", "joe+"},
        {"owner-list", "-", "owner-list", "", "", "owner-list"},
        {"list-request", "-", "list-request", "", "", "list-request"},
        {"a-b", "-", "a", "b", "", "a-b"},
        {"joe+x", "", "joe+x", "", "", "joe+x"},
        {"\"a@b\"@c", "+", "\"a@b\"", "", "c", "\"a@b\""},
    };
    local_addr_t a;

    (void) state;
    local_addr_init(&a);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct split_case *c = &cases[i];

        local_addr_split(&a, c->in, c->delims);
        if (strcmp(a.user.data, c->user) || strcmp(a.extension.data, c->ext)
            || strcmp(a.domain.data, c->domain) || strcmp(a.local.data, c->local))
            fail_msg("%s: got user=%s ext=%s domain=%s local=%s", c->in,
                     a.user.data, a.extension.data, a.domain.data, a.local.data);
    }
    local_addr_dispose(&a);
}

static void test_template(void **state)
{
    const local_var_t vars[] = {{"home", "/home/joe"}, {"extension", "x"},
                                {"recipient_delimiter", "+"}, {"user", ""}};
    buf_t out = BUF_INIT;
    bool empty;
    char *err = NULL;

    (void) state;
    assert_int_equal(local_template_expand("$home/.forward${recipient_delimiter}${extension}",
                                           vars, 4, &out, &empty, &err), 0);
    assert_string_equal(out.data, "/home/joe/.forward+x");
    assert_false(empty);
    assert_int_equal(local_template_expand("${user}x$$", vars, 4, &out, &empty, &err), 0);
    assert_string_equal(out.data, "x$");
    assert_true(empty);
    assert_int_equal(local_template_expand("${extension?+$extension}${user:none}",
                                           vars, 4, &out, &empty, &err), 0);
    assert_string_equal(out.data, "+$extensionnone");
    assert_false(empty);
    assert_int_equal(local_template_expand("$unknown", vars, 4, &out, &empty, &err), 0);
    assert_true(empty);
    assert_int_equal(local_template_expand("${home", vars, 4, &out, &empty, &err), -1);
    xfree(err);
    assert_int_equal(local_template_expand("$", vars, 4, &out, &empty, &err), -1);
    xfree(err);
    buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_table),
        cmocka_unit_test(test_file_table),
        cmocka_unit_test(test_nul_and_overlong),
        cmocka_unit_test(test_address_split),
        cmocka_unit_test(test_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
