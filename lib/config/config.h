/* config.h - main.cf: the global configuration of one Postern instance.
 *
 * CONTRACT (implemented in lib/config/): main.cf uses Postfix syntax
 * (name = value, continuation lines starting with white space, # comments,
 * $name / ${name} / ${name?value} / ${name:value} expansion with a recursion
 * limit). Every parameter Postern knows is declared once in params.def with
 * its type, default and whether Postern implements it. Values are expanded
 * lazily when read, so a -o override or a master.cf -o option changes every
 * parameter that refers to it.
 *
 * Errors: config_load() returns -1 and sets *err (caller frees) for an
 * unreadable file; a malformed line is a warning naming "FILE, line N".
 * Reading a parameter that is not in params.def is a panic (a programming
 * error), never a silent default. */
#ifndef POSTERN_CONFIG_CONFIG_H
#define POSTERN_CONFIG_CONFIG_H

#include <stdbool.h>

#define CONFIG_DEFAULT_DIR "/etc/postern"

typedef enum {
    PARAM_STR,   /* any string; lists are strings split by the caller */
    PARAM_INT,   /* decimal integer */
    PARAM_BOOL,  /* yes/no */
    PARAM_TIME,  /* number with optional unit s m h d w; default unit given */
    PARAM_SIZE,  /* byte count */
} param_type_t;

/* Directory: explicit dir, else $MAIL_CONFIG, else CONFIG_DEFAULT_DIR.
 * Reads DIR/main.cf; a missing main.cf is not an error (all defaults). */
int config_load(const char *dir, char **err);
const char *config_dir(void);
/* Overrides as from "-o name=value" (command line or master.cf). Returns
 * -1 when the text has no '='. */
int config_override(const char *name_eq_value);
void config_set(const char *name, const char *raw_value);

/* Expanded values. cfg_time() returns seconds. */
const char *cfg_str(const char *name);
long cfg_int(const char *name);
bool cfg_bool(const char *name);
long cfg_time(const char *name);
long long cfg_size(const char *name);

/* Splits a list value on commas and white space into a NULL-terminated
 * array of xstrdup'ed words; free with cfg_list_free(). */
char **cfg_list(const char *name);
void cfg_list_free(char **list);

#endif
