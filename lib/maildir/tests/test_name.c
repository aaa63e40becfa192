/* test_name.c - Maildir name generation, parsing, flags and folders. */
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

#include "maildir/maildir.h"
#include "util/mem.h"

static void test_unique_name_shape(void **state)
{
    buf_t a = BUF_INIT, b = BUF_INIT;
    maildir_name_t n;
    char pid[32];

    (void) state;
    maildir_unique_name(&a, "mx/1:2.example");
    maildir_unique_name(&b, "mx/1:2.example");
    assert_string_not_equal(a.data, b.data);
    snprintf(pid, sizeof(pid), "P%ldQ", (long) getpid());
    assert_non_null(strstr(a.data, pid));
    assert_non_null(strstr(a.data, ".M"));
    assert_non_null(strstr(a.data, ".mx\\0571\\0722.example"));
    assert_null(strchr(a.data, '/'));
    assert_null(strchr(a.data, ':'));
    maildir_name_init(&n);
    assert_true(maildir_name_parse(a.data, a.len, &n));
    assert_string_equal(n.base.data, a.data);
    assert_false(n.has_info);
    maildir_name_dispose(&n);
    buf_dispose(&a);
    buf_dispose(&b);
}

struct parse_case {
    const char *name;
    bool ok;
    const char *base;
    long long size, vsize;
    const char *flags;  /* NULL: no info */
};

static void test_parse_table(void **state)
{
    static const struct parse_case cases[] = {
        {"1.M2P3Q4.h", true, "1.M2P3Q4.h", -1, -1, NULL},
        {"1.M2P3Q4.h,S=120,W=124:2,FRS", true, "1.M2P3Q4.h", 120, 124, "FRS"},
        {"1.M2P3Q4.h,S=120:2,", true, "1.M2P3Q4.h", 120, -1, ""},
        {"1.h,W=9,S=8", true, "1.h", 8, 9, NULL},
        {"1.h,X=zz,S=8", true, "1.h", 8, -1, NULL},
        {"1.h,S=:2,S", false, NULL, 0, 0, NULL},
        {"1.h,S=12x", false, NULL, 0, 0, NULL},
        {"1.h,S=99999999999999999999", false, NULL, 0, 0, NULL},
        {"1.h:1,experimental", false, NULL, 0, 0, NULL},
        {"1.h:2", false, NULL, 0, 0, NULL},
        {"1.h:2,S:x", false, NULL, 0, 0, NULL},
        {".hidden", false, NULL, 0, 0, NULL},
        {",S=1", false, NULL, 0, 0, NULL},
        {"", false, NULL, 0, 0, NULL},
        {"a/b", false, NULL, 0, 0, NULL},
    };
    maildir_name_t n;

    (void) state;
    maildir_name_init(&n);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct parse_case *c = &cases[i];
        bool ok = maildir_name_parse(c->name, strlen(c->name), &n);

        if (ok != c->ok)
            fail_msg("parse(%s): got %d, want %d", c->name, ok, c->ok);
        if (!ok)
            continue;
        assert_string_equal(n.base.data, c->base);
        assert_int_equal(n.size, c->size);
        assert_int_equal(n.vsize, c->vsize);
        assert_int_equal(n.has_info, c->flags != NULL);
        if (c->flags)
            assert_string_equal(n.flags.data, c->flags);
    }
    maildir_name_dispose(&n);
}

static void test_parse_rejects_nul_and_overlong(void **state)
{
    maildir_name_t n;
    char longname[300];

    (void) state;
    maildir_name_init(&n);
    assert_false(maildir_name_parse("1.h\0x", 5, &n));
    memset(longname, 'a', sizeof(longname));
    assert_false(maildir_name_parse(longname, sizeof(longname), &n));
    assert_true(maildir_name_parse(longname, 255, &n));
    maildir_name_dispose(&n);
}

static void test_flags(void **state)
{
    buf_t out = BUF_INIT;

    (void) state;
    maildir_name_with_flags(&out, "1.h,S=5", "SRS", NULL);
    assert_string_equal(out.data, "1.h,S=5:2,RS");
    maildir_name_with_flags(&out, "1.h:2,FS", "T", "F");
    assert_string_equal(out.data, "1.h:2,ST");
    maildir_name_with_flags(&out, "1.h:2,ST", NULL, "ST");
    assert_string_equal(out.data, "1.h:2,");
    maildir_name_with_flags(&out, "1.h:2,a", "D:/", NULL);
    assert_string_equal(out.data, "1.h:2,Da");
    buf_dispose(&out);
}

static void test_folder_mapping(void **state)
{
    buf_t out = BUF_INIT;
    char *err = NULL;

    (void) state;
    assert_int_equal(maildir_folder_to_dir("/m", "inbox", '/', &out, &err), 0);
    assert_string_equal(out.data, "/m");
    assert_int_equal(maildir_folder_to_dir("/m", "Sent", '/', &out, &err), 0);
    assert_string_equal(out.data, "/m/.Sent");
    assert_int_equal(maildir_folder_to_dir("/m", "a/b", '/', &out, &err), 0);
    assert_string_equal(out.data, "/m/.a.b");
    assert_int_equal(maildir_folder_to_dir("/m", "a.b", '.', &out, &err), 0);
    assert_string_equal(out.data, "/m/.a.b");
    static const char *const bad[] = {"", "/a", "a/", "a//b", "a.b", "..",
                                      "../x", "a/.b", "x\ny"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = NULL;
        if (maildir_folder_to_dir("/m", bad[i], '/', &out, &err) != -1)
            fail_msg("folder \"%s\" accepted", bad[i]);
        assert_non_null(err);
        xfree(err);
    }
    assert_true(maildir_dir_to_folder(".a.b", '/', &out));
    assert_string_equal(out.data, "a/b");
    assert_true(maildir_dir_to_folder(".Sent", '.', &out));
    assert_string_equal(out.data, "Sent");
    assert_false(maildir_dir_to_folder(".", '/', &out));
    assert_false(maildir_dir_to_folder("..", '/', &out));
    assert_false(maildir_dir_to_folder(".a..b", '/', &out));
    assert_false(maildir_dir_to_folder(".a.", '/', &out));
    assert_false(maildir_dir_to_folder("cur", '/', &out));
    assert_false(maildir_dir_to_folder(".a/b", '/', &out));
    buf_dispose(&out);
}

static int produce(sink_t *out, void *ctx, char **err)
{
    (void) ctx;
    (void) err;
    return sink_puts(out, "x\n");
}

static void test_list_set_flags_and_folders(void **state)
{
    char root[] = "/tmp/maildirnameXXXXXX";
    buf_t path = BUF_INIT, renamed = BUF_INIT;
    maildir_list_t list;
    char *err = NULL, **names;
    char cmd[64];
    FILE *fp;

    (void) state;
    assert_non_null(mkdtemp(root));
    assert_int_equal(maildir_deliver(root, NULL, produce, NULL, NULL, &err), 0);
    assert_int_equal(maildir_deliver(root, NULL, produce, NULL, NULL, &err), 0);
    buf_printf(&path, "%s/new/.junk", root);
    fp = fopen(path.data, "w");
    assert_non_null(fp);
    fclose(fp);
    buf_reset(&path);
    buf_printf(&path, "%s/dovecot-uidlist", root);
    fp = fopen(path.data, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(maildir_list(root, &list, &err), 0);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0].subdir, "new");
    assert_int_equal(maildir_set_flags(root, "new", list.items[0].name, "S",
                                       NULL, &renamed, &err), 0);
    assert_non_null(strstr(renamed.data, ":2,S"));
    maildir_list_free(&list);
    assert_int_equal(maildir_list(root, &list, &err), 0);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0].subdir, "new");
    assert_string_equal(list.items[1].subdir, "cur");
    assert_string_equal(list.items[1].name, renamed.data);
    assert_int_equal(maildir_set_flags(root, "tmp", "x", "S", NULL, NULL,
                                       &err), -1);
    xfree(err);
    maildir_list_free(&list);

    buf_reset(&path);
    buf_printf(&path, "%s/.Sent", root);
    assert_int_equal(maildir_create(path.data, &err), 0);
    buf_reset(&path);
    buf_printf(&path, "%s/.a.b", root);
    assert_int_equal(maildir_create(path.data, &err), 0);
    buf_reset(&path);
    buf_printf(&path, "%s/.notafolder", root);
    assert_int_equal(mkdir(path.data, 0700), 0);
    assert_int_equal(maildir_folders(root, '/', &names, &err), 2);
    assert_string_equal(names[0], "Sent");
    assert_string_equal(names[1], "a/b");
    maildir_folders_free(names, 2);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    buf_dispose(&path);
    buf_dispose(&renamed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unique_name_shape),
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_rejects_nul_and_overlong),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_folder_mapping),
        cmocka_unit_test(test_list_set_flags_and_folders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
