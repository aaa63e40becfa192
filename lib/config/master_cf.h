/* master_cf.h - master.cf: which services an instance runs, and how.
 *
 * Postfix's format (master(5)): one service per logical line (see
 * cf_lines.h for comments and continuation lines), columns
 *   service type private unpriv chroot wakeup maxproc command [args...]
 * where "-" selects the column's default. Defaults, as master(5)
 * documents them for current Postfix (3.0 and later):
 *   private y, unpriv y, chroot n (it was y before Postfix 3.0),
 *   wakeup 0 (never), maxproc $default_process_limit.
 * An inet service is never private (the column is ignored for it).
 * wakeup may end in '?' (wake only after first use); maxproc 0 = no limit.
 * Arguments: an argument written "{ text }" is the text with the braces
 * and the white space next to them removed; "-o name=value" and
 * "-o { name = value }" (white space around '=' dropped) are collected in
 * opts, "-v" (counted) and "-D" are flags. Option parsing stops at the
 * first argument that is not an option, like getopt: what follows (for
 * instance pipe's "flags=R user=x argv=/bin/prog -o x") is kept in rest.
 * The same service name and type defined twice: the last one wins, and a
 * warning is recorded.
 *
 * Errors: master_cf_parse() returns -1 and sets *err (caller frees) to
 * "FILE, line N: what is wrong" for the first malformed entry (bad column
 * count, unknown type, bad y/n, bad number, unbalanced braces, NUL byte,
 * -o without a value). Warnings never fail the parse; they are kept in
 * cf->warnings for the caller to log. */
#ifndef POSTERN_CONFIG_MASTER_CF_H
#define POSTERN_CONFIG_MASTER_CF_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    MASTER_INET,
    MASTER_UNIX,
    MASTER_UNIX_DGRAM,
    MASTER_FIFO,
    MASTER_PASS,
} master_type_t;

typedef struct master_opt {
    char *name;
    char *value;
} master_opt_t;

#define MASTER_MAXPROC_DEFAULT (-1)

typedef struct master_entry {
    char *service;          /* as written: "smtp", "127.0.0.1:2525", "cleanup" */
    master_type_t type;
    bool is_private;
    bool unpriv;
    bool chroot;
    int wakeup;             /* seconds; 0 = no wake-up */
    bool wakeup_if_used;    /* trailing '?' */
    int maxproc;            /* MASTER_MAXPROC_DEFAULT, 0 = no limit, or N */
    char *command;          /* program name, e.g. "smtpd" */
    char **args;            /* all arguments after command, braces resolved,
                               "-o" values as "name=value"; NULL-terminated */
    size_t nargs;
    master_opt_t *opts;     /* the -o options in order */
    size_t nopts;
    int verbose;            /* number of -v */
    bool debug;             /* -D */
    char **rest;            /* arguments after the options; NULL-terminated */
    size_t nrest;
    char *column[7];        /* columns 1-7 exactly as written */
    int line;               /* physical line where the entry starts */
} master_entry_t;

typedef struct master_cf {
    char *filename;
    master_entry_t *entries; /* file order; a redefined service takes the
                                later position */
    size_t count;
    char **warnings;         /* "FILE, line N: ..." NULL-terminated */
    size_t nwarnings;
} master_cf_t;

/* Parses text (len bytes, may hold NUL); filename is used in messages. */
int master_cf_parse(const char *text, size_t len, const char *filename,
                    master_cf_t **out, char **err);
/* Reads and parses a file. A missing file is an error. */
int master_cf_load(const char *path, master_cf_t **out, char **err);
void master_cf_free(master_cf_t *cf);

const master_entry_t *master_cf_find(const master_cf_t *cf, const char *service,
                                     master_type_t type);
const char *master_type_name(master_type_t type);
/* "inet" ... "pass"; returns false for anything else. */
bool master_type_parse(const char *name, master_type_t *type);
/* maxproc with the default resolved from $default_process_limit. */
long master_entry_maxproc(const master_entry_t *e);
/* Value of the last "-o name=..." of the entry, or NULL. */
const char *master_entry_opt(const master_entry_t *e, const char *name);

#endif
