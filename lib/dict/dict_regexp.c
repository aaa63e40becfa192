/* dict_regexp.c - the "regexp:FILE" table: the grammar of
 * dict_pattern_regex.c over POSIX regcomp/regexec. Flags (each toggles):
 * i caseless (default on), x extended syntax (default on), m newline-
 * sensitive ^ $ and . (default off). Any other flag letter skips the rule
 * with a warning. A regexec failure other than "no match" is DICT_ERROR. */
#include "dict/dict_builtin.h"
#include "dict/dict_pattern_regex.h"
#include "util/mem.h"

#include <regex.h>
#include <stdio.h>

static int flags_to_cflags(const char *flags, int *cflags, char **why)
{
    *cflags = REG_ICASE | REG_EXTENDED;
    for (const char *f = flags; *f; f++) {
        switch (*f) {
        case 'i':
            *cflags ^= REG_ICASE;
            break;
        case 'x':
            *cflags ^= REG_EXTENDED;
            break;
        case 'm':
            *cflags ^= REG_NEWLINE;
            break;
        default:
            *why = dict_errorf("unknown regexp option \"%c\"", *f);
            return -1;
        }
    }
    return 0;
}

static void *posix_compile(const char *pattern, const char *flags, size_t *groups, char **why)
{
    regex_t *re;
    int cflags, rc;
    char text[256];

    if (flags_to_cflags(flags, &cflags, why) < 0)
        return NULL;
    re = xmalloc(sizeof(*re));
    if ((rc = regcomp(re, pattern, cflags)) != 0) {
        regerror(rc, re, text, sizeof(text));
        *why = dict_errorf("%s", text);
        xfree(re);
        return NULL;
    }
    *groups = re->re_nsub;
    return re;
}

static int posix_match(void *p, const char *key, struct regex_captures *caps, char **err)
{
    regex_t *re = p;
    regmatch_t pm[10];
    regmatch_t *many = caps->size > 10 ? xcalloc(caps->size, sizeof(*many)) : pm;
    int rc = regexec(re, key, caps->size, many, 0);

    if (rc == 0) {
        for (size_t g = 0; g < caps->size; g++) {
            caps->start[g] = many[g].rm_so;
            caps->end[g] = many[g].rm_eo;
        }
    } else if (rc != REG_NOMATCH) {
        char text[256];

        regerror(rc, re, text, sizeof(text));
        *err = dict_errorf("regexp match error: %s", text);
    }
    if (many != pm)
        xfree(many);
    return rc == 0 ? 1 : rc == REG_NOMATCH ? 0 : -1;
}

static void posix_free(void *p)
{
    regfree(p);
    xfree(p);
}

const struct regex_backend regexp_posix_backend = {posix_compile, posix_match, posix_free};

int dict_regexp_open(dict_t *d, int open_flags, char **err)
{
    (void) open_flags;
    return regex_table_open(d, &regexp_posix_backend, err);
}
