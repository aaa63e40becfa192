/* smtpc_ext.c - parse the EHLO reply keywords (see smtpc_ext.h). */
#include "smtp_client/smtpc_ext.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

void smtpc_ext_init(smtpc_ext_t *e)
{
    memset(e, 0, sizeof(*e));
    buf_init(&e->auth_mechs);
}

void smtpc_ext_dispose(smtpc_ext_t *e)
{
    buf_dispose(&e->auth_mechs);
}

static const struct {
    const char *name;
    unsigned flag;
} keywords[] = {
    {"PIPELINING", SMTP_EXT_PIPELINING},
    {"SIZE", SMTP_EXT_SIZE},
    {"8BITMIME", SMTP_EXT_8BITMIME},
    {"DSN", SMTP_EXT_DSN},
    {"STARTTLS", SMTP_EXT_STARTTLS},
    {"AUTH", SMTP_EXT_AUTH},
    {"ENHANCEDSTATUSCODES", SMTP_EXT_ENHANCEDSTATUSCODES},
    {"SMTPUTF8", SMTP_EXT_SMTPUTF8},
    {"CHUNKING", SMTP_EXT_CHUNKING},
};

/* Parses a decimal SIZE argument; 0 when absent or not a number. */
static uint64_t size_arg(const char *p, const char *end)
{
    uint64_t v = 0;

    if (p >= end)
        return 0;
    for (; p < end; p++) {
        if (!isdigit((unsigned char) *p) || v > (UINT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (uint64_t) (*p - '0');
    }
    return v;
}

/* True if word is one of the space-separated words of list. */
static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; *p; ) {
        const char *w = p;

        while (*p && *p != ' ')
            p++;
        if ((size_t) (p - w) == n && memcmp(w, word, n) == 0)
            return true;
        while (*p == ' ')
            p++;
    }
    return false;
}

/* Appends the mechanism names of "AUTH X Y" (or "AUTH=X Y"), upper case,
 * each once. */
static void add_mechs(buf_t *mechs, const char *p, const char *end)
{
    while (p < end) {
        char name[64];
        size_t n = 0;

        while (p < end && (*p == ' ' || *p == '='))
            p++;
        for (; p < end && *p != ' '; p++)
            if (n < sizeof(name) - 1)
                name[n++] = (char) toupper((unsigned char) *p);
        name[n] = '\0';
        if (n == 0 || has_word(mechs->data ? mechs->data : "", name))
            continue;
        if (mechs->len)
            buf_putc(mechs, ' ');
        buf_puts(mechs, name);
    }
}

static void parse_line(smtpc_ext_t *e, const char *p, const char *end)
{
    const char *kw = p;
    size_t n;

    while (p < end && *p != ' ' && *p != '=')
        p++;
    n = (size_t) (p - kw);
    for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
        if (strlen(keywords[i].name) != n || strncasecmp(kw, keywords[i].name, n) != 0)
            continue;
        e->flags |= keywords[i].flag;
        if (keywords[i].flag == SMTP_EXT_SIZE)
            e->size_limit = size_arg(p < end ? p + 1 : p, end);
        if (keywords[i].flag == SMTP_EXT_AUTH)
            add_mechs(&e->auth_mechs, p, end);
    }
}

void smtpc_ext_parse(smtpc_ext_t *e, const char *lines)
{
    const char *p = strchr(lines, '\n');

    e->flags = 0;
    e->size_limit = 0;
    buf_reset(&e->auth_mechs);
    while (p && p[1]) {
        const char *start = p + 1, *end = strchr(start, '\n');

        if (end == NULL)
            end = start + strlen(start);
        while (end > start && end[-1] == ' ')
            end--;
        parse_line(e, start, end);
        p = strchr(start, '\n');
    }
}
