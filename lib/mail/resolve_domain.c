/* resolve_domain.c - domain lists such as mydestination and relay_domains:
 * names, .subdomain patterns, !negation, /file inclusion and type:name
 * tables, first match wins (see resolve.h). Parsing fails with a message
 * for unreadable files and tables that cannot be opened; matching reports
 * table failures as -1 so the caller can defer. */
#include "mail/resolve.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/strutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct domain_entry {
    bool negate;
    bool is_table;
    char *pattern;              /* lower case; for tables the type:name */
    resolve_table_t table;
};

struct resolve_domains {
    struct domain_entry *entries;
    size_t count;
    size_t cap;
    bool match_subdomains;
};

#define LIST_SEPARATORS ", \t\r\n"
#define MAX_INCLUDE_DEPTH 4

static void add_entry(resolve_domains_t *l, const struct domain_entry *e)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->entries = xreallocarray(l->entries, l->cap, sizeof(*l->entries));
    }
    l->entries[l->count++] = *e;
}

static int add_words(resolve_domains_t *l, char *text, int depth,
                     resolve_open_table_fn open_table, void *open_ctx, char **err);

/* Reads a /file entry: its words, '#' starting a comment to the line end. */
static int add_file(resolve_domains_t *l, const char *path, int depth,
                    resolve_open_table_fn open_table, void *open_ctx, char **err)
{
    FILE *fp;
    char line[4096];
    int rc = 0;

    if (depth >= MAX_INCLUDE_DEPTH) {
        errstr_set(err, "%s: files included too deeply", path);
        return -1;
    }
    if ((fp = fopen(path, "r")) == NULL) {
        errstr_set(err, "open %s: %s", path, strerror(errno));
        return -1;
    }
    while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        rc = add_words(l, line, depth + 1, open_table, open_ctx, err);
    }
    if (rc == 0 && ferror(fp)) {
        errstr_set(err, "read %s: %s", path, strerror(errno));
        rc = -1;
    }
    fclose(fp);
    return rc;
}

static int add_word(resolve_domains_t *l, const char *word, int depth,
                    resolve_open_table_fn open_table, void *open_ctx, char **err)
{
    struct domain_entry e;

    memset(&e, 0, sizeof(e));
    if (*word == '!') {
        e.negate = true;
        word++;
    }
    if (*word == '/' && !e.negate)
        return add_file(l, word, depth, open_table, open_ctx, err);
    if (*word == '\0' || *word == '/') {
        errstr_set(err, "bad domain list entry \"%s\"", word);
        return -1;
    }
    e.pattern = xstrdup(word);
    if (strchr(word, ':') != NULL && word[0] != '[') {
        e.is_table = true;
        if (open_table == NULL) {
            errstr_set(err, "table %s: tables are not allowed in this list", word);
            xfree(e.pattern);
            return -1;
        }
        if (open_table(open_ctx, word, &e.table, err) < 0) {
            xfree(e.pattern);
            return -1;
        }
    } else {
        str_lower(e.pattern);
    }
    add_entry(l, &e);
    return 0;
}

static int add_words(resolve_domains_t *l, char *text, int depth,
                     resolve_open_table_fn open_table, void *open_ctx, char **err)
{
    char *cursor = text, *word;

    while ((word = str_token_braced(&cursor, LIST_SEPARATORS)) != NULL)
        if (add_word(l, word, depth, open_table, open_ctx, err) < 0)
            return -1;
    return 0;
}

resolve_domains_t *resolve_domains_new(const char *value, bool match_subdomains,
                                       resolve_open_table_fn open_table,
                                       void *open_ctx, char **err)
{
    resolve_domains_t *l = xcalloc(1, sizeof(*l));
    char *copy = xstrdup(value ? value : "");
    int rc;

    l->match_subdomains = match_subdomains;
    rc = add_words(l, copy, 0, open_table, open_ctx, err);
    xfree(copy);
    if (rc < 0) {
        resolve_domains_free(l);
        return NULL;
    }
    return l;
}

void resolve_domains_free(resolve_domains_t *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++) {
        if (l->entries[i].is_table && l->entries[i].table.close != NULL)
            l->entries[i].table.close(l->entries[i].table.ctx);
        xfree(l->entries[i].pattern);
    }
    xfree(l->entries);
    xfree(l);
}

bool resolve_domains_changed(const resolve_domains_t *l)
{
    if (l == NULL)
        return false;
    for (size_t i = 0; i < l->count; i++) {
        const resolve_table_t *t = &l->entries[i].table;
        if (l->entries[i].is_table && t->changed != NULL && t->changed(t->ctx))
            return true;
    }
    return false;
}

/* Does domain (lower case) match a name pattern? */
static bool name_matches(const char *pattern, const char *domain, bool subdomains)
{
    size_t plen = strlen(pattern), dlen = strlen(domain);

    if (pattern[0] == '.')
        return dlen > plen && strcmp(domain + dlen - plen, pattern) == 0;
    if (strcmp(pattern, domain) == 0)
        return true;
    return subdomains && dlen > plen + 1 && domain[dlen - plen - 1] == '.'
        && strcmp(domain + dlen - plen, pattern) == 0;
}

/* Looks the domain up in a table entry: the domain itself, then for each
 * parent ".parent" (and "parent" with subdomain matching). */
static int table_matches(const struct domain_entry *e, const char *domain,
                         bool subdomains, char **err)
{
    buf_t value = BUF_INIT, key = BUF_INIT;
    const char *dot;
    int rc;

    buf_init(&value);
    buf_init(&key);
    rc = e->table.lookup(e->table.ctx, domain, &value, err);
    for (dot = strchr(domain, '.'); rc == 0 && dot != NULL; dot = strchr(dot + 1, '.')) {
        buf_set(&key, dot);
        rc = e->table.lookup(e->table.ctx, key.data, &value, err);
        if (rc == 0 && subdomains)
            rc = e->table.lookup(e->table.ctx, dot + 1, &value, err);
    }
    buf_dispose(&value);
    buf_dispose(&key);
    return rc;
}

int resolve_domains_match(const resolve_domains_t *l, const char *domain, char **err)
{
    char *lower;
    int rc = 0;

    if (l == NULL || l->count == 0)
        return 0;
    lower = str_lower(xstrdup(domain));
    for (size_t i = 0; i < l->count && rc == 0; i++) {
        const struct domain_entry *e = &l->entries[i];
        int hit = e->is_table ? table_matches(e, lower, l->match_subdomains, err)
                              : name_matches(e->pattern, lower, l->match_subdomains);
        if (hit < 0)
            rc = -1;
        else if (hit > 0)
            rc = e->negate ? 2 : 1;
    }
    xfree(lower);
    return rc == 2 ? 0 : rc;
}
