/* template.c - $name expansion for forward_path and mailbox_command. */
#include "local/template.h"
#include "util/mem.h"

#include <ctype.h>
#include <string.h>

static const char *lookup(const local_var_t *vars, size_t nvars,
                          const char *name, size_t len)
{
    for (size_t i = 0; i < nvars; i++)
        if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
            return vars[i].value ? vars[i].value : "";
    return "";
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char) c) || c == '_';
}

static int syntax_error(char **err, const char *tmpl)
{
    if (err) {
        buf_t b = BUF_INIT;

        buf_printf(&b, "syntax error in \"%s\"", tmpl);
        *err = buf_detach(&b);
    }
    return -1;
}

/* Handles "${...}" starting after "${"; advances *pp past the '}'. */
static int expand_braced(const char **pp, const char *tmpl,
                         const local_var_t *vars, size_t nvars, buf_t *out,
                         bool *used_empty, char **err)
{
    const char *p = *pp, *name = p, *close;
    size_t nlen;
    const char *value;

    while (is_name_char(*p))
        p++;
    nlen = (size_t) (p - name);
    close = strchr(p, '}');
    if (nlen == 0 || close == NULL || (*p != '}' && *p != '?' && *p != ':'))
        return syntax_error(err, tmpl);
    value = lookup(vars, nvars, name, nlen);
    if (*p == '}') {
        if (*value == '\0' && used_empty)
            *used_empty = true;
        buf_puts(out, value);
    } else if ((*p == '?') == (*value != '\0')) {
        buf_append(out, p + 1, (size_t) (close - p - 1));
    }
    *pp = close + 1;
    return 0;
}

int local_template_expand(const char *tmpl, const local_var_t *vars,
                          size_t nvars, buf_t *out, bool *used_empty,
                          char **err)
{
    const char *p = tmpl;

    buf_reset(out);
    if (used_empty)
        *used_empty = false;
    while (*p) {
        if (*p != '$') {
            buf_putc(out, *p++);
            continue;
        }
        p++;
        if (*p == '$') {
            buf_putc(out, *p++);
        } else if (*p == '{') {
            p++;
            if (expand_braced(&p, tmpl, vars, nvars, out, used_empty, err) < 0)
                return -1;
        } else {
            const char *name = p, *value;

            while (is_name_char(*p))
                p++;
            if (p == name)
                return syntax_error(err, tmpl);
            value = lookup(vars, nvars, name, (size_t) (p - name));
            if (*value == '\0' && used_empty)
                *used_empty = true;
            buf_puts(out, value);
        }
    }
    return 0;
}
