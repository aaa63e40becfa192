/* test_regexp_compat.c - compares regexp: and cidr: lookups with Postfix's
 * postmap -q on the same table files, key by key (skipped when Postfix is
 * not installed). The tables hold the awkward cases: broken rules, if/endif
 * nesting and imbalance, negation, continuation lines, CRLF, substitution. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_pattern_util.h"

static const char regexp_table[] =
    "/^(a+)(b+)$/ got $1 and ${2} and $(1) $$ end\n"
    "/^Case$/ insens\n"
    "/^Sens$/i sens\n"
    "!/^x/i notx-upper\n"
    "/^y(.)/ bad-free $2\n"
    "/^ten(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)$/ $10-${10}-$1\n"
    "/[unclosed/ broken\n"
    "/^u(.)$/ ${1x}\n"
    "if /^in/\n"
    "/^inside(.*)/ inner $1\n"
    "endif junk\n"
    "IF !/^q/\n"
    "/^r/ rmatch\n"
    "ENDIF\n"
    "|^pipe(.*)$| pipe $1\n"
    "/^slash\\/x$/ escaped\n"
    "/^cont/ first\n"
    "  continued  \r\n"
    "/^ext+$/x basic\n"
    "/^opt(x)?y$/ [$1]\n"
    "endif\n"
    "if /^j/\n"
    "/^jk$/ jk";

static const char *regexp_keys[] = {
    "aabb", "CASE", "case", "Sens", "sens", "xa", "XA", "ya", "tenabcdefghij", "ua",
    "inside1", "inner", "rr", "qr", "pipefoo", "slash/x", "continue", "exttt", "ext+",
    "opty", "optxy", "jk", "jz", "zzz",
};

static const char cidr_table[] =
    "1.2.3.0/24 net24\n"
    "1.2.3.4/24 hostbits\n"
    "1.2.3.4/33 badmask\n"
    "::ffff:1.2.3.4 mapped\n"
    "[::1] bracketed\n"
    "[2001:db8::]/32 v6net\n"
    "010.0.0.1 octal\n"
    "if 10.0.0.0/8\n"
    "IF 10.1.0.0/16\n"
    "10.1.2.0/24 ten-one-two\n"
    "endif\n"
    "10.0.0.0/8   ten\t \r\n"
    "endif\n"
    "endif junk\n"
    "if !192.168.0.0/16\n"
    "!8.8.8.8 not-google\n"
    "   continued\n"
    "endif\n"
    "192.168.1.0/24\n"
    "0.0.0.0/0 all4\n"
    "if 9.0.0.0/8\n"
    "9.9.9.9 nine";

static const char *cidr_keys[] = {
    "1.2.3.4", "1.2.3.5", "::1", "2001:db8::1", "2001:DB8::1", "::ffff:1.2.3.4", "10.1.2.3",
    "10.1.3.3", "10.2.2.3", "192.168.1.1", "8.8.8.8", "8.8.4.4", "9.9.9.9", "9.9.9.8",
    "01.2.3.4", "fe80::1", "junk", "1.2.3",
};

static void compare(const char *type, const char *file, const char *text, size_t len,
                    const char **keys, size_t nkeys)
{
    const char *path;
    buf_t table = BUF_INIT;
    dict_t *d;

    if (!tp_postmap_ready())
        skip();
    path = tp_write(file, text, len);
    buf_printf(&table, "%s:%s", type, path);
    d = tp_open(type, path, DICT_FLAG_FOLD_KEYS);
    for (size_t i = 0; i < nkeys; i++)
        tp_compare_postmap(d, table.data, keys[i]);
    dict_close(d);
    buf_dispose(&table);
}

static void test_regexp_like_postmap(void **state)
{
    (void) state;
    compare("regexp", "compat.re", regexp_table, sizeof(regexp_table) - 1, regexp_keys,
            TP_N(regexp_keys));
}

static void test_cidr_like_postmap(void **state)
{
    (void) state;
    compare("cidr", "compat.cidr", cidr_table, sizeof(cidr_table) - 1, cidr_keys,
            TP_N(cidr_keys));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regexp_like_postmap),
        cmocka_unit_test(test_cidr_like_postmap),
    };

    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
