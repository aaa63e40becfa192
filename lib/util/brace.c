/* brace.c - Postfix-style "{ ... }" grouping (see brace.h). */
#include "util/brace.h"
#include "util/array_grow.h"
#include "util/mem.h"

#include <string.h>

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static char *format_err(const char *what, const char *text)
{
    buf_t b = BUF_INIT;

    buf_printf(&b, "%s in \"%s\"", what, text);
    return buf_detach(&b);
}

/* Returns the offset just past the '}' matching the '{' at text[0], or 0
 * when the braces do not balance. */
static size_t match_brace(const char *text)
{
    size_t depth = 0;

    for (size_t i = 0; text[i]; i++) {
        if (text[i] == '{')
            depth++;
        else if (text[i] == '}' && --depth == 0)
            return i + 1;
    }
    return 0;
}

/* Appends text[from, to) to out without leading and trailing blanks. */
static void put_trimmed(buf_t *out, const char *text, size_t from, size_t to)
{
    while (from < to && is_blank((unsigned char) text[from]))
        from++;
    while (to > from && is_blank((unsigned char) text[to - 1]))
        to--;
    buf_append(out, text + from, to - from);
}

int brace_unwrap(const char *text, buf_t *out, char **err)
{
    size_t end;

    buf_set(out, "");
    if (text[0] != '{') {
        *err = format_err("missing '{'", text);
        return -1;
    }
    if ((end = match_brace(text)) == 0) {
        *err = format_err("missing '}'", text);
        return -1;
    }
    if (text[end] != '\0') {
        *err = format_err("syntax error after '}'", text);
        return -1;
    }
    put_trimmed(out, text, 1, end - 1);
    return 0;
}

static int is_separator(int c)
{
    return c == ',' || is_blank(c);
}

/* Finds the end of an unbraced item starting at text; braces inside it
 * must balance. Returns 0 on success with *len set. */
static int bare_item_length(const char *text, size_t *len)
{
    size_t depth = 0, i;

    for (i = 0; text[i]; i++) {
        if (text[i] == '{')
            depth++;
        else if (text[i] == '}') {
            if (depth == 0)
                return -1;
            depth--;
        } else if (depth == 0 && is_separator((unsigned char) text[i]))
            break;
    }
    *len = i;
    return depth == 0 ? 0 : -1;
}

static void add_item(char ***items, unsigned char **braced, size_t *count,
                     char *item, int was_braced)
{
    *items = array_grow(*items, *count, *count + 1, sizeof(**items));
    *braced = array_grow(*braced, *count, *count + 1, 1);
    (*items)[*count] = item;
    (*braced)[*count] = (unsigned char) was_braced;
    (*count)++;
}

/* Splits off one item at *pos; returns 1 for an item, 0 at the end, -1 on
 * a syntax error. */
static int next_item(const char *text, size_t *pos, buf_t *item, int *was_braced,
                     char **err)
{
    size_t start = *pos, len;

    while (text[start] && is_separator((unsigned char) text[start]))
        start++;
    if (text[start] == '\0')
        return 0;
    buf_set(item, "");
    if (text[start] == '{') {
        if ((len = match_brace(text + start)) == 0) {
            *err = format_err("missing '}'", text + start);
            return -1;
        }
        if (text[start + len] && !is_separator((unsigned char) text[start + len])) {
            buf_t tmp = BUF_INIT;
            size_t rest;

            if (bare_item_length(text + start, &rest) < 0)
                rest = strlen(text + start);
            buf_append(&tmp, text + start, rest);
            *err = format_err("syntax error after '}'", tmp.data);
            buf_dispose(&tmp);
            return -1;
        }
        put_trimmed(item, text, start + 1, start + len - 1);
        *was_braced = 1;
    } else {
        if (bare_item_length(text + start, &len) < 0) {
            *err = format_err("unbalanced '{' or '}'", text + start);
            return -1;
        }
        buf_append(item, text + start, len);
        *was_braced = 0;
    }
    *pos = start + len;
    return 1;
}

int brace_split(const char *text, char ***items, unsigned char **braced,
                size_t *count, char **err)
{
    buf_t item = BUF_INIT;
    unsigned char *flags = NULL;
    size_t pos = 0;
    int rc, was_braced = 0;

    *items = NULL;
    *count = 0;
    while ((rc = next_item(text, &pos, &item, &was_braced, err)) > 0)
        add_item(items, &flags, count, xstrdup(item.data), was_braced);
    buf_dispose(&item);
    if (rc < 0) {
        brace_free_items(*items, flags, *count);
        *items = NULL;
        *count = 0;
        flags = NULL;
    }
    if (braced)
        *braced = flags;
    else
        xfree(flags);
    return rc < 0 ? -1 : 0;
}

void brace_free_items(char **items, unsigned char *braced, size_t count)
{
    for (size_t i = 0; i < count; i++)
        xfree(items[i]);
    xfree(items);
    xfree(braced);
}
