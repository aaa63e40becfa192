/* master_cf.c - the master.cf reader (see master_cf.h). */
#include "config/master_cf.h"
#include "config/cf_lines.h"
#include "config/config.h"
#include "util/array_grow.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MASTER_COLUMNS 7

typedef struct token {
    char *text;
    bool braced;
} token_t;

typedef struct token_list {
    token_t *items;
    size_t count;
} token_list_t;

static const char *const type_names[] = {
    [MASTER_INET] = "inet", [MASTER_UNIX] = "unix",
    [MASTER_UNIX_DGRAM] = "unix-dgram", [MASTER_FIFO] = "fifo",
    [MASTER_PASS] = "pass",
};

const char *master_type_name(master_type_t type)
{
    return type_names[type];
}

bool master_type_parse(const char *name, master_type_t *type)
{
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
        if (strcmp(name, type_names[i]) == 0) {
            *type = (master_type_t) i;
            return true;
        }
    }
    return false;
}

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static char *fmt_err(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static char *fmt_err(const char *file, int line, const char *fmt, ...)
{
    buf_t b;
    va_list ap;

    buf_init(&b);
    buf_printf(&b, "%s, line %d: ", file, line);
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *text = buf_detach(&b);

    buf_dispose(&b);
    return text;
}

static void tokens_free(token_list_t *t)
{
    for (size_t i = 0; i < t->count; i++)
        xfree(t->items[i].text);
    xfree(t->items);
    t->items = NULL;
    t->count = 0;
}

static void tokens_add(token_list_t *t, const char *start, size_t len, bool braced)
{
    t->items = array_grow(t->items, t->count, t->count + 1, sizeof(*t->items));
    t->items[t->count].text = xstrndup(start, len);
    t->items[t->count].braced = braced;
    t->count++;
}

/* Returns the position just after the '}' matching s[0] == '{', or NULL. */
static const char *match_brace(const char *s)
{
    int depth = 0;

    for (; *s; s++) {
        if (*s == '{')
            depth++;
        else if (*s == '}' && --depth == 0)
            return s + 1;
    }
    return NULL;
}

static int add_braced(token_list_t *t, const char **cursor, const char **why)
{
    const char *s = *cursor, *end = match_brace(s), *a, *z;

    if (end == NULL) {
        *why = "missing '}'";
        return -1;
    }
    if (*end && !is_space((unsigned char) *end)) {
        *why = "text after '}'";
        return -1;
    }
    a = s + 1;
    z = end - 1;
    while (a < z && is_space((unsigned char) *a))
        a++;
    while (z > a && is_space((unsigned char) z[-1]))
        z--;
    tokens_add(t, a, (size_t) (z - a), true);
    *cursor = end;
    return 0;
}

static int add_plain(token_list_t *t, const char **cursor, const char **why)
{
    const char *s = *cursor, *p = s;
    int depth = 0;

    for (; *p && (depth > 0 || !is_space((unsigned char) *p)); p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}' && depth > 0)
            depth--;
    }
    if (depth > 0) {
        *why = "missing '}'";
        return -1;
    }
    tokens_add(t, s, (size_t) (p - s), false);
    *cursor = p;
    return 0;
}

/* Splits a logical line into white-space separated, brace-aware tokens. */
static int tokenize(const char *line, token_list_t *t, const char **why)
{
    const char *p = line;

    for (;;) {
        while (is_space((unsigned char) *p))
            p++;
        if (*p == '\0')
            return 0;
        if ((*p == '{' ? add_braced(t, &p, why) : add_plain(t, &p, why)) < 0)
            return -1;
    }
}

static int parse_yn(const char *text, bool dflt, bool *out)
{
    if (strcmp(text, "-") == 0)
        *out = dflt;
    else if (strcmp(text, "y") == 0)
        *out = true;
    else if (strcmp(text, "n") == 0)
        *out = false;
    else
        return -1;
    return 0;
}

/* Decimal digits only, at most INT_MAX. */
static int parse_count(const char *text, size_t len, int *out)
{
    long v = 0;

    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        v = v * 10 + (text[i] - '0');
        if (v > INT_MAX)
            return -1;
    }
    *out = (int) v;
    return 0;
}

static int parse_wakeup(const char *text, master_entry_t *e)
{
    size_t len = strlen(text);

    e->wakeup = 0;
    e->wakeup_if_used = false;
    if (strcmp(text, "-") == 0)
        return 0;
    if (len > 0 && text[len - 1] == '?') {
        e->wakeup_if_used = true;
        len--;
    }
    return parse_count(text, len, &e->wakeup);
}

static int parse_maxproc(const char *text, master_entry_t *e)
{
    if (strcmp(text, "-") == 0) {
        e->maxproc = MASTER_MAXPROC_DEFAULT;
        return 0;
    }
    return parse_count(text, strlen(text), &e->maxproc);
}

static void add_arg(master_entry_t *e, const char *text)
{
    e->args = array_grow(e->args, e->nargs + 1, e->nargs + 2, sizeof(*e->args));
    e->args[e->nargs++] = xstrdup(text);
    e->args[e->nargs] = NULL;
}

static int add_opt(master_entry_t *e, const char *text, bool braced, const char **why)
{
    const char *eq = strchr(text, '=');
    char *name, *value;

    if (eq == NULL || eq == text) {
        *why = "-o needs name=value";
        return -1;
    }
    name = xstrndup(text, (size_t) (eq - text));
    value = xstrdup(eq + 1);
    if (braced) {
        str_trim(name);
        str_trim(value);
    }
    if (*name == '\0') {
        xfree(name);
        xfree(value);
        *why = "-o needs name=value";
        return -1;
    }
    e->opts = array_grow(e->opts, e->nopts, e->nopts + 1, sizeof(*e->opts));
    e->opts[e->nopts].name = name;
    e->opts[e->nopts].value = value;
    e->nopts++;
    add_arg(e, "-o");
    {
        buf_t b;
        buf_init(&b);
        buf_printf(&b, "%s=%s", name, value);
        add_arg(e, buf_str(&b));
        buf_dispose(&b);
    }
    return 0;
}

/* getopt-style letters of Postfix daemons that take a value. */
static bool letter_takes_value(int c)
{
    return c != '\0' && strchr("imnost", c) != NULL;
}

/* One option token at toks[*i]; may consume the next token as its value. */
static int parse_option(master_entry_t *e, const token_list_t *toks, size_t *i,
                        const char **why)
{
    const char *t = toks->items[*i].text;

    for (size_t j = 1; t[j]; j++) {
        if (t[j] == 'v') {
            e->verbose++;
        } else if (t[j] == 'D') {
            e->debug = true;
        } else if (letter_takes_value(t[j])) {
            const char *value = t + j + 1;
            bool braced = false;
            size_t letters = j;
            if (*value == '\0') {
                if (*i + 1 >= toks->count) {
                    *why = "option without its value";
                    return -1;
                }
                ++*i;
                value = toks->items[*i].text;
                braced = toks->items[*i].braced;
            }
            if (t[j] == 'o') {
                if (letters > 1) {
                    buf_t b;
                    buf_init(&b);
                    buf_append(&b, t, letters);
                    add_arg(e, buf_str(&b));
                    buf_dispose(&b);
                }
                return add_opt(e, value, braced, why);
            }
            add_arg(e, t);
            if (value != t + j + 1)
                add_arg(e, value);
            return 0;
        }
    }
    add_arg(e, t);
    return 0;
}

static int parse_args(master_entry_t *e, const token_list_t *toks, size_t first,
                      const char **why)
{
    size_t i = first;

    for (; i < toks->count; i++) {
        const token_t *t = &toks->items[i];
        if (t->braced || t->text[0] != '-' || t->text[1] == '\0')
            break;
        if (strcmp(t->text, "--") == 0) {
            add_arg(e, t->text);
            i++;
            break;
        }
        if (parse_option(e, toks, &i, why) < 0)
            return -1;
    }
    e->rest = xcalloc(toks->count - i + 1, sizeof(*e->rest));
    for (; i < toks->count; i++) {
        add_arg(e, toks->items[i].text);
        e->rest[e->nrest++] = xstrdup(toks->items[i].text);
    }
    if (e->args == NULL)
        e->args = xcalloc(1, sizeof(*e->args));
    return 0;
}

static void entry_dispose(master_entry_t *e)
{
    xfree(e->service);
    xfree(e->command);
    for (size_t i = 0; i < e->nargs; i++)
        xfree(e->args[i]);
    xfree(e->args);
    for (size_t i = 0; i < e->nopts; i++) {
        xfree(e->opts[i].name);
        xfree(e->opts[i].value);
    }
    xfree(e->opts);
    for (size_t i = 0; i < e->nrest; i++)
        xfree(e->rest[i]);
    xfree(e->rest);
    for (int i = 0; i < MASTER_COLUMNS; i++)
        xfree(e->column[i]);
    memset(e, 0, sizeof(*e));
}

static const char *const column_names[MASTER_COLUMNS] = {
    "service", "type", "private", "unpriv", "chroot", "wakeup", "maxproc",
};

/* Fills e from the tokens of one logical line; *why names the problem. */
static int parse_entry(master_entry_t *e, const token_list_t *toks,
                       int *bad_column, const char **why)
{
    *bad_column = -1;
    if (toks->count < MASTER_COLUMNS + 1) {
        *why = "bad field count";
        return -1;
    }
    for (int i = 0; i < MASTER_COLUMNS; i++)
        e->column[i] = xstrdup(toks->items[i].text);
    e->service = xstrdup(toks->items[0].text);
    e->command = xstrdup(toks->items[MASTER_COLUMNS].text);
    *why = "bad value";
    if (!master_type_parse(e->column[1], &e->type))
        return *bad_column = 1, *why = "unknown service type", -1;
    if (parse_yn(e->column[2], true, &e->is_private) < 0)
        return *bad_column = 2, -1;
    if (parse_yn(e->column[3], true, &e->unpriv) < 0)
        return *bad_column = 3, -1;
    if (parse_yn(e->column[4], false, &e->chroot) < 0)
        return *bad_column = 4, -1;
    if (parse_wakeup(e->column[5], e) < 0)
        return *bad_column = 5, -1;
    if (parse_maxproc(e->column[6], e) < 0)
        return *bad_column = 6, -1;
    if (e->type == MASTER_INET)
        e->is_private = false;
    return parse_args(e, toks, MASTER_COLUMNS + 1, why);
}

static void add_warning(master_cf_t *cf, char *text)
{
    cf->warnings = array_grow(cf->warnings, cf->nwarnings + 1, cf->nwarnings + 2, sizeof(*cf->warnings));
    cf->warnings[cf->nwarnings++] = text;
    cf->warnings[cf->nwarnings] = NULL;
}

static void add_entry(master_cf_t *cf, master_entry_t *e)
{
    for (size_t i = 0; i < cf->count; i++) {
        master_entry_t *old = &cf->entries[i];
        if (old->type != e->type || strcmp(old->service, e->service) != 0)
            continue;
        add_warning(cf, fmt_err(cf->filename, e->line,
                                "duplicate service %s/%s (also at line %d): the last one wins",
                                e->service, master_type_name(e->type), old->line));
        entry_dispose(old);
        memmove(old, old + 1, (cf->count - i - 1) * sizeof(*old));
        cf->count--;
        break;
    }
    cf->entries = array_grow(cf->entries, cf->count, cf->count + 1, sizeof(*cf->entries));
    cf->entries[cf->count++] = *e;
}

static int parse_line(master_cf_t *cf, const cf_line_t *line, char **err)
{
    token_list_t toks = {NULL, 0};
    master_entry_t e;
    const char *why = NULL;
    int bad_column = -1;

    if (line->has_nul) {
        *err = fmt_err(cf->filename, line->first_line, "NUL byte in line");
        return -1;
    }
    if (line->orphan) {
        add_warning(cf, fmt_err(cf->filename, line->first_line,
                                "continuation line without an entry before it: ignored"));
        return 0;
    }
    memset(&e, 0, sizeof(e));
    e.line = line->first_line;
    if (tokenize(buf_str(&line->text), &toks, &why) < 0
        || parse_entry(&e, &toks, &bad_column, &why) < 0) {
        if (bad_column >= 0)
            *err = fmt_err(cf->filename, line->first_line, "%s column: %s: \"%s\"",
                           column_names[bad_column], why, e.column[bad_column]);
        else
            *err = fmt_err(cf->filename, line->first_line, "%s", why);
        entry_dispose(&e);
        tokens_free(&toks);
        return -1;
    }
    tokens_free(&toks);
    add_entry(cf, &e);
    return 0;
}

int master_cf_parse(const char *text, size_t len, const char *filename,
                    master_cf_t **out, char **err)
{
    master_cf_t *cf = xcalloc(1, sizeof(*cf));
    cf_reader_t reader;
    cf_line_t line;
    int rc = 0;

    cf->filename = xstrdup(filename);
    cf_reader_init(&reader, text, len);
    cf_line_init(&line);
    while (rc == 0 && cf_next_line(&reader, &line))
        rc = parse_line(cf, &line, err);
    cf_line_dispose(&line);
    if (rc < 0) {
        master_cf_free(cf);
        *out = NULL;
        return -1;
    }
    *out = cf;
    return 0;
}

void master_cf_free(master_cf_t *cf)
{
    if (cf == NULL)
        return;
    for (size_t i = 0; i < cf->count; i++)
        entry_dispose(&cf->entries[i]);
    xfree(cf->entries);
    for (size_t i = 0; i < cf->nwarnings; i++)
        xfree(cf->warnings[i]);
    xfree(cf->warnings);
    xfree(cf->filename);
    xfree(cf);
}

int master_cf_load(const char *path, master_cf_t **out, char **err)
{
    buf_t text;
    int rc;

    buf_init(&text);
    if (cf_read_file(path, &text, err) < 0) {
        buf_dispose(&text);
        *out = NULL;
        return -1;
    }
    rc = master_cf_parse(text.data, text.len, path, out, err);
    buf_dispose(&text);
    return rc;
}

const master_entry_t *master_cf_find(const master_cf_t *cf, const char *service,
                                     master_type_t type)
{
    for (size_t i = 0; i < cf->count; i++) {
        if (cf->entries[i].type == type && strcmp(cf->entries[i].service, service) == 0)
            return &cf->entries[i];
    }
    return NULL;
}

long master_entry_maxproc(const master_entry_t *e)
{
    if (e->maxproc == MASTER_MAXPROC_DEFAULT)
        return cfg_int("default_process_limit");
    return e->maxproc;
}

const char *master_entry_opt(const master_entry_t *e, const char *name)
{
    for (size_t i = e->nopts; i > 0; i--) {
        if (strcmp(e->opts[i - 1].name, name) == 0)
            return e->opts[i - 1].value;
    }
    return NULL;
}
