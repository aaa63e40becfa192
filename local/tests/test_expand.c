/* test_expand.c - alias / .forward / :include: expansion against an
 * in-test table (through the dict_impl.h vtable) and fake users whose
 * homes live in a temporary directory. */
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

#include "dict/dict_impl.h"
#include "local/expand.h"
#include "util/mem.h"

static char root[64];

/* ---- a fake alias table: NULL-terminated key/value pairs ---- */

struct fake_table {
    const char *const *pairs;
    bool broken;
};

static int fake_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    const struct fake_table *t = d->priv;

    if (t->broken) {
        *err = xstrdup("fake:aliases: read error");
        return DICT_ERROR;
    }
    for (const char *const *p = t->pairs; *p; p += 2) {
        if (strcmp(p[0], key) == 0) {
            buf_set(value, p[1]);
            return DICT_FOUND;
        }
    }
    return DICT_NOTFOUND;
}

static dict_t *fake_dict(struct fake_table *t)
{
    dict_t *d = xcalloc(1, sizeof(*d));

    d->type = xstrdup("fake");
    d->name = xstrdup("aliases");
    d->type_name = xstrdup("fake:aliases");
    d->flags = DICT_FLAG_FOLD_KEYS;
    d->lookup = fake_lookup;
    d->priv = t;
    return d;
}

/* ---- fake users: joe, bob, ann (homes under root), root ---- */

static int fake_user(void *ctx, const char *name, local_user_t *out, char **err)
{
    static const char *const users[] = {"joe", "bob", "ann", "root"};

    (void) ctx;
    if (strcmp(name, "broken") == 0) {
        *err = xstrdup("passwd unavailable");
        return -1;
    }
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(users[i], name) == 0) {
            buf_t home = BUF_INIT;

            buf_printf(&home, "%s/%s", root, name);
            out->name = xstrdup(name);
            out->home = buf_detach(&home);
            out->shell = xstrdup("/bin/sh");
            out->uid = geteuid();
            out->gid = getegid();
            return 1;
        }
    }
    return 0;
}

static bool local_domain(void *ctx, const char *domain)
{
    (void) ctx;
    return strcmp(domain, "here.example") == 0;
}

static void write_file(const char *rel, const char *text)
{
    buf_t path = BUF_INIT;
    FILE *fp;

    buf_printf(&path, "%s/%s", root, rel);
    fp = fopen(path.data, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    buf_dispose(&path);
}

static int setup(void **state)
{
    char dir[128];

    (void) state;
    strcpy(root, "/tmp/expandtestXXXXXX");
    if (mkdtemp(root) == NULL)
        return -1;
    for (const char *u = "joe\0bob\0ann\0root\0"; *u; u += strlen(u) + 1) {
        snprintf(dir, sizeof(dir), "%s/%s", root, u);
        if (mkdir(dir, 0755) < 0)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void) state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* Expands rcpt; renders the destinations as "kind:value[owner]" joined by
 * '|' (errors as "error:DSN text"), or "FAIL DSN text". */
static void expand(struct fake_table *t, const char *rcpt, int allow_cmd,
                   buf_t *out)
{
    dict_t *d = fake_dict(t);
    local_expand_cfg_t cfg = {&d, 1, "+", NULL, allow_cmd,
                              LOCAL_CLASS_ALIAS | LOCAL_CLASS_FORWARD, 0, 0,
                              fake_user, local_domain, NULL};
    static const char *const kinds[] = {"mailbox", "forward", "command",
                                        "file", "error"};
    local_dests_t dests;
    dlv_result_t res;

    buf_reset(out);
    dlv_result_init(&res);
    if (local_expand(&cfg, rcpt, &dests, &res) < 0) {
        buf_printf(out, "FAIL %s %s", res.dsn, res.text.data);
    } else {
        for (size_t i = 0; i < dests.count; i++) {
            local_dest_t *x = &dests.items[i];

            buf_printf(out, "%s%s:", i ? "|" : "", kinds[x->kind]);
            if (x->kind == LOCAL_DEST_ERROR)
                buf_printf(out, "%s %s", x->error.dsn, x->error.text.data);
            else
                buf_puts(out, x->value);
            if (x->extension && *x->extension)
                buf_printf(out, "+%s", x->extension);
            if (x->owner)
                buf_printf(out, "[%s]", x->owner);
        }
        local_dests_free(&dests);
    }
    dlv_result_dispose(&res);
    dict_close(d);
}

struct expand_case {
    const char *rcpt;
    const char *want;
};

static void run(struct fake_table *t, const struct expand_case *cases, size_t n,
                int allow_cmd)
{
    buf_t got = BUF_INIT;

    for (size_t i = 0; i < n; i++) {
        expand(t, cases[i].rcpt, allow_cmd, &got);
        if (strcmp(got.data, cases[i].want) != 0)
            fail_msg("%s: got \"%s\", want \"%s\"", cases[i].rcpt, got.data,
                     cases[i].want);
    }
    buf_dispose(&got);
}

static void test_aliases(void **state)
{
    static const char *const pairs[] = {
        "postmaster", "root",
        "root", "root, joe",
        "staff", "joe, bob@far.example, \"|/usr/bin/log staff\", /var/log/staff",
        "owner-staff", "ann",
        "loop1", "loop2",
        "loop2", "loop1",
        "sales", "bob",
        "sales+vip", "ann",
        "ghost", "nobody-here",
        "bad", "\"unterminated",
        "remote", "joe@here.example, ann@Far.Example",
        NULL};
    static const struct expand_case cases[] = {
        {"joe", "mailbox:joe"},
        {"Joe@Here.Example", "mailbox:joe"},
        {"joe+tag", "mailbox:joe+tag"},
        {"postmaster", "mailbox:root|mailbox:joe"},
        {"root", "mailbox:root|mailbox:joe"},
        {"staff", "mailbox:joe[owner-staff]|forward:bob@far.example[owner-staff]"
                  "|command:/usr/bin/log staff[owner-staff]|file:/var/log/staff[owner-staff]"},
        {"loop1", "error:5.1.1 unknown user: \"loop1\""},
        {"sales", "mailbox:bob"},
        {"sales+vip", "mailbox:ann"},
        {"sales+other", "mailbox:bob+other"},
        {"ghost", "error:5.1.1 unknown user: \"nobody-here\""},
        {"nosuch", "FAIL 5.1.1 unknown user: \"nosuch\""},
        {"bad", "error:5.3.5 alias bad: unbalanced quote"},
        {"remote", "mailbox:joe|forward:ann@Far.Example"},
        {"broken", "FAIL 4.3.0 passwd unavailable"},
    };
    struct fake_table t = {pairs, false};

    (void) state;
    run(&t, cases, sizeof(cases) / sizeof(cases[0]),
        LOCAL_CLASS_ALIAS | LOCAL_CLASS_FORWARD);
}

static void test_restrictions_and_table_error(void **state)
{
    static const char *const pairs[] = {"pipe", "|/bin/true", "file", "/tmp/x",
                                        NULL};
    static const struct expand_case cases[] = {
        {"pipe", "error:5.7.1 mail to command is restricted"},
        {"file", "file:/tmp/x"},
    };
    struct fake_table t = {pairs, false};
    buf_t got = BUF_INIT;

    (void) state;
    run(&t, cases, 2, LOCAL_CLASS_FORWARD);
    t.broken = true;
    expand(&t, "joe", LOCAL_CLASS_ALIAS, &got);
    assert_string_equal(got.data,
                        "FAIL 4.3.0 alias database unavailable: fake:aliases: read error");
    buf_dispose(&got);
}

static void test_depth_limit(void **state)
{
    static char keys[120][8], values[120][8];
    static const char *pairs[250];
    struct fake_table t = {pairs, false};
    buf_t got = BUF_INIT;
    size_t n = 0;

    (void) state;
    for (int i = 0; i < 120; i++) {
        snprintf(keys[i], sizeof(keys[i]), "c%d", i);
        snprintf(values[i], sizeof(values[i]), "c%d", i + 1);
        pairs[n++] = keys[i];
        pairs[n++] = values[i];
    }
    pairs[n] = NULL;
    expand(&t, "c0", LOCAL_CLASS_ALIAS, &got);
    assert_string_equal(got.data, "FAIL 5.4.6 mail forwarding loop for c0");
    buf_dispose(&got);
}

static void test_forward_files(void **state)
{
    static const char *const pairs[] = {"list", ":include:/nonexistent/list",
                                        NULL};
    static const struct expand_case cases[] = {
        {"joe", "mailbox:joe|forward:far@away.example|command:/usr/bin/vacation joe"},
        {"joe+news", "file:/tmp/news"},
        {"bob", "mailbox:bob|mailbox:ann"},
        {"ann", "mailbox:ann"},
        {"list", "FAIL 4.3.0 cannot open include file /nonexistent/list: No such file or directory"},
    };
    struct fake_table t = {pairs, false};

    (void) state;
    write_file("joe/.forward",
               "# joe's forward\r\n\r\n\\joe, far@away.example\r\n"
               "\"|/usr/bin/vacation joe\"\r\n");
    write_file("joe/.forward+news", "/tmp/news\n");
    write_file("bob/.forward", "bob\nann\n");     /* self without '\' */
    write_file("ann/.forward", "# nothing\n\n");  /* empty: mailbox */
    run(&t, cases, sizeof(cases) / sizeof(cases[0]),
        LOCAL_CLASS_ALIAS | LOCAL_CLASS_FORWARD);
}

static void test_include(void **state)
{
    buf_t list = BUF_INIT, value = BUF_INIT, got = BUF_INIT;
    const char *pairs[] = {"team", NULL, "self", NULL, NULL};
    struct fake_table t = {pairs, false};

    (void) state;
    write_file("team.list", "# members\nroot\nbob@far.example, \"|/bin/cat\"\n"
                            ":include:ROOT/team.list\n");
    /* point the include at itself to check include loops */
    buf_printf(&list, "sed -i 's|ROOT|%s|' %s/team.list", root, root);
    assert_int_equal(system(list.data), 0);
    buf_printf(&value, ":include:%s/team.list", root);
    pairs[1] = value.data;
    pairs[3] = value.data;
    expand(&t, "team", LOCAL_CLASS_ALIAS | LOCAL_CLASS_FORWARD, &got);
    assert_string_equal(got.data, "mailbox:root|forward:bob@far.example"
                                  "|error:5.7.1 mail to command is restricted");
    expand(&t, "team", LOCAL_CLASS_INCLUDE, &got);
    assert_string_equal(got.data, "mailbox:root|forward:bob@far.example"
                                  "|command:/bin/cat");
    buf_dispose(&list);
    buf_dispose(&value);
    buf_dispose(&got);
}

static void test_class_parse(void **state)
{
    int c;

    (void) state;
    assert_true(local_class_parse("alias, forward", &c));
    assert_int_equal(c, LOCAL_CLASS_ALIAS | LOCAL_CLASS_FORWARD);
    assert_true(local_class_parse("INCLUDE", &c));
    assert_int_equal(c, LOCAL_CLASS_INCLUDE);
    assert_true(local_class_parse("", &c));
    assert_int_equal(c, 0);
    assert_false(local_class_parse("alias, pipes", &c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_restrictions_and_table_error),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_forward_files),
        cmocka_unit_test(test_include),
        cmocka_unit_test(test_class_parse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
