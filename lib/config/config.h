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
 * error), never a silent default.
 *
 * Details of this implementation:
 * - File syntax: see cf_lines.h (a '#' only starts a comment at the start
 *   of a line; CR before LF is dropped); each logical line is
 *   "name = value" with white space around '=' and at the ends dropped.
 *   A name is letters, digits, '_', '-' and '.'; names are case-sensitive.
 *   The same name twice: the last one wins. A line with a NUL byte, without
 *   '=' or with a bad name is malformed.
 * - Expansion: see config_expand.h.
 * - Layers, first match wins: overrides (config_override, config_set),
 *   main.cf, run-time values (config_directory = the directory loaded),
 *   defaults (params.def, computed ones for myhostname and mydomain).
 * - Names in main.cf that params.def does not know are kept: they expand
 *   as $name and are listed by config_unknown_names() unless they are
 *   referenced by another value or are per-transport parameters
 *   (TRANSPORT_destination_concurrency_limit and friends, see
 *   param_table.h) of a service in DIR/master.cf (read by config_load(),
 *   so that a process that chroots afterwards still knows them).
 * - Typed values: PARAM_BOOL "yes"/"no" (any case); PARAM_INT decimal within
 *   the parameter's range; PARAM_TIME digits with an optional unit
 *   s m h d w (bare number: the parameter's default unit); PARAM_SIZE
 *   decimal byte count. cfg_int() & co call msg_fatal() with
 *   "bad ... configuration: NAME = VALUE" on a bad value or expansion
 *   error; the cfg_try_*() forms return -1 and set *err instead. */
#ifndef POSTERN_CONFIG_CONFIG_H
#define POSTERN_CONFIG_CONFIG_H

#include <stdbool.h>

#include "util/buf.h"

#define CONFIG_DEFAULT_DIR "/etc/postern"

typedef enum {
    PARAM_STR,   /* any string; lists are strings split by the caller */
    PARAM_INT,   /* decimal integer */
    PARAM_BOOL,  /* yes/no */
    PARAM_TIME,  /* number with optional unit s m h d w; default unit given */
    PARAM_SIZE,  /* byte count */
} param_type_t;

/* Directory: explicit dir, else $MAIL_CONFIG, else CONFIG_DEFAULT_DIR.
 * Reads DIR/main.cf; a missing main.cf is not an error (all defaults).
 * Replaces what an earlier load read; overrides are kept. */
int config_load(const char *dir, char **err);
/* flags: CONFIG_STRICT makes a malformed line an error (-1, *err names
 * "FILE, line N") instead of a warning. */
#define CONFIG_STRICT 1
int config_load_flags(const char *dir, int flags, char **err);
/* Parses main.cf text from memory as if read from filename (tests, fuzz). */
int config_load_text(const char *text, size_t len, const char *filename, int flags,
                     char **err);
const char *config_dir(void);
/* Overrides as from "-o name=value" (command line or master.cf). Returns
 * -1 when the text has no '='. */
int config_override(const char *name_eq_value);
void config_set(const char *name, const char *raw_value);
/* Forgets everything (file, overrides, caches); for tests. */
void config_reset(void);
/* Where warnings about main.cf go (default: msg_warn("%s", text)). */
void config_set_warning_handler(void (*fn)(const char *text));

/* Expanded values. cfg_time() returns seconds. A returned string stays
 * valid until the configuration changes (load, override, set, reset). */
const char *cfg_str(const char *name);
long cfg_int(const char *name);
bool cfg_bool(const char *name);
long cfg_time(const char *name);
long long cfg_size(const char *name);

/* The same with errors returned (-1, *err allocated) instead of fatal. */
int cfg_try_str(const char *name, const char **value, char **err);
int cfg_try_int(const char *name, long *value, char **err);
int cfg_try_bool(const char *name, bool *value, char **err);
int cfg_try_time(const char *name, long *value, char **err);
int cfg_try_size(const char *name, long long *value, char **err);

/* Any name, known or not (user-defined, per-transport): 1 with the
 * expanded value, 0 when undefined, -1 on an expansion error. */
int cfg_get(const char *name, const char **value, char **err);
/* Per-transport value: TRANSPORT_SUFFIX when set, else the matching
 * default (e.g. cfg_transport_int("smtp", "destination_concurrency_limit")
 * falls back to default_destination_concurrency_limit). Fatal on a bad value. */
long cfg_transport_int(const char *transport, const char *suffix);

/* Value parsers used by the accessors (true on success). */
bool cfg_parse_bool(const char *text, bool *out);
bool cfg_parse_int(const char *text, long min, long max, long *out);
bool cfg_parse_time(const char *text, char default_unit, long *seconds);
bool cfg_parse_size(const char *text, long long *out);

/* Splits a list value on commas and white space into a NULL-terminated
 * array of xstrdup'ed words; free with cfg_list_free(). A word containing
 * "{...}" keeps its braces and the text inside (inline:{ a=b, c=d } is one
 * word). cfg_split_list() does the same for any text. */
char **cfg_list(const char *name);
char **cfg_split_list(const char *text);
void cfg_list_free(char **list);

/* Names set in main.cf that nobody knows or uses, sorted; owned by the
 * configuration (valid until it changes). Daemons log them once. */
const char *const *config_unknown_names(void);
/* Logs (msg_warn) each unknown name as "FILE: unused parameter: name=value"
 * and each parameter set in main.cf that Postern does not implement as
 * "FILE: parameter not supported by postern: name"; only the first call
 * after a load logs anything, so daemons may call it freely. */
void config_report_unused(void);

/* --- introspection, for postconf --- */
/* Path of the main.cf read ("DIR/main.cf"). */
const char *config_main_cf_path(void);
/* Raw main.cf value of name (NULL when not set there); *line: its line. */
const char *config_file_value(const char *name, int *line);
/* Names set in main.cf, sorted; free with cfg_list_free(). */
char **config_file_names(void);
/* Raw effective value (override, file, run-time, default), or NULL. */
const char *config_raw_value(const char *name);
/* Raw default value of a known or per-transport parameter, else NULL. */
const char *config_default_value(const char *name);
/* True for parameters in params.def and per-transport names of a service
 * in master.cf. *implemented: the params.def status (per-transport ones
 * follow their base parameter). */
bool config_is_known(const char *name, bool *implemented);
/* Expands text against the current values (defaults_only: against the
 * defaults alone, as postconf -d -x does). */
int config_expand_text(const char *text, bool defaults_only, buf_t *out, char **err);

#endif
