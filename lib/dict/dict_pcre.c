/* dict_pcre.c - the "pcre:FILE" table: the grammar of dict_pattern_regex.c
 * over PCRE2. Flags (each toggles): i caseless (default on), m multi-line,
 * s dot matches newline, x extended, A anchored, E dollar at end only,
 * U ungreedy; X (PCRE1's "extra") has no PCRE2 counterpart and is
 * accepted without effect. A matching error (e.g. the match limit) is
 * DICT_ERROR, so a caller answers "try again" instead of skipping a rule. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "dict/dict_builtin.h"
#include "dict/dict_pattern_regex.h"
#include "util/mem.h"
#include "util/msg.h"

#include <pcre2.h>
#include <string.h>

struct pcre_rule {
    pcre2_code *code;
    pcre2_match_data *md;
};

static int flags_to_options(const char *flags, uint32_t *options, char **why)
{
    *options = PCRE2_CASELESS;
    for (const char *f = flags; *f; f++) {
        switch (*f) {
        case 'i': *options ^= PCRE2_CASELESS; break;
        case 'm': *options ^= PCRE2_MULTILINE; break;
        case 's': *options ^= PCRE2_DOTALL; break;
        case 'x': *options ^= PCRE2_EXTENDED; break;
        case 'A': *options ^= PCRE2_ANCHORED; break;
        case 'E': *options ^= PCRE2_DOLLAR_ENDONLY; break;
        case 'U': *options ^= PCRE2_UNGREEDY; break;
        case 'X': break;
        default:
            *why = dict_errorf("unknown regexp option \"%c\"", *f);
            return -1;
        }
    }
    return 0;
}

static void *pcre_compile_rule(const char *pattern, const char *flags, size_t *groups, char **why)
{
    struct pcre_rule *r;
    uint32_t options, count = 0;
    int code;
    PCRE2_SIZE offset;
    PCRE2_UCHAR text[256];
    pcre2_code *compiled;

    if (flags_to_options(flags, &options, why) < 0)
        return NULL;
    compiled = pcre2_compile((PCRE2_SPTR) pattern, PCRE2_ZERO_TERMINATED, options,
                             &code, &offset, NULL);
    if (compiled == NULL) {
        if (pcre2_get_error_message(code, text, sizeof(text)) < 0)
            strcpy((char *) text, "unknown error");
        *why = dict_errorf("error in regex at offset %zu: %s", (size_t) offset, (char *) text);
        return NULL;
    }
    if (pcre2_pattern_info(compiled, PCRE2_INFO_CAPTURECOUNT, &count) != 0)
        count = 0;
    r = xcalloc(1, sizeof(*r));
    r->code = compiled;
    r->md = pcre2_match_data_create_from_pattern(compiled, NULL);
    if (r->md == NULL)
        msg_fatal("pcre2_match_data_create: out of memory");
    *groups = count;
    return r;
}

static int pcre_match_rule(void *p, const char *key, struct regex_captures *caps, char **err)
{
    struct pcre_rule *r = p;
    PCRE2_UCHAR text[256];
    PCRE2_SIZE *ov;
    uint32_t pairs;
    int rc = pcre2_match(r->code, (PCRE2_SPTR) key, strlen(key), 0, 0, r->md, NULL);

    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0) {
        if (pcre2_get_error_message(rc, text, sizeof(text)) < 0)
            strcpy((char *) text, "unknown error");
        *err = dict_errorf("pcre matching error %d: %s", rc, (char *) text);
        return -1;
    }
    ov = pcre2_get_ovector_pointer(r->md);
    pairs = pcre2_get_ovector_count(r->md);
    for (size_t g = 0; g < caps->size; g++) {
        bool set = g < pairs && g < (size_t) rc && ov[2 * g] != PCRE2_UNSET;

        caps->start[g] = set ? (long) ov[2 * g] : -1;
        caps->end[g] = set ? (long) ov[2 * g + 1] : -1;
    }
    return 1;
}

static void pcre_free_rule(void *p)
{
    struct pcre_rule *r = p;

    pcre2_match_data_free(r->md);
    pcre2_code_free(r->code);
    xfree(r);
}

const struct regex_backend regexp_pcre2_backend = {pcre_compile_rule, pcre_match_rule, pcre_free_rule};

int dict_pcre_open(dict_t *d, int open_flags, char **err)
{
    (void) open_flags;
    return regex_table_open(d, &regexp_pcre2_backend, err);
}
