/* dict_pattern.h - what the pattern tables (cidr, regexp, pcre) share:
 *
 * - the rule source: a file of logical lines (a line that starts with a
 *   blank continues the previous one; blank lines and lines whose first
 *   non-blank is '#' are skipped; CR before LF and trailing blanks are
 *   dropped; lines with NUL bytes or longer than PATTERN_MAX_LINE are
 *   skipped with a warning), or the Postfix 3.7 inline form
 *   "type:{ {rule}, {rule} }". Reading fails (-1, *err) only when the file
 *   cannot be opened or read, or the inline form is malformed.
 * - warnings in Postfix's shape: "TYPE map NAME, line N: text".
 * - an ordered rule list with if/endif nesting and first-match search.
 * - "changed on disk" detection for file-backed tables. */
#ifndef POSTERN_DICT_DICT_PATTERN_H
#define POSTERN_DICT_DICT_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "dict/dict_impl.h"

#define PATTERN_MAX_LINE (1024 * 1024)

struct pattern_line {
    char *text;
    int lineno;   /* where the logical line starts */
};

struct pattern_source {
    struct pattern_line *lines;
    size_t count;
    bool from_file;
    struct stat st;   /* the file as it was when read */
};

int pattern_source_read(const dict_t *d, struct pattern_source *src, char **err);
/* Reads from memory; name is used in warnings only (for tests, fuzzing). */
void pattern_source_parse(const dict_t *d, const char *data, size_t len,
                          struct pattern_source *src);
void pattern_source_free(struct pattern_source *src);
bool pattern_source_changed(const dict_t *d, const struct pattern_source *src);

void pattern_warn(const dict_t *d, int lineno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Statement recognition. pattern_is_if: the line is "if" followed by
 * blanks (any case); *rest points at the text after the blanks.
 * pattern_is_endif: the line is "endif", alone or followed by blanks and
 * more text (*extra then points at that text, else at ""). */
bool pattern_is_if(const char *line, const char **rest);
bool pattern_is_endif(const char *line, const char **extra);

enum pattern_rule_kind { PATTERN_MATCH, PATTERN_IF, PATTERN_ENDIF };

struct pattern_rule {
    enum pattern_rule_kind kind;
    bool negate;
    int lineno;
    size_t endif;     /* PATTERN_IF: index of its ENDIF (count if none) */
    void *matcher;    /* the type's compiled pattern */
    void *result;     /* the type's result (PATTERN_MATCH) */
};

struct pattern_rules {
    struct pattern_rule *rules;
    size_t count;
    size_t *open_ifs;
    size_t depth;
};

/* Appends a MATCH or IF rule (ownership of matcher/result passes). */
void pattern_rules_add(struct pattern_rules *r, const struct pattern_rule *rule);
/* Closes the innermost IF; warns and ignores the line without one. extra:
 * text after "endif" (warned about and ignored). */
void pattern_rules_endif(struct pattern_rules *r, const dict_t *d, int lineno,
                         const char *extra);
/* Warns about IFs left open at the end; they extend to the end. */
void pattern_rules_finish(struct pattern_rules *r, const dict_t *d);

/* match: 1 matched, 0 did not, PATTERN_INAPPLICABLE when the rule cannot
 * apply to the key at all (cidr: other address family; the rule then
 * fails even when negated), -1 error (with *err set). */
#define PATTERN_INAPPLICABLE 2
typedef int (*pattern_match_fn)(void *ctx, void *matcher, char **err);
/* First-match search honouring negation and if/endif. Returns DICT_FOUND
 * with *which set to the rule index, DICT_NOTFOUND, or DICT_ERROR. */
int pattern_rules_search(const struct pattern_rules *r, pattern_match_fn match,
                         void *ctx, size_t *which, char **err);
void pattern_rules_free(struct pattern_rules *r, void (*free_matcher)(void *),
                        void (*free_result)(void *));

#endif
