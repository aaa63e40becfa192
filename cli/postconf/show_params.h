/* show_params.h - postconf's parameter listings ("name = value").
 * Modes: all known parameters, only those set and used in main.cf (-n,
 * which also shows a non-default config_directory as Postfix does), defaults
 * (-d), named ones; value only (-h), expanded (-x), and our -u which
 * appends "  # unsupported" to parameters Postern does not implement.
 * Values print with each run of white space as one space, an empty one
 * as "name =". Named parameters that main.cf sets
 * but nothing uses are "unknown parameter", as in Postfix.
 * Returns 0, or 1 when an expansion failed (reported on stderr). */
#ifndef POSTERN_POSTCONF_SHOW_PARAMS_H
#define POSTERN_POSTCONF_SHOW_PARAMS_H

#include <stdbool.h>

typedef struct show_options {
    bool only_set;      /* -n */
    bool defaults;      /* -d */
    bool value_only;    /* -h */
    bool expand;        /* -x */
    bool annotate;      /* -u */
} show_options_t;

int show_params(const show_options_t *opt, char **names);
/* The warnings postconf prints about main.cf, after its output as
 * Postfix does: unused parameters (always all of them), and parameters
 * Postern knows but does not implement (limited to names, unless names
 * is NULL or empty). */
void warn_about_main_cf(char **names);

#endif
