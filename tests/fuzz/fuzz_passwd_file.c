/* fuzz_passwd_file.c - fuzz target for the passwd-file parser of
 * lib/passdb. Every entry the parser keeps must have a non-empty user
 * without ':' or NUL, a known scheme (or none for an empty password) and
 * a hash that pw_hash_check() accepts; every report must name the file
 * and a line number within the input. Violations abort. No hash is
 * computed (a hostile cost parameter would only measure crypt). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "passdb/passwd_file.h"
#include "util/strmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t line_count;

static void check_report(const char *text, void *ctx)
{
    char *end;
    unsigned long line;

    (void) ctx;
    if (strncmp(text, "fuzz:", 5) != 0)
        abort();
    line = strtoul(text + 5, &end, 10);
    if (line == 0 || line > line_count || strncmp(end, ": ", 2) != 0)
        abort();
}

static void check_entry(const passwd_table_t *t, const char *user)
{
    const struct passwd_entry *e = passwd_table_find(t, user);
    const char *why = NULL;

    if (e == NULL)
        return;
    if (e->user[0] == '\0' || strchr(e->user, ':') != NULL)
        abort();
    if (e->scheme == PW_SCHEME_NONE) {
        if (e->hash[0] != '\0')
            abort();
    } else if (pw_hash_check(e->scheme, e->hash, &why) < 0) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const users[] = {"u", "a", "user@example.org", "root"};
    passwd_table_t *t;

    line_count = 1;
    for (size_t i = 0; i < size; i++)
        if (data[i] == '\n')
            line_count++;
    t = passwd_file_parse((const char *) data, size, "fuzz", check_report, NULL);
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
        check_entry(t, users[i]);
    if (passwd_table_plain_count(t) > passwd_table_count(t))
        abort();
    passwd_table_free(t);
    return 0;
}
