/* show_params.c - postconf's "name = value" listings (see show_params.h). */
#include "show_params.h"
#include "config/config.h"
#include "config/param_table.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#include <stdio.h>
#include <string.h>

static bool is_unused(const char *name)
{
    for (const char *const *u = config_unknown_names(); *u; u++) {
        if (strcmp(*u, name) == 0)
            return true;
    }
    return false;
}

static const char *raw_for(const show_options_t *opt, const char *name)
{
    if (opt->defaults)
        return config_default_value(name);
    if (opt->only_set)
        return config_file_value(name, NULL);
    return config_raw_value(name);
}

/* Postfix prints values with each run of white space as one space. */
static void squeeze_space(buf_t *value)
{
    size_t out = 0;
    bool in_space = false;

    for (size_t i = 0; i < value->len; i++) {
        char c = value->data[i];
        bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
        if (space && in_space)
            continue;
        value->data[out++] = space ? ' ' : c;
        in_space = space;
    }
    buf_truncate(value, out);
}

/* Prints one parameter; returns 1 when its expansion failed. */
static int show_one(const show_options_t *opt, const char *name, const char *raw)
{
    buf_t value;
    char *err = NULL;
    bool implemented = true;
    int rc = 0;

    buf_init(&value);
    if (opt->expand && config_expand_text(raw, opt->defaults, &value, &err) < 0) {
        msg_warn("%s", err);
        xfree(err);
        buf_set(&value, raw);
        rc = 1;
    } else if (!opt->expand) {
        buf_set(&value, raw);
    }
    squeeze_space(&value);
    if (opt->value_only)
        printf("%s", buf_str(&value));
    else
        printf("%s =%s%s", name, value.len ? " " : "", buf_str(&value));
    if (opt->annotate && config_is_known(name, &implemented) && !implemented)
        printf("  # unsupported");
    printf("\n");
    buf_dispose(&value);
    return rc;
}

static int show_named(const show_options_t *opt, char **names)
{
    int rc = 0;

    for (char **p = names; *p; p++) {
        const char *raw = is_unused(*p) ? NULL : raw_for(opt, *p);
        if (raw == NULL) {
            if (!config_is_known(*p, NULL) && (opt->defaults || is_unused(*p)
                                                || config_file_value(*p, NULL) == NULL))
                msg_warn("%s: unknown parameter", *p);
            continue;
        }
        rc |= show_one(opt, *p, raw);
    }
    return rc;
}

/* What -n lists: the names set in main.cf that something uses, and, as
 * Postfix does, config_directory when it is not the default one. */
static int show_set_in_main_cf(const show_options_t *opt)
{
    char **names = config_file_names();
    const char *dir = config_dir();
    bool dir_pending = strcmp(dir, CONFIG_DEFAULT_DIR) != 0
                       && config_file_value("config_directory", NULL) == NULL;
    int rc = 0;

    for (char **p = names;; p++) {
        if (dir_pending && (*p == NULL || strcmp(*p, "config_directory") > 0)) {
            rc |= show_one(opt, "config_directory", dir);
            dir_pending = false;
        }
        if (*p == NULL)
            break;
        if (!is_unused(*p))
            rc |= show_one(opt, *p, config_file_value(*p, NULL));
    }
    cfg_list_free(names);
    return rc;
}

/* Known parameters, plus names set in main.cf that are known only there
 * (per-transport ones, user-defined ones that something refers to). */
static int show_all(const show_options_t *opt)
{
    size_t count, i = 0;
    const param_def_t *const *defs = param_list(&count);
    char **extra = opt->defaults ? xcalloc(1, sizeof(char *)) : config_file_names();
    char **e = extra;
    int rc = 0;

    while (i < count || *e) {
        while (*e && (param_find(*e) != NULL || is_unused(*e)))
            e++;
        if (*e && (i == count || strcmp(*e, defs[i]->name) < 0)) {
            rc |= show_one(opt, *e, config_raw_value(*e));
            e++;
        } else if (i < count) {
            rc |= show_one(opt, defs[i]->name, raw_for(opt, defs[i]->name));
            i++;
        }
    }
    cfg_list_free(extra);
    return rc;
}

int show_params(const show_options_t *opt, char **names)
{
    if (names != NULL && names[0] != NULL)
        return show_named(opt, names);
    if (opt->only_set)
        return show_set_in_main_cf(opt);
    return show_all(opt);
}

void warn_about_main_cf(char **names)
{
    char **all = config_file_names();
    bool implemented = true;

    for (const char *const *u = config_unknown_names(); *u; u++)
        msg_warn("%s: unused parameter: %s=%s", config_main_cf_path(), *u,
                 config_file_value(*u, NULL));
    for (char **p = (names && names[0]) ? names : all; *p; p++) {
        if (config_file_value(*p, NULL) != NULL && config_is_known(*p, &implemented)
            && !implemented)
            msg_warn("%s: parameter not supported by postern: %s", config_main_cf_path(), *p);
    }
    cfg_list_free(all);
}
