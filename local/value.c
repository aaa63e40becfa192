/* value.c - parse alias values and .forward/:include: files into items.
 * Strict: anything ambiguous is an error rather than a guess. */
#include "local/value.h"
#include "util/buf.h"
#include "util/mem.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

typedef struct cursor {
    const char *p, *end;
    char **err;
} cursor_t;

static int parse_error(cursor_t *c, const char *why)
{
    if (c->err && *c->err == NULL)
        *c->err = xstrdup(why);
    return -1;
}

void local_items_init(local_items_t *list)
{
    list->items = NULL;
    list->count = 0;
}

void local_items_free(local_items_t *list)
{
    for (size_t i = 0; i < list->count; i++)
        xfree(list->items[i].value);
    xfree(list->items);
    local_items_init(list);
}

const char *local_item_kind_name(local_item_kind_t kind)
{
    static const char *const names[] = {"address", "mailbox", "command",
                                        "file", "include"};

    return names[kind];
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_bad_control(char c)
{
    unsigned char u = (unsigned char) c;

    return (u < 0x20 && !is_space(c)) || u == 0x7f;
}

/* Reads up to the next unquoted comma (for commands and paths), keeping
 * quotes out; trims trailing blanks. */
static int read_to_comma(cursor_t *c, buf_t *out)
{
    bool quoted = false;

    while (c->p < c->end && (quoted || *c->p != ',')) {
        if (*c->p == '"')
            quoted = !quoted;
        else if (*c->p == '\\' && quoted && c->p + 1 < c->end)
            buf_putc(out, *++c->p);
        else
            buf_putc(out, *c->p);
        c->p++;
    }
    if (quoted)
        return parse_error(c, "unbalanced quote");
    while (out->len > 0 && is_space(out->data[out->len - 1]))
        buf_truncate(out, out->len - 1);
    return 0;
}

/* Reads one address-like token: ends at unquoted white space or comma.
 * Quotes are kept (they belong to the address syntax). */
static int read_word(cursor_t *c, buf_t *out)
{
    bool quoted = false;

    while (c->p < c->end && (quoted || (!is_space(*c->p) && *c->p != ','))) {
        if (*c->p == '"')
            quoted = !quoted;
        else if (*c->p == '\\' && quoted && c->p + 1 < c->end)
            buf_putc(out, *c->p++);
        buf_putc(out, *c->p++);
    }
    if (quoted)
        return parse_error(c, "unbalanced quote");
    return 0;
}

/* Removes one level of enclosing quotes: "\"|cmd x\"" -> "|cmd x". */
static void unquote_whole(buf_t *b)
{
    buf_t tmp;

    if (b->len < 2 || b->data[0] != '"' || b->data[b->len - 1] != '"')
        return;
    buf_init(&tmp);
    for (size_t i = 1; i + 1 < b->len; i++) {
        if (b->data[i] == '\\' && i + 2 < b->len)
            i++;
        buf_putc(&tmp, b->data[i]);
    }
    buf_set(b, tmp.data);
    buf_dispose(&tmp);
}

static int add_item(cursor_t *c, local_items_t *out, local_item_kind_t kind,
                    const char *value)
{
    if (*value == '\0')
        return parse_error(c, kind == LOCAL_ITEM_COMMAND ? "empty command"
                           : kind == LOCAL_ITEM_INCLUDE ? "empty include file name"
                           : "empty address");
    if (strlen(value) > LOCAL_ITEM_MAX)
        return parse_error(c, "item too long");
    if (out->count >= LOCAL_ITEMS_MAX)
        return parse_error(c, "too many items");
    out->items = xreallocarray(out->items, out->count + 1, sizeof(*out->items));
    out->items[out->count].kind = kind;
    out->items[out->count].value = xstrdup(value);
    out->count++;
    return 0;
}

/* Classifies an item by its first bytes and stores it. */
static int classify(cursor_t *c, local_items_t *out, buf_t *item)
{
    const char *s = item->data;

    if (s[0] == '|')
        return add_item(c, out, LOCAL_ITEM_COMMAND, s + 1);
    if (s[0] == '/')
        return add_item(c, out, LOCAL_ITEM_FILE, s);
    if (strncasecmp(s, ":include:", 9) == 0) {
        s += 9;
        while (is_space(*s))
            s++;
        if (*s != '/' && *s != '\0')
            return parse_error(c, "include file name must be absolute");
        return add_item(c, out, LOCAL_ITEM_INCLUDE, s);
    }
    if (s[0] == '\\')
        return add_item(c, out, LOCAL_ITEM_MAILBOX, s + 1);
    if (s[0] == '<' && item->len >= 2 && s[item->len - 1] == '>') {
        buf_t inner = BUF_INIT;
        int rc;

        buf_append(&inner, s + 1, item->len - 2);
        rc = add_item(c, out, LOCAL_ITEM_ADDRESS, inner.data);
        buf_dispose(&inner);
        return rc;
    }
    if (strchr(s, '<') || strchr(s, '>'))
        return parse_error(c, "malformed address");
    return add_item(c, out, LOCAL_ITEM_ADDRESS, s);
}

/* True when the quoted or unquoted item at c starts with a byte that makes
 * it a command, file or include (which run to the next comma). */
static bool runs_to_comma(const cursor_t *c)
{
    const char *p = c->p;

    if (p < c->end && *p == '"')
        p++;
    if (p >= c->end)
        return false;
    return *p == '|' || *p == '/'
        || ((size_t) (c->end - p) >= 9 && strncasecmp(p, ":include:", 9) == 0);
}

static int parse_items(cursor_t *c, local_items_t *out)
{
    buf_t item = BUF_INIT;
    int rc = 0;

    for (const char *q = c->p; q < c->end; q++)
        if (*q == '\0' || is_bad_control(*q)) {
            buf_dispose(&item);
            return parse_error(c, *q ? "control character" : "NUL byte");
        }
    while (rc == 0) {
        while (c->p < c->end && (is_space(*c->p) || *c->p == ','))
            c->p++;
        if (c->p >= c->end)
            break;
        buf_reset(&item);
        if (runs_to_comma(c)) {
            rc = read_to_comma(c, &item);
        } else {
            rc = read_word(c, &item);
            if (rc == 0)
                unquote_whole(&item);
        }
        if (rc == 0 && item.len > LOCAL_ITEM_MAX)
            rc = parse_error(c, "item too long");
        if (rc == 0)
            rc = classify(c, out, &item);
    }
    buf_dispose(&item);
    return rc;
}

int local_value_parse(const char *text, size_t len, local_items_t *out,
                      char **err)
{
    cursor_t c = {text, text + len, err};

    if (err)
        *err = NULL;
    return parse_items(&c, out);
}

int local_file_parse(const char *text, size_t len, local_items_t *out,
                     char **err)
{
    const char *end = text + len, *line = text;
    int lineno = 0;

    if (err)
        *err = NULL;
    while (line < end) {
        const char *nl = memchr(line, '\n', (size_t) (end - line));
        const char *stop = nl ? nl : end, *p = line;
        cursor_t c;

        lineno++;
        while (p < stop && (*p == ' ' || *p == '\t'))
            p++;
        c.p = p;
        c.end = stop > p && stop[-1] == '\r' ? stop - 1 : stop;
        c.err = err;
        if (p < c.end && *p != '#' && parse_items(&c, out) < 0) {
            if (err && *err) {
                buf_t msg = BUF_INIT;

                buf_printf(&msg, "line %d: %s", lineno, *err);
                xfree(*err);
                *err = buf_detach(&msg);
            }
            return -1;
        }
        line = nl ? nl + 1 : end;
    }
    return 0;
}
