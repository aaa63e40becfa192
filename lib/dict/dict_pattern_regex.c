/* dict_pattern_regex.c - the regexp/pcre table grammar, result templates
 * and lookups, on top of a regex back-end (see dict_pattern_regex.h). */
#include "dict/dict_pattern.h"
#include "dict/dict_pattern_regex.h"
#include "util/array_grow.h"
#include "util/mem.h"

#include <ctype.h>
#include <string.h>

/* A result template: literal text and group references, in order. */
struct template_part {
    char *text;      /* literal, or NULL for a group reference */
    size_t group;
};

struct template {
    struct template_part *parts;
    size_t count;
};

struct regex_table {
    const struct regex_backend *be;
    struct pattern_source src;
    struct pattern_rules rules;
    size_t max_groups;
    struct regex_captures caps;
};

struct match_ctx {
    const struct regex_backend *be;
    const char *key;
    struct regex_captures *caps;
};

static void template_free(void *p)
{
    struct template *t = p;

    for (size_t i = 0; i < t->count; i++)
        xfree(t->parts[i].text);
    xfree(t->parts);
    xfree(t);
}

static void template_add(struct template *t, char *text, size_t group)
{
    t->parts = array_grow(t->parts, t->count, t->count + 1, sizeof(*t->parts));
    t->parts[t->count].text = text;
    t->parts[t->count].group = group;
    t->count++;
}

static bool is_name_char(int c)
{
    return isalnum(c) || c == '_';
}

/* Reads the name after '$' at *p (advanced past it). Returns 0, or -1
 * with *why set for an empty name or an unclosed ${ / $(. */
static int read_ref_name(const char **p, buf_t *name, char **why)
{
    const char *s = *p;

    buf_set(name, "");
    if (*s == '{' || *s == '(') {
        const char *close = strchr(s + 1, *s == '{' ? '}' : ')');

        if (close == NULL) {
            *why = dict_errorf("missing '%c' in replacement text", *s == '{' ? '}' : ')');
            return -1;
        }
        buf_append(name, s + 1, (size_t) (close - s - 1));
        *p = close + 1;
    } else {
        while (is_name_char((unsigned char) *s))
            buf_putc(name, *s++);
        *p = s;
    }
    if (name->len == 0) {
        *why = dict_errorf("empty macro name in replacement text");
        return -1;
    }
    return 0;
}

/* Converts a reference name into a group number in [1, groups]. */
static int ref_group(const char *name, size_t groups, size_t *group, char **why)
{
    size_t n = 0;

    for (const char *p = name; *p; p++) {
        if (!isdigit((unsigned char) *p)) {
            *why = dict_errorf("non-numeric replacement index \"%s\"", name);
            return -1;
        }
        if (n <= groups)
            n = n * 10 + (size_t) (*p - '0');
    }
    if (n < 1 || n > groups) {
        *why = dict_errorf("out of range replacement index \"%s\"", name);
        return -1;
    }
    *group = n;
    return 0;
}

/* Parses a result into a template; -1 with *why on a bad reference. */
static int template_parse(const char *text, size_t groups, bool negate,
                          struct template **out, char **why)
{
    struct template *t = xcalloc(1, sizeof(*t));
    buf_t literal = BUF_INIT, name = BUF_INIT;
    const char *p = text;
    size_t group;
    int rc = 0;

    while (rc == 0 && *p) {
        if (*p != '$') {
            buf_putc(&literal, *p++);
        } else if (p[1] == '$') {
            buf_putc(&literal, '$');
            p += 2;
        } else {
            p++;
            if (read_ref_name(&p, &name, why) < 0 || ref_group(name.data, groups, &group, why) < 0) {
                rc = -1;
            } else if (negate) {
                *why = dict_errorf("$number found in negative match replacement text");
                rc = -1;
            } else {
                if (literal.len)
                    template_add(t, buf_detach(&literal), 0);
                template_add(t, NULL, group);
            }
        }
    }
    if (rc == 0 && literal.len)
        template_add(t, buf_detach(&literal), 0);
    buf_dispose(&literal);
    buf_dispose(&name);
    if (rc < 0)
        template_free(t);
    else
        *out = t;
    return rc;
}

static void template_expand(const struct template *t, const char *key,
                            const struct regex_captures *caps, buf_t *out)
{
    buf_set(out, "");
    for (size_t i = 0; i < t->count; i++) {
        const struct template_part *part = &t->parts[i];

        if (part->text)
            buf_puts(out, part->text);
        else if (part->group < caps->size && caps->start[part->group] >= 0
                 && caps->end[part->group] >= caps->start[part->group])
            buf_append(out, key + caps->start[part->group],
                       (size_t) (caps->end[part->group] - caps->start[part->group]));
    }
}

/* The pieces of "[!]DpatternDflags rest". */
struct parsed_rule {
    bool negate;
    buf_t pattern;
    buf_t flags;
    const char *rest;   /* after the flags and blanks */
};

static bool is_blank_char(int c)
{
    return c == ' ' || c == '\t';
}

/* Returns 0, or -1 with *why (NULL why: "ignoring unrecognized request"). */
static int split_rule(const char *line, struct parsed_rule *r, char **why)
{
    const char *p = line;
    char delim;

    if (*p == '!') {
        r->negate = true;
        p++;
    }
    delim = *p;
    if (delim == '\0' || isalnum((unsigned char) delim) || isspace((unsigned char) delim)) {
        *why = dict_errorf("ignoring unrecognized request");
        return -1;
    }
    for (p++; *p && *p != delim; p++) {
        if (*p == '\\' && p[1])
            buf_putc(&r->pattern, *p++);
        buf_putc(&r->pattern, *p);
    }
    if (*p != delim) {
        *why = dict_errorf("no closing regexp delimiter \"%c\": skipping this rule", delim);
        return -1;
    }
    for (p++; *p && !is_blank_char((unsigned char) *p); p++)
        buf_putc(&r->flags, *p);
    while (is_blank_char((unsigned char) *p))
        p++;
    r->rest = p;
    if (r->pattern.data == NULL)
        buf_set(&r->pattern, "");
    if (r->flags.data == NULL)
        buf_set(&r->flags, "");
    return 0;
}

/* Compiles and adds one rule; warns and skips it on any error. */
static void add_rule(const dict_t *d, struct regex_table *t, const char *line, int lineno,
                     bool is_if)
{
    struct parsed_rule pr = {false, BUF_INIT, BUF_INIT, NULL};
    struct pattern_rule rule = {is_if ? PATTERN_IF : PATTERN_MATCH, false, lineno, 0, NULL, NULL};
    struct template *result = NULL;
    char *why = NULL;
    size_t groups = 0;
    void *re = NULL;

    if (split_rule(line, &pr, &why) < 0) {
        pattern_warn(d, lineno, "%s", why);
    } else if ((re = t->be->compile(pr.pattern.data, pr.flags.data, &groups, &why)) == NULL) {
        pattern_warn(d, lineno, "%s: skipping this rule", why);
    } else if (is_if) {
        if (*pr.rest)
            pattern_warn(d, lineno, "ignoring extra text after IF statement: \"%s\"", pr.rest);
    } else if (template_parse(pr.rest, groups, pr.negate, &result, &why) < 0) {
        pattern_warn(d, lineno, "%s: skipping this rule", why);
        t->be->free(re);
        re = NULL;
    } else if (*pr.rest == '\0') {
        pattern_warn(d, lineno, "no replacement text: using empty string");
    }
    if (re) {
        rule.negate = pr.negate;
        rule.matcher = re;
        rule.result = result;
        pattern_rules_add(&t->rules, &rule);
        if (groups + 1 > t->max_groups)
            t->max_groups = groups + 1;
    }
    xfree(why);
    buf_dispose(&pr.pattern);
    buf_dispose(&pr.flags);
}

static void parse_line(const dict_t *d, struct regex_table *t, const char *line, int lineno)
{
    const char *rest;

    if (pattern_is_endif(line, &rest))
        pattern_rules_endif(&t->rules, d, lineno, rest);
    else if (pattern_is_if(line, &rest))
        add_rule(d, t, rest, lineno, true);
    else
        add_rule(d, t, line, lineno, false);
}

static int regex_match(void *ctx, void *matcher, char **err)
{
    struct match_ctx *m = ctx;

    return m->be->match(matcher, m->key, m->caps, err);
}

static int regex_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    struct regex_table *t = d->priv;
    struct match_ctx ctx = {t->be, key, &t->caps};
    size_t which;
    int rc;

    rc = pattern_rules_search(&t->rules, regex_match, &ctx, &which, err);
    if (rc != DICT_FOUND)
        return rc;
    if (t->rules.rules[which].result == NULL)
        return DICT_NOTFOUND;
    template_expand(t->rules.rules[which].result, key, &t->caps, value);
    /* An empty result counts as "not found", as for the other tables. */
    return value->len ? DICT_FOUND : DICT_NOTFOUND;
}

static bool regex_changed(dict_t *d)
{
    struct regex_table *t = d->priv;

    return pattern_source_changed(d, &t->src);
}

static void regex_table_free(struct regex_table *t)
{
    for (size_t i = 0; i < t->rules.count; i++) {
        if (t->rules.rules[i].matcher)
            t->be->free(t->rules.rules[i].matcher);
        t->rules.rules[i].matcher = NULL;
    }
    pattern_rules_free(&t->rules, xfree, template_free);
    pattern_source_free(&t->src);
    xfree(t->caps.start);
    xfree(t->caps.end);
    xfree(t);
}

static void regex_close(dict_t *d)
{
    regex_table_free(d->priv);
}

static void build(dict_t *d, struct regex_table *t)
{
    for (size_t i = 0; i < t->src.count; i++)
        parse_line(d, t, t->src.lines[i].text, t->src.lines[i].lineno);
    pattern_rules_finish(&t->rules, d);
    t->caps.size = t->max_groups ? t->max_groups : 1;
    t->caps.start = xcalloc(t->caps.size, sizeof(long));
    t->caps.end = xcalloc(t->caps.size, sizeof(long));
    d->priv = t;
    d->lookup = regex_lookup;
    d->changed = regex_changed;
    d->close = regex_close;
    /* Matching is caseless through the i flag; folding the key would
     * change the text that $N copies into results. */
    d->flags = (d->flags | DICT_FLAG_PATTERN) & ~(DICT_FLAG_FIXED | DICT_FLAG_FOLD_KEYS);
}

int regex_table_open(dict_t *d, const struct regex_backend *be, char **err)
{
    struct regex_table *t = xcalloc(1, sizeof(*t));

    t->be = be;
    if (pattern_source_read(d, &t->src, err) < 0) {
        pattern_source_free(&t->src);
        xfree(t);
        return -1;
    }
    build(d, t);
    return 0;
}

void regex_table_load(dict_t *d, const struct regex_backend *be, const char *data, size_t len)
{
    struct regex_table *t = xcalloc(1, sizeof(*t));

    t->be = be;
    pattern_source_parse(d, data, len, &t->src);
    build(d, t);
}
