/* auth_proto.c - line taking, client command parsing and tab-escaping
 * of the Dovecot authentication protocol (see auth_proto.h). Pure
 * functions: no I/O, no logging. */
#include <string.h>

#include "auth/auth_proto.h"
#include "util/errstr.h"
#include "util/mem.h"

#define ESCAPE_CHAR '\001'
#define ID_MAX 0xffffffffUL

int auth_line_take(buf_t *in, buf_t *line, size_t max)
{
    const char *nl = memchr(in->data, '\n', in->len);
    size_t len, rest;

    if (nl == NULL)
        return in->len > max ? -1 : 0;
    len = (size_t) (nl - in->data);
    if (len > max)
        return -1;
    rest = in->len - len - 1;
    buf_reset(line);
    buf_append(line, in->data, len > 0 && nl[-1] == '\r' ? len - 1 : len);
    memmove(in->data, nl + 1, rest);
    buf_truncate(in, rest);
    return 1;
}

void auth_tab_escape(buf_t *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '\0': buf_putc(out, ESCAPE_CHAR); buf_putc(out, '0'); break;
        case ESCAPE_CHAR: buf_putc(out, ESCAPE_CHAR); buf_putc(out, '1'); break;
        case '\t': buf_putc(out, ESCAPE_CHAR); buf_putc(out, 't'); break;
        case '\r': buf_putc(out, ESCAPE_CHAR); buf_putc(out, 'r'); break;
        case '\n': buf_putc(out, ESCAPE_CHAR); buf_putc(out, 'n'); break;
        default: buf_putc(out, s[i]); break;
        }
    }
}

static char unescaped(char c)
{
    switch (c) {
    case '0': return '\0';
    case '1': return ESCAPE_CHAR;
    case 't': return '\t';
    case 'r': return '\r';
    case 'n': case 'l': return '\n';
    default: return c;
    }
}

int auth_tab_unescape(buf_t *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] != ESCAPE_CHAR) {
            buf_putc(out, s[i]);
            continue;
        }
        if (++i == len)
            return -1;
        buf_putc(out, unescaped(s[i]));
    }
    return 0;
}

/* Plain decimal in [0, max]: no sign, no blanks, at most 10 digits. */
static bool parse_number(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long long v = 0;
    size_t n = 0;

    for (; s[n] >= '0' && s[n] <= '9'; n++) {
        if (n >= 10)
            return false;
        v = v * 10 + (unsigned long long) (s[n] - '0');
    }
    if (n == 0 || s[n] != '\0' || v > max)
        return false;
    *out = (unsigned long) v;
    return true;
}

/* Tab-unescaped copy of an argument; NULL when its escaping is broken or
 * it would hold a NUL byte (no parameter we use may). */
static char *arg_value(const char *s)
{
    buf_t b = BUF_INIT;

    buf_init(&b);
    if (auth_tab_unescape(&b, s, strlen(s)) < 0 || strlen(b.data) != b.len) {
        buf_dispose(&b);
        return NULL;
    }
    return buf_detach(&b);
}

static int fail(char **err, const char *what, const char *name)
{
    errstr_set(err, "%s: %s", name, what);
    return -1;
}

static int parse_version(char **args, size_t n, struct auth_cmd *c, char **err)
{
    if (n < 3 || !parse_number(args[1], ID_MAX, &c->major)
        || !parse_number(args[2], ID_MAX, &c->minor))
        return fail(err, "bad version numbers", "VERSION");
    return 0;
}

static int parse_cpid(char **args, size_t n, struct auth_cmd *c, char **err)
{
    if (n < 2 || !parse_number(args[1], ID_MAX, &c->pid))
        return fail(err, "bad process id", "CPID");
    return 0;
}

static int set_string(char **slot, const char *value, char **err)
{
    char *v = arg_value(value);

    if (v == NULL)
        return fail(err, "bad escaping in parameter", "AUTH");
    xfree(*slot);
    *slot = v;
    return 0;
}

/* One optional AUTH parameter; 1 when it was resp= (the last one). */
static int auth_param(const char *p, struct auth_cmd *c, char **err)
{
    if (strncmp(p, "resp=", 5) == 0) {
        c->has_resp = true;
        c->data = xstrdup(p + 5);
        return 1;
    }
    if (strncmp(p, "service=", 8) == 0)
        return set_string(&c->service, p + 8, err);
    if (strncmp(p, "rip=", 4) == 0)
        return set_string(&c->rip, p + 4, err);
    if (strncmp(p, "lip=", 4) == 0)
        return set_string(&c->lip, p + 4, err);
    if (strcmp(p, "secured") == 0 || strncmp(p, "secured=", 8) == 0)
        c->secured = true;
    else if (strcmp(p, "nologin") == 0)
        c->nologin = true;
    else if (strcmp(p, "no-penalty") == 0)
        c->no_penalty = true;
    return 0;
}

static int parse_auth(char **args, size_t n, struct auth_cmd *c, char **err)
{
    int rc;

    if (n < 3 || !parse_number(args[1], ID_MAX, &c->id))
        return fail(err, "bad request id", "AUTH");
    if (args[2][0] == '\0')
        return fail(err, "missing mechanism", "AUTH");
    c->mech = xstrdup(args[2]);
    for (size_t i = 3; i < n; i++) {
        if ((rc = auth_param(args[i], c, err)) < 0)
            return -1;
        if (rc == 1)
            break;
    }
    if (c->service == NULL || c->service[0] == '\0')
        return fail(err, "missing service", "AUTH");
    return 0;
}

static int parse_cont(char **args, size_t n, struct auth_cmd *c, char **err)
{
    if (n < 3 || !parse_number(args[1], ID_MAX, &c->id))
        return fail(err, "bad request id or missing data", "CONT");
    c->data = xstrdup(args[2]);
    return 0;
}

static const struct {
    const char *name;
    auth_cmd_type_t type;
    int (*parse)(char **args, size_t n, struct auth_cmd *c, char **err);
} commands[] = {
    {"VERSION", AUTH_CMD_VERSION, parse_version},
    {"CPID", AUTH_CMD_CPID, parse_cpid},
    {"AUTH", AUTH_CMD_AUTH, parse_auth},
    {"CONT", AUTH_CMD_CONT, parse_cont},
};

/* Splits a copy of the line on TAB into a NULL-terminated array. */
static char **split_tabs(char *copy, size_t *count)
{
    size_t n = 1, i = 0;
    char **args;

    for (char *p = copy; *p; p++)
        n += *p == '\t';
    args = xcalloc(n + 1, sizeof(*args));
    args[i++] = copy;
    for (char *p = copy; *p; p++) {
        if (*p == '\t') {
            *p = '\0';
            args[i++] = p + 1;
        }
    }
    *count = n;
    return args;
}

int auth_cmd_parse(const char *line, size_t len, struct auth_cmd *out,
                   char **err)
{
    char *copy, **args;
    size_t n;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (len == 0 || memchr(line, '\0', len) != NULL) {
        errstr_set(err, len ? "NUL byte in line" : "empty line");
        return -1;
    }
    copy = xstrndup(line, len);
    args = split_tabs(copy, &n);
    out->name = xstrdup(args[0]);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(args[0], commands[i].name) == 0) {
            out->type = commands[i].type;
            rc = commands[i].parse(args, n, out, err);
            break;
        }
    }
    xfree(args);
    xfree(copy);
    if (rc < 0)
        auth_cmd_free(out);
    return rc;
}

void auth_cmd_free(struct auth_cmd *cmd)
{
    xfree(cmd->name);
    xfree(cmd->mech);
    xfree(cmd->service);
    xfree(cmd->rip);
    xfree(cmd->lip);
    if (cmd->data != NULL)
        explicit_bzero(cmd->data, strlen(cmd->data));
    xfree(cmd->data);
    memset(cmd, 0, sizeof(*cmd));
}
