/* strutil.c - small string helpers (see strutil.h). */
#include "util/strutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static inline int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

char *str_lower(char *s)
{
    for (char *p = s; *p; p++)
        *p = (char) ascii_lower((unsigned char) *p);
    return s;
}

static inline bool is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

char *str_trim(char *s)
{
    char *start = s;
    size_t len;

    while (is_blank((unsigned char) *start))
        start++;
    len = strlen(start);
    while (len > 0 && is_blank((unsigned char) start[len - 1]))
        len--;
    memmove(s, start, len);
    s[len] = '\0';
    return s;
}

bool str_case_eq(const char *a, const char *b)
{
    while (*a && ascii_lower((unsigned char) *a) == ascii_lower((unsigned char) *b))
        a++, b++;
    return *a == '\0' && *b == '\0';
}

bool str_has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_case_has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);

    return ls >= lx && str_case_eq(s + ls - lx, suffix);
}

char *str_token(char **cursor, const char *sep)
{
    char *start = *cursor, *end;

    if (start == NULL)
        return NULL;
    start += strspn(start, sep);
    if (*start == '\0') {
        *cursor = start;
        return NULL;
    }
    end = start + strcspn(start, sep);
    if (*end) {
        *end = '\0';
        *cursor = end + 1;
    } else {
        *cursor = end;
    }
    return start;
}

char *str_token_braced(char **cursor, const char *sep)
{
    char *start = *cursor, *end;
    int depth = 0;

    if (start == NULL)
        return NULL;
    start += strspn(start, sep);
    if (*start == '\0') {
        *cursor = start;
        return NULL;
    }
    for (end = start; *end && (depth > 0 || strchr(sep, *end) == NULL); end++) {
        if (*end == '{')
            depth++;
        else if (*end == '}' && depth > 0)
            depth--;
    }
    if (*end) {
        *end = '\0';
        *cursor = end + 1;
    } else {
        *cursor = end;
    }
    return start;
}

bool str_to_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (s == NULL || *s == '\0' || is_blank((unsigned char) *s))
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool str_to_bool(const char *s, bool *out)
{
    if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0) {
        *out = true;
        return true;
    }
    if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0) {
        *out = false;
        return true;
    }
    return false;
}
