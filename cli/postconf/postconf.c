/* postconf.c - show or change the main.cf configuration, list master.cf.
 *
 *   postconf [-c dir] [-o name=value] [-d] [-h] [-n] [-x] [-u] [name...]
 *   postconf [-c dir] -e name=value...
 *   postconf [-c dir] -# name...
 *   postconf [-c dir] -X name...
 *   postconf [-c dir] -M [service[/type]...]
 *
 * -o overrides a parameter for this run (as a daemon's -o would).
 * Output and warnings have Postfix's shape. -u is Postern's own: it marks
 * parameters Postern knows but does not implement ("  # unsupported").
 * Exit status 0, or 1 after an error (message on stderr naming the file
 * and line where there is one). */
#include "config/cf_lines.h"
#include "config/config.h"
#include "main_cf_edit.h"
#include "show_master.h"
#include "show_params.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum mode { SHOW, EDIT, COMMENT_OUT, REMOVE, MASTER };

/* "name=value" with a non-empty name (white space around it allowed). */
static bool valid_override(const char *text)
{
    const char *eq = strchr(text, '=');

    if (eq == NULL)
        return false;
    for (const char *p = text; p < eq; p++) {
        if (*p != ' ' && *p != '\t')
            return true;
    }
    return false;
}

static void usage(void)
{
    msg_fatal("usage: postconf [-c config_dir] [-o name=value] [-d] [-h] [-n] [-x] [-u] [name...]\n"
              "       postconf [-c config_dir] -e name=value... | -# name... | -X name... | -M [service[/type]...]");
}

static int edit_main_cf(const char *dir, enum mode mode, char **args)
{
    size_t n = 0;
    main_cf_change_t *changes;
    char **storage;
    buf_t path, text, out;
    char *err = NULL;
    int rc = 0;

    while (args[n])
        n++;
    changes = xcalloc(n + 1, sizeof(*changes));
    storage = xcalloc(n + 1, sizeof(*storage));
    for (size_t i = 0; i < n; i++) {
        if (mode == COMMENT_OUT || mode == REMOVE) {
            changes[i].name = args[i];
            changes[i].value = NULL;
            changes[i].remove = mode == REMOVE;
        } else if (!main_cf_parse_assignment(args[i], &changes[i], &storage[i])) {
            msg_fatal("-e requires name=value input, not \"%s\"", args[i]);
        }
    }
    buf_init(&path);
    buf_init(&text);
    buf_init(&out);
    buf_printf(&path, "%s/main.cf", dir);
    if (cf_read_file(buf_str(&path), &text, &err) < 0) {
        if (errno != ENOENT || mode != EDIT)
            msg_fatal("%s", err);
        xfree(err);
        err = NULL;
        buf_reset(&text);
    }
    main_cf_edit(text.data, text.len, changes, n, &out);
    if (main_cf_write(buf_str(&path), out.data, out.len, &err) < 0) {
        msg_error("%s", err);
        xfree(err);
        rc = 1;
    }
    for (size_t i = 0; i < n; i++)
        xfree(storage[i]);
    xfree(storage);
    xfree(changes);
    buf_dispose(&path);
    buf_dispose(&text);
    buf_dispose(&out);
    return rc;
}

static int show(const char *dir, const show_options_t *opt, char **overrides, char **names)
{
    char *err = NULL;
    int rc;

    if (!opt->defaults) {
        if (config_load_flags(dir, CONFIG_STRICT, &err) < 0)
            msg_fatal("%s", err);
    } else if (config_load_flags(dir, 0, &err) < 0) {
        xfree(err);     /* defaults do not depend on main.cf */
    }
    for (char **o = overrides; o && *o; o++) {
        if (config_override(*o) < 0)
            msg_panic("override \"%s\" was checked", *o);
    }
    rc = show_params(opt, names);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        msg_error("write standard output: %m");
        rc = 1;
    }
    if (!opt->defaults)
        warn_about_main_cf(names);
    return rc;
}

static void quiet_warning(const char *text)
{
    (void) text;
}

int main(int argc, char **argv)
{
    show_options_t opt = {false, false, false, false, false};
    enum mode mode = SHOW;
    const char *dir = NULL;
    char **overrides = xcalloc((size_t) argc + 1, sizeof(*overrides));
    size_t noverrides = 0;
    int c, rc;

    msg_init("postconf", MSG_SINK_STDERR);
    while ((c = getopt(argc, argv, "c:dehnMo:uxX#")) != -1) {
        switch (c) {
        case 'c': dir = optarg; break;
        case 'd': opt.defaults = true; break;
        case 'e': mode = EDIT; break;
        case '#': mode = COMMENT_OUT; break;
        case 'X': mode = REMOVE; break;
        case 'h': opt.value_only = true; break;
        case 'n': opt.only_set = true; break;
        case 'M': mode = MASTER; break;
        case 'o':
            if (!valid_override(optarg))
                msg_fatal("-o requires name=value input, not \"%s\"", optarg);
            overrides[noverrides++] = optarg;
            break;
        case 'u': opt.annotate = true; break;
        case 'x': opt.expand = true; break;
        default: usage();
        }
    }
    if (dir == NULL || *dir == '\0')
        dir = getenv("MAIL_CONFIG");
    if (dir == NULL || *dir == '\0')
        dir = CONFIG_DEFAULT_DIR;
    if ((mode == EDIT || mode == COMMENT_OUT || mode == REMOVE) && optind >= argc)
        usage();
    config_set_warning_handler(quiet_warning);
    switch (mode) {
    case EDIT:
    case COMMENT_OUT:
    case REMOVE:
        rc = edit_main_cf(dir, mode, argv + optind);
        break;
    case MASTER:
        rc = show_master(dir, argv + optind);
        break;
    default:
        rc = show(dir, &opt, overrides, argv + optind);
        break;
    }
    config_reset();
    xfree(overrides);
    return rc;
}
