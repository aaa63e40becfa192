/* dict_alias.c - aliases(5) entry parser: "name: value, ..." into a
 * lower-cased local name and a value in normal form (see dict_alias.h).
 * A small RFC 822 tokenizer: words, quoted strings, comments, domain
 * literals and specials. Tolerant: an unclosed quote or comment ends at the
 * end of the line. Never logs. */
#include "dict/dict_alias.h"

#include <stdbool.h>
#include <string.h>

enum tok_kind { T_END, T_ATOM, T_QSTRING, T_COMMENT, T_LITERAL, T_SPECIAL };

static bool is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v'
        || c == '\f';
}

static bool is_special(int c)
{
    return c != '\0' && strchr("()<>@,;:\\\".[]", c) != NULL;
}

/* Bytes that force an atom to be written as a quoted string. */
static bool needs_quoting(const buf_t *text)
{
    for (size_t i = 0; i < text->len; i++) {
        unsigned char c = (unsigned char) text->data[i];
        if (is_special(c) || is_blank(c) || c < 32 || c == 127)
            return true;
    }
    return false;
}

/* Quoted string or domain literal: up to the closing byte, backslash
 * escapes resolved when keep_raw is false. */
static void scan_delimited(const char **pp, int close, bool keep_raw,
                           buf_t *text)
{
    const char *p = *pp + 1;

    if (keep_raw)
        buf_putc(text, **pp);
    for (; *p && *p != close; p++) {
        if (*p == '\\' && p[1]) {
            if (keep_raw)
                buf_putc(text, *p);
            p++;
        } else if (*p == '\\' && keep_raw) {
            buf_putc(text, *p);   /* lone backslash at the end: escape it */
        }
        buf_putc(text, *p);
    }
    if (keep_raw)
        buf_putc(text, close);
    *pp = *p ? p + 1 : p;
}

/* Comment, kept verbatim with its parentheses; nesting allowed. */
static void scan_comment(const char **pp, buf_t *text)
{
    const char *p = *pp;
    int depth = 0;

    for (; *p; p++) {
        if (*p == '\\') {
            buf_putc(text, '\\');   /* a lone one at the end is escaped */
            if (p[1])
                p++;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')' && --depth == 0) {
            buf_putc(text, *p++);
            break;
        }
        buf_putc(text, *p);
    }
    while (depth-- > 0 && *p == '\0')
        buf_putc(text, ')');
    *pp = p;
}

static void scan_atom(const char **pp, buf_t *text)
{
    const char *p = *pp;

    while (*p && !is_blank((unsigned char) *p)
           && (*p == '\\' || !is_special((unsigned char) *p))) {
        if (*p == '\\' && p[1])
            p++;
        buf_putc(text, *p++);
    }
    if (p == *pp)  /* lone trailing backslash */
        buf_putc(text, *p++);
    *pp = p;
}

/* Next token from *pp into text (reset first). */
static enum tok_kind scan(const char **pp, buf_t *text, char *special)
{
    const char *p = *pp;

    buf_reset(text);
    while (is_blank((unsigned char) *p))
        p++;
    *pp = p;
    switch (*p) {
    case '\0':
        return T_END;
    case '"':
        scan_delimited(pp, '"', false, text);
        return T_QSTRING;
    case '[':
        scan_delimited(pp, ']', true, text);
        return T_LITERAL;
    case '(':
        scan_comment(pp, text);
        return T_COMMENT;
    case '\\':
        scan_atom(pp, text);
        return T_ATOM;
    default:
        if (is_special((unsigned char) *p)) {
            *special = *p;
            *pp = p + 1;
            return T_SPECIAL;
        }
        scan_atom(pp, text);
        return T_ATOM;
    }
}

static void put_quoted(buf_t *out, const buf_t *text)
{
    buf_putc(out, '"');
    for (size_t i = 0; i < text->len; i++) {
        if (text->data[i] == '"' || text->data[i] == '\\')
            buf_putc(out, '\\');
        buf_putc(out, text->data[i]);
    }
    buf_putc(out, '"');
}

static bool ends_word(enum tok_kind k, char special)
{
    return k == T_ATOM || k == T_QSTRING || k == T_COMMENT || k == T_LITERAL
        || (k == T_SPECIAL && special == '>');
}

static bool starts_word(enum tok_kind k, char special)
{
    return k == T_ATOM || k == T_QSTRING || k == T_COMMENT || k == T_LITERAL
        || (k == T_SPECIAL && special == '<');
}

void dict_alias_normalize_value(const char *text, buf_t *out)
{
    buf_t tok = BUF_INIT;
    enum tok_kind kind, prev = T_END;
    char special = 0, prev_special = 0;

    buf_reset(out);
    buf_init(&tok);
    while ((kind = scan(&text, &tok, &special)) != T_END) {
        if (kind == T_SPECIAL && special == ',') {
            buf_puts(out, ", ");
            prev = T_END;
            continue;
        }
        if (ends_word(prev, prev_special) && starts_word(kind, special))
            buf_putc(out, ' ');
        if (kind == T_SPECIAL)
            buf_putc(out, special);
        else if (kind == T_QSTRING || (kind == T_ATOM && needs_quoting(&tok)))
            put_quoted(out, &tok);
        else
            buf_append(out, tok.data, tok.len);
        prev = kind;
        prev_special = special;
    }
    buf_dispose(&tok);
}

/* Name part up to the first ':' outside quotes and comments: internal
 * form into key. Returns the text after the colon, NULL when none. */
static const char *scan_name(const char *line, buf_t *key, bool *remote)
{
    buf_t tok = BUF_INIT;
    enum tok_kind kind, prev = T_END;
    char special = 0;
    const char *rest = NULL;

    buf_init(&tok);
    buf_reset(key);
    *remote = false;
    while ((kind = scan(&line, &tok, &special)) != T_END) {
        if (kind == T_COMMENT)
            continue;
        if (kind == T_SPECIAL && special == ':') {
            rest = line;
            break;
        }
        if (kind == T_SPECIAL) {
            *remote |= special == '@';
            buf_putc(key, special);
        } else {
            if (prev == T_ATOM || prev == T_QSTRING || prev == T_LITERAL)
                buf_putc(key, ' ');
            buf_append(key, tok.data, tok.len);
        }
        prev = kind;
    }
    buf_dispose(&tok);
    return rest;
}

int dict_alias_parse_entry(const char *line, buf_t *key, buf_t *value,
                           const char **why)
{
    const char *rest;
    bool remote;

    if ((rest = scan_name(line, key, &remote)) == NULL || key->len == 0) {
        *why = "need name:value pair";
        return -1;
    }
    dict_alias_normalize_value(rest, value);
    if (value->len == 0) {
        *why = "need name:value pair";
        return -1;
    }
    if (remote) {
        *why = "name must be local";
        return -1;
    }
    return 0;
}
