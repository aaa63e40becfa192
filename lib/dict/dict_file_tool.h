/* dict_file_tool.h - what postmap(1) and postalias(1) do with tables:
 * build from a source file, add entries from a stream (-i), query (-q),
 * delete (-d) and list (-s). Shared by cli/postmap and cli/postalias;
 * they differ in the entry syntax (dict_tool.aliases).
 *
 * These functions are the tools' behaviour: they report problems with
 * msg_warn()/msg_error() themselves ("FILE, line N: ...") and return a
 * status the tool turns into its exit code. */
#ifndef POSTERN_DICT_DICT_FILE_TOOL_H
#define POSTERN_DICT_DICT_FILE_TOOL_H

#include <stdbool.h>
#include <stdio.h>

struct dict_tool {
    int dict_flags;        /* DICT_FLAG_FOLD_KEYS, _DUP_*, _NUL_KEY ... */
    bool aliases;          /* aliases(5) syntax, "@" signature, "key:" output */
    bool strict;           /* a malformed input line fails the update */
    bool default_perms;    /* -p: new files get mode 0644 */
    bool keep_root;        /* -o: do not become the source file's owner */
    const char *default_type;  /* for names without "type:" */
};

/* "[type:]name" -> allocated "type:name". */
char *dict_tool_map_name(const struct dict_tool *t, const char *arg);

/* Builds the indexed file for "[type:]file" from file. 0 or -1. */
int dict_tool_build(const struct dict_tool *t, const char *arg);
/* Adds the entries read from in to the existing (or new) table. 0 or -1. */
int dict_tool_add_stream(const struct dict_tool *t, const char *arg, FILE *in);

/* Query: 1 found (value printed), 0 not found, -1 error. The first map
 * (in argument order) that has the key answers. */
int dict_tool_query(const struct dict_tool *t, char **args, int nargs,
                    const char *key, FILE *out);
/* Keys one per line from in; prints "key<TAB>value" ("key:<TAB>value" for
 * aliases) per key found. 1 when any was found, 0 none, -1 error. */
int dict_tool_query_stream(const struct dict_tool *t, char **args, int nargs,
                           FILE *in, FILE *out);
/* Removes key from each map. 1 when removed anywhere, 0 not found, -1. */
int dict_tool_delete(const struct dict_tool *t, char **args, int nargs,
                     const char *key);
int dict_tool_delete_stream(const struct dict_tool *t, char **args,
                            int nargs, FILE *in);
/* Lists every entry of every map. 0 or -1. */
int dict_tool_dump(const struct dict_tool *t, char **args, int nargs,
                   FILE *out);

/* Command line shared by postmap and postalias:
 *   [-NfinoprSsvw] [-c config_dir] [-d key] [-q key] [type:]file ...
 * dict_tool_parse_args() fills *a (t.default_type is left for the caller,
 * who reads main.cf from a->config_dir) and returns 0, or -1 with a
 * message in *err for a usage error. dict_tool_run() runs the selected
 * mode on the remaining arguments and returns the exit status. */
struct dict_tool_args {
    struct dict_tool t;
    const char *config_dir;
    const char *query;       /* -q key, "-" for standard input */
    const char *delete_key;  /* -d key, "-" for standard input */
    bool incremental;        /* -i */
    bool dump;               /* -s */
    char **maps;             /* the [type:]file arguments */
    int nmaps;
};

int dict_tool_parse_args(int argc, char **argv, bool aliases,
                         struct dict_tool_args *a, char **err);
int dict_tool_run(struct dict_tool_args *a);

#endif
