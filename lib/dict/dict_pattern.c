/* dict_pattern.c - rule sources, warnings, if/endif nesting and first-match
 * search for the pattern tables (see dict_pattern.h). */
#include "dict/dict_pattern.h"
#include "util/brace.h"
#include "util/array_grow.h"
#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pattern_warn(const dict_t *d, int lineno, const char *fmt, ...)
{
    buf_t text = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&text, fmt, ap);
    va_end(ap);
    msg_warn("%s map %s, line %d: %s", d->type, d->name, lineno, text.data);
    buf_dispose(&text);
}

static bool is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

/* The logical line being assembled. */
struct assembly {
    buf_t text;
    int lineno;
    bool active;
    const char *bad;   /* why the line is skipped, or NULL */
};

static void add_line(struct pattern_source *src, const char *text, int lineno)
{
    src->lines = array_grow(src->lines, src->count, src->count + 1, sizeof(*src->lines));
    src->lines[src->count].text = xstrdup(text);
    src->lines[src->count].lineno = lineno;
    src->count++;
}

static void flush(const dict_t *d, struct assembly *a, struct pattern_source *src)
{
    if (!a->active)
        return;
    if (a->bad) {
        pattern_warn(d, a->lineno, "%s: skipping this rule", a->bad);
    } else {
        while (a->text.len && is_blank((unsigned char) a->text.data[a->text.len - 1]))
            a->text.len--;
        a->text.data[a->text.len] = '\0';
        add_line(src, a->text.data, a->lineno);
    }
    a->active = false;
    a->bad = NULL;
    buf_reset(&a->text);
}

static void append(struct assembly *a, const char *line, size_t len)
{
    if (a->bad)
        return;
    if (memchr(line, '\0', len)) {
        a->bad = "NUL byte in line";
        return;
    }
    if (a->text.len + len > PATTERN_MAX_LINE) {
        a->bad = "line too long";
        return;
    }
    buf_append(&a->text, line, len);
}

/* Feeds one physical line (without its LF). */
static void feed(const dict_t *d, struct assembly *a, struct pattern_source *src,
                 const char *line, size_t len, int lineno)
{
    size_t skip = 0;

    while (len && line[len - 1] == '\r')
        len--;
    while (skip < len && is_blank((unsigned char) line[skip]))
        skip++;
    if (skip == len || line[skip] == '#')
        return;
    if (skip == 0) {
        flush(d, a, src);
        a->active = true;
        a->lineno = lineno;
        append(a, line, len);
    } else if (a->active) {
        append(a, line, len);
    } else {
        pattern_warn(d, lineno, "logical line must not start with whitespace: skipping this rule");
    }
}

void pattern_source_parse(const dict_t *d, const char *data, size_t len,
                          struct pattern_source *src)
{
    struct assembly a = {BUF_INIT, 0, false, NULL};
    size_t pos = 0;
    int lineno = 0;

    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t) (nl - data) : len;

        feed(d, &a, src, data + pos, end - pos, ++lineno);
        pos = nl ? end + 1 : len;
    }
    flush(d, &a, src);
    buf_dispose(&a.text);
}

static int read_file(const dict_t *d, struct pattern_source *src, char **err)
{
    struct assembly a = {BUF_INIT, 0, false, NULL};
    FILE *fp = fopen(d->name, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0, rc = 0;

    if (fp == NULL) {
        *err = dict_errorf("open %s: %s", d->name, strerror(errno));
        return -1;
    }
    if (fstat(fileno(fp), &src->st) < 0) {
        *err = dict_errorf("fstat %s: %s", d->name, strerror(errno));
        fclose(fp);
        return -1;
    }
    while ((got = getline(&line, &cap, fp)) > 0) {
        size_t len = (size_t) got;

        if (line[len - 1] == '\n')
            len--;
        feed(d, &a, src, line, len, ++lineno);
    }
    if (ferror(fp)) {
        *err = dict_errorf("read %s: %s", d->name, strerror(errno));
        rc = -1;
    }
    flush(d, &a, src);
    buf_dispose(&a.text);
    free(line);   /* allocated by getline() */
    fclose(fp);
    src->from_file = true;
    return rc;
}

/* "type:{ {rule}, {rule} }": each rule one line. */
static int read_inline(const dict_t *d, struct pattern_source *src, char **err)
{
    buf_t body = BUF_INIT;
    char **items = NULL, *why = NULL;
    unsigned char *braced = NULL;
    size_t count = 0;
    int rc = 0;

    if (brace_unwrap(d->name, &body, &why) < 0
        || brace_split(body.data, &items, &braced, &count, &why) < 0) {
        *err = dict_errorf("%s: %s", d->type_name, why);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < count; i++) {
        if (!braced[i]) {
            *err = dict_errorf("%s: need \"{ rule }\" instead of \"%s\"", d->type_name, items[i]);
            rc = -1;
        } else if (items[i][0]) {
            add_line(src, items[i], (int) i + 1);
        }
    }
    xfree(why);
    brace_free_items(items, braced, count);
    buf_dispose(&body);
    return rc;
}

int pattern_source_read(const dict_t *d, struct pattern_source *src, char **err)
{
    memset(src, 0, sizeof(*src));
    if (d->name[0] == '{')
        return read_inline(d, src, err);
    return read_file(d, src, err);
}

void pattern_source_free(struct pattern_source *src)
{
    for (size_t i = 0; i < src->count; i++)
        xfree(src->lines[i].text);
    xfree(src->lines);
    src->lines = NULL;
    src->count = 0;
}

bool pattern_source_changed(const dict_t *d, const struct pattern_source *src)
{
    struct stat now;

    if (!src->from_file)
        return false;
    if (stat(d->name, &now) < 0)
        return true;
    return now.st_ino != src->st.st_ino || now.st_dev != src->st.st_dev
        || now.st_size != src->st.st_size
        || now.st_mtim.tv_sec != src->st.st_mtim.tv_sec
        || now.st_mtim.tv_nsec != src->st.st_mtim.tv_nsec;
}

/* Matches keyword (lower case) at the start of line, any case. */
static bool starts_with_word(const char *line, const char *word, const char **after)
{
    size_t n = strlen(word);

    for (size_t i = 0; i < n; i++)
        if (line[i] == '\0' || (line[i] | 0x20) != word[i])
            return false;
    if (line[n] != '\0' && !is_blank((unsigned char) line[n]))
        return false;
    *after = line + n;
    while (**after && is_blank((unsigned char) **after))
        (*after)++;
    return true;
}

bool pattern_is_if(const char *line, const char **rest)
{
    return starts_with_word(line, "if", rest) && **rest != '\0';
}

bool pattern_is_endif(const char *line, const char **extra)
{
    return starts_with_word(line, "endif", extra);
}

void pattern_rules_add(struct pattern_rules *r, const struct pattern_rule *rule)
{
    r->rules = array_grow(r->rules, r->count, r->count + 1, sizeof(*r->rules));
    r->rules[r->count] = *rule;
    if (rule->kind == PATTERN_IF) {
        r->open_ifs = array_grow(r->open_ifs, r->depth, r->depth + 1, sizeof(*r->open_ifs));
        r->open_ifs[r->depth++] = r->count;
    }
    r->count++;
}

void pattern_rules_endif(struct pattern_rules *r, const dict_t *d, int lineno,
                         const char *extra)
{
    struct pattern_rule endif = {PATTERN_ENDIF, false, lineno, 0, NULL, NULL};

    if (r->depth == 0) {
        pattern_warn(d, lineno, "ignoring ENDIF without matching IF");
        return;
    }
    if (*extra)
        pattern_warn(d, lineno, "ignoring extra text after ENDIF");
    r->rules[r->open_ifs[--r->depth]].endif = r->count;
    pattern_rules_add(r, &endif);
}

void pattern_rules_finish(struct pattern_rules *r, const dict_t *d)
{
    while (r->depth > 0) {
        struct pattern_rule *open_if = &r->rules[r->open_ifs[--r->depth]];

        pattern_warn(d, open_if->lineno, "IF has no matching ENDIF");
        open_if->endif = r->count;
    }
    xfree(r->open_ifs);
    r->open_ifs = NULL;
}

int pattern_rules_search(const struct pattern_rules *r, pattern_match_fn match,
                         void *ctx, size_t *which, char **err)
{
    size_t i = 0;

    while (i < r->count) {
        const struct pattern_rule *rule = &r->rules[i];
        bool hit;
        int m;

        if (rule->kind == PATTERN_ENDIF) {
            i++;
            continue;
        }
        if ((m = match(ctx, rule->matcher, err)) < 0)
            return DICT_ERROR;
        hit = m != PATTERN_INAPPLICABLE && (m == 1) != rule->negate;
        if (rule->kind == PATTERN_IF) {
            i = hit ? i + 1 : rule->endif + 1;
        } else if (hit) {
            *which = i;
            return DICT_FOUND;
        } else {
            i++;
        }
    }
    return DICT_NOTFOUND;
}

void pattern_rules_free(struct pattern_rules *r, void (*free_matcher)(void *),
                        void (*free_result)(void *))
{
    for (size_t i = 0; i < r->count; i++) {
        if (r->rules[i].matcher)
            free_matcher(r->rules[i].matcher);
        if (r->rules[i].result)
            free_result(r->rules[i].result);
    }
    xfree(r->rules);
    xfree(r->open_ifs);
    memset(r, 0, sizeof(*r));
}
