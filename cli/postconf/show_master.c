/* show_master.c - postconf -M (see show_master.h). */
#include "show_master.h"
#include "config/master_cf.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#include <stdio.h>
#include <string.h>

static bool has_space(const char *s)
{
    return strpbrk(s, " \t\r\n\f\v") != NULL;
}

/* As Postfix prints them: an -o value with white space as {name=value},
 * every other argument as it is (braces already removed). */
static void append_arg(buf_t *line, const char *arg, bool after_o)
{
    buf_putc(line, ' ');
    if (after_o && has_space(arg))
        buf_printf(line, "{%s}", arg);
    else
        buf_puts(line, arg);
}

/* Postfix's layout: column i starts at a fixed position; text that runs
 * past it pushes the next column one space further, and the columns after
 * that return to their positions as soon as there is room. */
static void append_column(buf_t *line, int i, const char *text)
{
    static const size_t start[8] = {0, 11, 17, 25, 33, 41, 49, 57};

    if (i > 0)
        buf_putc(line, ' ');
    while (line->len < start[i])
        buf_putc(line, ' ');
    buf_puts(line, text);
}

static void print_entry(const master_entry_t *e)
{
    buf_t line;

    buf_init(&line);
    for (int i = 0; i < 7; i++)
        append_column(&line, i, e->column[i]);
    append_column(&line, 7, e->command);
    for (size_t i = 0; i < e->nargs; i++)
        append_arg(&line, e->args[i], i > 0 && i < e->nargs - e->nrest
                                      && strcmp(e->args[i - 1], "-o") == 0);
    printf("%s\n", buf_str(&line));
    buf_dispose(&line);
}

static bool selected(const master_entry_t *e, char **selectors)
{
    if (selectors == NULL || selectors[0] == NULL)
        return true;
    for (char **s = selectors; *s; s++) {
        const char *slash = strrchr(*s, '/');
        size_t len = slash ? (size_t) (slash - *s) : strlen(*s);
        if (strlen(e->service) == len && strncmp(e->service, *s, len) == 0
            && (slash == NULL || strcmp(slash + 1, master_type_name(e->type)) == 0))
            return true;
    }
    return false;
}

int show_master(const char *config_dir, char **selectors)
{
    master_cf_t *cf = NULL;
    char *err = NULL;
    buf_t path;

    buf_init(&path);
    buf_printf(&path, "%s/master.cf", config_dir);
    if (master_cf_load(buf_str(&path), &cf, &err) < 0) {
        msg_error("%s", err);
        xfree(err);
        buf_dispose(&path);
        return 1;
    }
    buf_dispose(&path);
    for (size_t i = 0; i < cf->nwarnings; i++)
        msg_warn("%s", cf->warnings[i]);
    for (size_t i = 0; i < cf->count; i++) {
        if (selected(&cf->entries[i], selectors))
            print_entry(&cf->entries[i]);
    }
    master_cf_free(cf);
    return 0;
}
