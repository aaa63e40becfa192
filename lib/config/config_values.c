/* config_values.c - typed access to main.cf values (see config.h):
 * the value parsers, cfg_*() (fatal on a bad value), cfg_try_*() (error
 * returned), and list splitting. */
#include "config/config.h"
#include "config/config_store.h"
#include "util/array_grow.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strutil.h"

#include <limits.h>
#include <stdarg.h>
#include <string.h>

static char *errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *errorf(const char *fmt, ...)
{
    buf_t b;
    va_list ap;

    buf_init(&b);
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *text = buf_detach(&b);

    buf_dispose(&b);
    return text;
}

/* ---- parsers ---- */

bool cfg_parse_bool(const char *text, bool *out)
{
    if (str_case_eq(text, "yes"))
        *out = true;
    else if (str_case_eq(text, "no"))
        *out = false;
    else
        return false;
    return true;
}

bool cfg_parse_int(const char *text, long min, long max, long *out)
{
    if (text[0] == '+')
        return false;
    return str_to_long(text, min, max, out);
}

static bool parse_digits(const char *text, size_t len, long long max, long long *out)
{
    long long v = 0;

    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        if (v > (max - (text[i] - '0')) / 10)
            return false;
        v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return true;
}

static long unit_seconds(char unit)
{
    switch (unit) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 86400;
    case 'w': return 604800;
    default: return 0;
    }
}

bool cfg_parse_time(const char *text, char default_unit, long *seconds)
{
    size_t len = strlen(text);
    long mult = unit_seconds(default_unit);
    long long n;

    if (len > 0 && unit_seconds(text[len - 1]) != 0) {
        mult = unit_seconds(text[len - 1]);
        len--;
    }
    if (mult == 0 || !parse_digits(text, len, INT_MAX, &n) || n > INT_MAX / mult)
        return false;
    *seconds = (long) (n * mult);
    return true;
}

bool cfg_parse_size(const char *text, long long *out)
{
    return parse_digits(text, strlen(text), LLONG_MAX, out);
}

/* ---- accessors ---- */

static const param_def_t *known_def(const char *name)
{
    const param_def_t *def = config_def_of(name);

    if (def == NULL)
        msg_panic("unknown configuration parameter: %s", name);
    return def;
}

int cfg_try_str(const char *name, const char **value, char **err)
{
    int rc;

    (void) known_def(name);
    if ((rc = config_expanded(name, value, err)) < 0)
        return -1;
    if (rc == 0)
        *value = "";
    return 0;
}

int cfg_get(const char *name, const char **value, char **err)
{
    return config_expanded(name, value, err);
}

static int typed_value(const char *name, param_type_t want, const param_def_t **def,
                       const char **value, char **err)
{
    *def = known_def(name);
    if ((*def)->type != want)
        msg_panic("parameter %s read with the wrong type", name);
    return cfg_try_str(name, value, err);
}

int cfg_try_int(const char *name, long *out, char **err)
{
    const param_def_t *def;
    const char *v;

    if (typed_value(name, PARAM_INT, &def, &v, err) < 0)
        return -1;
    if (!cfg_parse_int(v, def->min, def->max, out)) {
        *err = errorf("bad numerical configuration: %s = %s (want an integer from %ld to %ld)",
                      name, v, def->min, def->max);
        return -1;
    }
    return 0;
}

int cfg_try_bool(const char *name, bool *out, char **err)
{
    const param_def_t *def;
    const char *v;

    if (typed_value(name, PARAM_BOOL, &def, &v, err) < 0)
        return -1;
    if (!cfg_parse_bool(v, out)) {
        *err = errorf("bad boolean configuration: %s = %s (want yes or no)", name, v);
        return -1;
    }
    return 0;
}

int cfg_try_time(const char *name, long *out, char **err)
{
    const param_def_t *def;
    const char *v;

    if (typed_value(name, PARAM_TIME, &def, &v, err) < 0)
        return -1;
    if (!cfg_parse_time(v, def->time_unit, out)) {
        *err = errorf("bad time configuration: %s = %s (want a number with an optional unit s, m, h, d or w)",
                      name, v);
        return -1;
    }
    return 0;
}

int cfg_try_size(const char *name, long long *out, char **err)
{
    const param_def_t *def;
    const char *v;

    if (typed_value(name, PARAM_SIZE, &def, &v, err) < 0)
        return -1;
    if (!cfg_parse_size(v, out)) {
        *err = errorf("bad size configuration: %s = %s (want a number of bytes)", name, v);
        return -1;
    }
    return 0;
}

static void fatal_err(char *err)
{
    msg_fatal("%s", err);
}

const char *cfg_str(const char *name)
{
    const char *v;
    char *err = NULL;

    if (cfg_try_str(name, &v, &err) < 0)
        fatal_err(err);
    return v;
}

long cfg_int(const char *name)
{
    long v;
    char *err = NULL;

    if (cfg_try_int(name, &v, &err) < 0)
        fatal_err(err);
    return v;
}

bool cfg_bool(const char *name)
{
    bool v;
    char *err = NULL;

    if (cfg_try_bool(name, &v, &err) < 0)
        fatal_err(err);
    return v;
}

long cfg_time(const char *name)
{
    long v;
    char *err = NULL;

    if (cfg_try_time(name, &v, &err) < 0)
        fatal_err(err);
    return v;
}

long long cfg_size(const char *name)
{
    long long v;
    char *err = NULL;

    if (cfg_try_size(name, &v, &err) < 0)
        fatal_err(err);
    return v;
}

long cfg_transport_int(const char *transport, const char *suffix)
{
    buf_t name;
    long v;
    char *err = NULL;
    const param_def_t *def;
    const char *text;
    int rc;

    buf_init(&name);
    buf_printf(&name, "%s_%s", transport, suffix);
    def = config_def_of(buf_str(&name));
    if (def == NULL) {           /* transport not in master.cf */
        buf_set(&name, "default_");
        buf_puts(&name, suffix);
        if (param_find(buf_str(&name)) == NULL)
            msg_panic("unknown per-transport parameter suffix: %s", suffix);
        v = cfg_int(buf_str(&name));
        buf_dispose(&name);
        return v;
    }
    if ((rc = config_expanded(buf_str(&name), &text, &err)) < 0)
        fatal_err(err);
    if (rc == 0 || !cfg_parse_int(text, def->min, def->max, &v))
        msg_fatal("bad numerical configuration: %s = %s", buf_str(&name), rc ? text : "");
    buf_dispose(&name);
    return v;
}

/* ---- lists ---- */

static bool is_list_sep(int c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

char **cfg_split_list(const char *text)
{
    char **list = xcalloc(array_grow_cap(1), sizeof(*list));
    size_t n = 0;
    const char *p = text;

    for (;;) {
        const char *start;
        int depth = 0;
        while (*p && is_list_sep((unsigned char) *p))
            p++;
        if (*p == '\0')
            break;
        for (start = p; *p && (depth > 0 || !is_list_sep((unsigned char) *p)); p++) {
            if (*p == '{')
                depth++;
            else if (*p == '}' && depth > 0)
                depth--;
        }
        list = array_grow(list, n + 1, n + 2, sizeof(*list));
        list[n++] = xstrndup(start, (size_t) (p - start));
        list[n] = NULL;
    }
    return list;
}

char **cfg_list(const char *name)
{
    return cfg_split_list(cfg_str(name));
}

void cfg_list_free(char **list)
{
    if (list == NULL)
        return;
    for (char **p = list; *p; p++)
        xfree(*p);
    xfree(list);
}
