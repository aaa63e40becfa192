/* config_expand.c - $name expansion with loop detection (see config_expand.h). */
#include "config/config_expand.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

typedef struct expander {
    cfg_lookup_fn lookup;
    void *ctx;
    const char *stack[CFG_EXPAND_MAX_DEPTH];    /* names being expanded */
    int nstack;
    int depth;                                  /* all nesting, names and text */
    char *err;
} expander_t;

static bool is_name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int fail(expander_t *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(expander_t *x, const char *fmt, ...)
{
    buf_t b;
    va_list ap;

    if (x->err != NULL)
        return -1;
    buf_init(&b);
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    x->err = buf_detach(&b);
    buf_dispose(&b);
    return -1;
}

static int expand_text(expander_t *x, const char *text, size_t len, buf_t *out);

static int loop_error(expander_t *x, const char *name)
{
    buf_t chain;
    int rc;

    buf_init(&chain);
    for (int i = 0; i < x->nstack; i++)
        buf_printf(&chain, "$%s -> ", x->stack[i]);
    buf_printf(&chain, "$%s", name);
    rc = fail(x, "parameter %s: expansion loop: %s", x->stack[0], buf_str(&chain));
    buf_dispose(&chain);
    return rc;
}

/* Appends the expanded value of name (nothing when undefined). */
static int expand_name(expander_t *x, const char *name, buf_t *out)
{
    const char *raw;
    int rc;

    for (int i = 0; i < x->nstack; i++) {
        if (strcmp(x->stack[i], name) == 0)
            return loop_error(x, name);
    }
    if (x->nstack >= CFG_EXPAND_MAX_DEPTH || x->depth >= CFG_EXPAND_MAX_DEPTH)
        return fail(x, "parameter %s: expansion nested too deeply", name);
    if ((raw = x->lookup(name, x->ctx)) == NULL)
        return 0;
    x->stack[x->nstack++] = name;
    rc = expand_text(x, raw, strlen(raw), out);
    x->nstack--;
    return rc;
}

/* Position of the character closing an opener at text[0], counting nested
 * openers of the same kind; NULL when it is missing. */
static const char *find_close(const char *text, const char *end, char open, char close)
{
    int depth = 0;

    for (const char *p = text; p < end; p++) {
        if (*p == open)
            depth++;
        else if (*p == close && --depth == 0)
            return p;
    }
    return NULL;
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && is_space((unsigned char) *p))
        p++;
    return p;
}

/* Splits the text after '?' or ':' into the part to use when the
 * condition holds and, for {a}:{b}, the part for the other case. */
struct cond_parts {
    const char *then_start, *then_end;
    const char *else_start, *else_end;      /* NULL when absent */
};

static int split_cond(expander_t *x, const char *p, const char *end, struct cond_parts *c)
{
    const char *q = skip_space(p, end), *close;

    c->else_start = c->else_end = NULL;
    if (q >= end || *q != '{') {
        c->then_start = p;
        c->then_end = end;
        return 0;
    }
    if ((close = find_close(q, end, '{', '}')) == NULL)
        return fail(x, "missing '}' in \"%.*s\"", (int) (end - p), p);
    c->then_start = q + 1;
    c->then_end = close;
    q = skip_space(close + 1, end);
    if (q == end)
        return 0;
    if (*q != ':')
        return fail(x, "unexpected text after '}' in \"%.*s\"", (int) (end - p), p);
    q = skip_space(q + 1, end);
    if (q >= end || *q != '{' || (close = find_close(q, end, '{', '}')) == NULL)
        return fail(x, "expected '{text}' after ':' in \"%.*s\"", (int) (end - p), p);
    if (skip_space(close + 1, end) != end)
        return fail(x, "unexpected text after '}' in \"%.*s\"", (int) (end - p), p);
    c->else_start = q + 1;
    c->else_end = close;
    return 0;
}

static int value_is_set(expander_t *x, const char *name, bool *set)
{
    buf_t tmp;
    int rc;

    buf_init(&tmp);
    rc = expand_name(x, name, &tmp);
    *set = tmp.len > 0;
    buf_dispose(&tmp);
    return rc;
}

/* ---- ${{text1} OP {text2} ? {value1} : {value2}} (Postfix 3.0 and later) ---- */

/* Expands the "{text}" at *pp into out and advances *pp past it. */
static int expand_operand(expander_t *x, const char **pp, const char *end, buf_t *out)
{
    const char *p = skip_space(*pp, end), *close;

    if (p >= end || *p != '{' || (close = find_close(p, end, '{', '}')) == NULL)
        return fail(x, "expected '{text}' at \"%.*s\"", (int) (end - p), p);
    *pp = close + 1;
    return expand_text(x, p + 1, (size_t) (close - p - 1), out);
}

enum rel_op { REL_EQ, REL_NE, REL_LT, REL_LE, REL_GT, REL_GE };

static int parse_operator(expander_t *x, const char **pp, const char *end, enum rel_op *op,
                          bool *level)
{
    static const struct {
        const char *text;
        enum rel_op op;
    } ops[] = {{"==", REL_EQ}, {"!=", REL_NE}, {"<=", REL_LE}, {">=", REL_GE},
               {"<", REL_LT}, {">", REL_GT}};
    const char *p = skip_space(*pp, end);

    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        size_t n = strlen(ops[i].text);
        if ((size_t) (end - p) >= n && strncmp(p, ops[i].text, n) == 0) {
            p += n;
            *op = ops[i].op;
            *level = (size_t) (end - p) >= 5 && strncmp(p, "level", 5) == 0;
            *pp = p + (*level ? 5 : 0);
            return 0;
        }
    }
    return fail(x, "expected ==, !=, <, <=, > or >= (optionally followed by \"level\") at \"%.*s\"",
                (int) (end - p), p);
}

/* "major[.minor[.patch]]" into three numbers. */
static bool parse_level(const char *s, long v[3])
{
    int n = 0;

    v[0] = v[1] = v[2] = 0;
    for (;;) {
        long part = 0;
        const char *start = s;
        while (*s >= '0' && *s <= '9' && part < 100000000)
            part = part * 10 + (*s++ - '0');
        if (s == start || n == 3)
            return false;
        v[n++] = part;
        if (*s == '\0')
            return true;
        if (*s++ != '.')
            return false;
    }
}

static bool all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
    }
    return true;
}

/* Compares decimal numbers of any length: leading zeros, then length. */
static int compare_numbers(const char *a, const char *b)
{
    size_t la, lb;

    while (a[0] == '0' && a[1] != '\0')
        a++;
    while (b[0] == '0' && b[1] != '\0')
        b++;
    la = strlen(a);
    lb = strlen(b);
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a, b);
}

static int compare_operands(expander_t *x, const char *a, const char *b, bool level, int *cmp)
{
    long va[3], vb[3];

    if (!level) {
        *cmp = (all_digits(a) && all_digits(b)) ? compare_numbers(a, b) : strcmp(a, b);
        return 0;
    }
    if (!parse_level(a, va))
        return fail(x, "malformed compatibility level: \"%s\"", a);
    if (!parse_level(b, vb))
        return fail(x, "malformed compatibility level: \"%s\"", b);
    *cmp = 0;
    for (int i = 0; i < 3 && *cmp == 0; i++)
        *cmp = va[i] < vb[i] ? -1 : va[i] > vb[i];
    return 0;
}

static bool holds(enum rel_op op, int cmp)
{
    switch (op) {
    case REL_EQ: return cmp == 0;
    case REL_NE: return cmp != 0;
    case REL_LT: return cmp < 0;
    case REL_LE: return cmp <= 0;
    case REL_GT: return cmp > 0;
    default: return cmp >= 0;
    }
}

/* body: "{a} OP {b}" optionally followed by "? {v1} : {v2}" (or "? text");
 * without '?' the result is "true" or nothing. */
static int expand_relational(expander_t *x, const char *body, const char *end, buf_t *out)
{
    buf_t a, b;
    const char *p = body;
    enum rel_op op = REL_EQ;
    bool level = false, truth = false;
    struct cond_parts c = {NULL, NULL, NULL, NULL};
    int cmp = 0, rc;

    buf_init(&a);
    buf_init(&b);
    rc = expand_operand(x, &p, end, &a);
    if (rc == 0)
        rc = parse_operator(x, &p, end, &op, &level);
    if (rc == 0)
        rc = expand_operand(x, &p, end, &b);
    if (rc == 0 && (rc = compare_operands(x, buf_str(&a), buf_str(&b), level, &cmp)) == 0)
        truth = holds(op, cmp);
    buf_dispose(&a);
    buf_dispose(&b);
    if (rc < 0)
        return rc;
    p = skip_space(p, end);
    if (p == end) {
        if (truth)
            buf_puts(out, "true");
        return 0;
    }
    if (*p != '?')
        return fail(x, "expected '?' at \"%.*s\"", (int) (end - p), p);
    if ((rc = split_cond(x, p + 1, end, &c)) < 0)
        return rc;
    if (truth)
        return expand_text(x, c.then_start, (size_t) (c.then_end - c.then_start), out);
    if (c.else_start)
        return expand_text(x, c.else_start, (size_t) (c.else_end - c.else_start), out);
    return 0;
}

/* ${...} or $(...): body is the text between the brackets. */
static int expand_braced(expander_t *x, const char *body, const char *end, buf_t *out)
{
    const char *p = skip_space(body, end), *name_end;
    struct cond_parts c = {NULL, NULL, NULL, NULL};
    char *name;
    bool set;
    int rc;

    if (p < end && *p == '{')
        return expand_relational(x, p, end, out);
    for (name_end = p; name_end < end && is_name_char((unsigned char) *name_end); name_end++)
        ;
    if (name_end == p)
        return fail(x, "bad parameter name in \"${%.*s}\"", (int) (end - body), body);
    name = xstrndup(p, (size_t) (name_end - p));
    p = skip_space(name_end, end);
    if (p == end) {
        rc = expand_name(x, name, out);
    } else if (*p != '?' && *p != ':') {
        rc = fail(x, "bad parameter name in \"${%.*s}\"", (int) (end - body), body);
    } else if ((rc = split_cond(x, p + 1, end, &c)) == 0 && (rc = value_is_set(x, name, &set)) == 0) {
        bool use_then = (*p == '?') ? set : !set;
        if (use_then)
            rc = expand_text(x, c.then_start, (size_t) (c.then_end - c.then_start), out);
        else if (c.else_start)
            rc = expand_text(x, c.else_start, (size_t) (c.else_end - c.else_start), out);
    }
    xfree(name);
    return rc;
}

/* Handles the reference starting at *pp (pointing at '$'); advances *pp. */
static int expand_reference(expander_t *x, const char **pp, const char *end, buf_t *out)
{
    const char *p = *pp + 1, *close;
    char *name;
    int rc;

    if (p < end && *p == '$') {
        buf_putc(out, '$');
        *pp = p + 1;
        return 0;
    }
    if (p < end && (*p == '{' || *p == '(')) {
        char open = *p, shut = (*p == '{') ? '}' : ')';
        if ((close = find_close(p, end, open, shut)) == NULL)
            return fail(x, "missing '%c' in \"%.*s\"", shut, (int) (end - *pp), *pp);
        *pp = close + 1;
        return expand_braced(x, p + 1, close, out);
    }
    for (close = p; close < end && is_name_char((unsigned char) *close); close++)
        ;
    if (close == p)
        return fail(x, "empty parameter name after '$' in \"%.*s\"", (int) (end - *pp), *pp);
    name = xstrndup(p, (size_t) (close - p));
    rc = expand_name(x, name, out);
    xfree(name);
    *pp = close;
    return rc;
}

static int expand_text(expander_t *x, const char *text, size_t len, buf_t *out)
{
    const char *p = text, *end = text + len, *dollar;
    int rc = 0;

    if (++x->depth > CFG_EXPAND_MAX_DEPTH) {
        x->depth--;
        return fail(x, "expansion nested too deeply in \"%.*s\"", (int) (len > 60 ? 60 : len), text);
    }
    while (rc == 0 && p < end) {
        if ((dollar = memchr(p, '$', (size_t) (end - p))) == NULL) {
            buf_append(out, p, (size_t) (end - p));
            break;
        }
        buf_append(out, p, (size_t) (dollar - p));
        p = dollar;
        rc = expand_reference(x, &p, end, out);
    }
    x->depth--;
    return rc;
}

int cfg_expand(const char *text, cfg_lookup_fn lookup, void *ctx, buf_t *out, char **err)
{
    expander_t x;

    memset(&x, 0, sizeof(x));
    x.lookup = lookup;
    x.ctx = ctx;
    if (expand_text(&x, text, strlen(text), out) < 0) {
        *err = x.err;
        return -1;
    }
    return 0;
}

int cfg_expand_param(const char *name, cfg_lookup_fn lookup, void *ctx, buf_t *out,
                     char **err)
{
    expander_t x;

    memset(&x, 0, sizeof(x));
    x.lookup = lookup;
    x.ctx = ctx;
    if (expand_name(&x, name, out) < 0) {
        *err = x.err;
        return -1;
    }
    return 0;
}

void cfg_references(const char *text, void (*fn)(const char *name, void *ctx), void *ctx)
{
    for (const char *p = strchr(text, '$'); p != NULL; p = strchr(p, '$')) {
        const char *start = p + 1, *q;
        char *name;

        if (*start == '$') {
            p = start + 1;
            continue;
        }
        if (*start == '{' || *start == '(')
            start = skip_space(start + 1, start + strlen(start));
        for (q = start; is_name_char((unsigned char) *q); q++)
            ;
        if (q > start) {
            name = xstrndup(start, (size_t) (q - start));
            fn(name, ctx);
            xfree(name);
        }
        p = q > start ? q : start;
    }
}
