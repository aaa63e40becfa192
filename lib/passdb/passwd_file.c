/* passwd_file.c - parses passwd-file text into a user table (see
 * passwd_file.h). One function per step: split the text into lines,
 * split a line into fields, check each field. */
#include <string.h>

#include "passdb/passwd_file.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strmap.h"
#include "util/strutil.h"

struct passwd_table {
    strmap_t *users;
    size_t plain_count;
};

struct parse_ctx {
    passwd_table_t *table;
    const char *filename;
    size_t lineno;
    passwd_report_fn report;
    void *report_ctx;
};

static void report(struct parse_ctx *p, const char *reason)
{
    buf_t b = BUF_INIT;

    if (p->report == NULL)
        return;
    buf_init(&b);
    buf_printf(&b, "%s:%zu: %s", p->filename, p->lineno, reason);
    p->report(buf_str(&b), p->report_ctx);
    buf_dispose(&b);
}

static void entry_free(void *value)
{
    struct passwd_entry *e = value;

    if (e == NULL)
        return;
    xfree(e->user);
    if (e->hash != NULL)
        explicit_bzero(e->hash, strlen(e->hash));
    xfree(e->hash);
    xfree(e->home);
    xfree(e->extra);
    xfree(e);
}

/* Returns the next ':'-separated field (NUL-terminated in place) or NULL
 * when there is none; the last field runs to the end of the line. */
static char *next_field(char **cursor)
{
    char *start = *cursor, *colon;

    if (start == NULL)
        return NULL;
    colon = strchr(start, ':');
    if (colon == NULL) {
        *cursor = NULL;
    } else {
        *colon = '\0';
        *cursor = colon + 1;
    }
    return start;
}

static int parse_id(const char *field, long *out)
{
    if (field == NULL || *field == '\0') {
        *out = -1;
        return 0;
    }
    return str_to_long(field, 0, 0x7fffffffL, out) ? 0 : -1;
}

/* "{SCHEME}hash" or a bare crypt hash; fills scheme and hash. */
static int parse_password(struct parse_ctx *p, const char *field,
                          struct passwd_entry *e)
{
    const char *hash = field, *why = NULL, *close;
    char *name;

    if (*field == '\0') {
        e->scheme = PW_SCHEME_NONE;
        e->hash = xstrdup("");
        return 0;
    }
    e->scheme = PW_SCHEME_CRYPT;
    if (field[0] == '{' && (close = strchr(field, '}')) != NULL) {
        name = xstrndup(field + 1, (size_t) (close - field - 1));
        e->scheme = pw_scheme_by_name(name, false);
        xfree(name);
        if (e->scheme == PW_SCHEME_NONE) {
            report(p, "unsupported password scheme");
            return -1;
        }
        hash = close + 1;
    }
    if (pw_hash_check(e->scheme, hash, &why) < 0) {
        report(p, why);
        return -1;
    }
    e->hash = xstrdup(hash);
    return 0;
}

static int parse_fields(struct parse_ctx *p, char *line, struct passwd_entry *e)
{
    char *cursor = line, *user, *pass, *uid, *gid, *gecos, *home;

    user = next_field(&cursor);
    pass = next_field(&cursor);
    if (pass == NULL) {
        report(p, "missing ':' after the user name");
        return -1;
    }
    if (*user == '\0') {
        report(p, "empty user name");
        return -1;
    }
    e->user = xstrdup(user);
    if (parse_password(p, pass, e) < 0)
        return -1;
    uid = next_field(&cursor);
    gid = next_field(&cursor);
    if (parse_id(uid, &e->uid) < 0 || parse_id(gid, &e->gid) < 0) {
        report(p, "bad uid or gid");
        return -1;
    }
    gecos = next_field(&cursor);
    (void) gecos;
    home = next_field(&cursor);
    e->home = xstrdup(home ? home : "");
    (void) next_field(&cursor);     /* shell */
    e->extra = xstrdup(cursor ? cursor : "");
    return 0;
}

static bool blank_or_comment(const char *data, size_t len)
{
    size_t i = 0;

    while (i < len && (data[i] == ' ' || data[i] == '\t'))
        i++;
    return i == len || data[i] == '#';
}

static void parse_line(struct parse_ctx *p, const char *data, size_t len)
{
    struct passwd_entry *e;
    char *line;

    if (len > 0 && data[len - 1] == '\r')
        len--;
    if (len > PASSWD_FILE_LINE_MAX) {
        report(p, "line too long");
        return;
    }
    if (memchr(data, '\0', len) != NULL) {
        report(p, "NUL byte in line");
        return;
    }
    if (blank_or_comment(data, len))
        return;
    line = xstrndup(data, len);
    e = xcalloc(1, sizeof(*e));
    if (parse_fields(p, line, e) == 0) {
        if (strmap_get(p->table->users, e->user) != NULL) {
            report(p, "duplicate user, first entry kept");
            entry_free(e);
        } else {
            if (e->scheme == PW_SCHEME_PLAIN)
                p->table->plain_count++;
            (void) strmap_put(p->table->users, e->user, e);
        }
    } else {
        entry_free(e);
    }
    explicit_bzero(line, strlen(line));
    xfree(line);
}

passwd_table_t *passwd_file_parse(const char *text, size_t len,
                                  const char *filename,
                                  passwd_report_fn report_fn, void *ctx)
{
    struct parse_ctx p = {0};
    size_t start = 0;

    p.table = xcalloc(1, sizeof(*p.table));
    p.table->users = strmap_new();
    p.filename = filename;
    p.report = report_fn;
    p.report_ctx = ctx;
    while (start < len) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t) (nl - text) : len;

        p.lineno++;
        parse_line(&p, text + start, end - start);
        start = end + 1;
    }
    return p.table;
}

void passwd_table_free(passwd_table_t *t)
{
    if (t == NULL)
        return;
    strmap_free(t->users, entry_free);
    xfree(t);
}

const struct passwd_entry *passwd_table_find(const passwd_table_t *t,
                                             const char *user)
{
    return strmap_get(t->users, user);
}

size_t passwd_table_count(const passwd_table_t *t)
{
    return strmap_count(t->users);
}

size_t passwd_table_plain_count(const passwd_table_t *t)
{
    return t->plain_count;
}
