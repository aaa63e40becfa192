/* show_params.h - postconf's parameter listings ("name = value").
 * Modes: all known parameters, only those set in main.cf (-n), defaults
 * (-d), named ones; value only (-h), expanded (-x), and our -u which
 * appends "  # unsupported" to parameters Postern does not implement.
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
/* The warnings postconf prints about main.cf: unused parameters, and
 * parameters Postern knows but does not implement. names: limit to these
 * (NULL: every name set in main.cf). */
void warn_about_main_cf(char **names);

#endif
