/* postalias.c - postalias(1) and newaliases: build, query, update and list
 * aliases databases from aliases(5) source files. Invoked as "newaliases"
 * it rebuilds every table named by the alias_database parameter. Flags as
 * Postfix's postalias (see cli/postalias/README.md), plus -S: a malformed
 * line fails the build and leaves the old table as it was. The work is
 * done by lib/dict/dict_file_tool*.c, shared with postmap. Exit status 0
 * on success or when a queried key was found, 1 otherwise. */
#include "config/config.h"
#include "dict/dict.h"
#include "dict/dict_file_tool.h"
#include "util/msg.h"

#include <string.h>
#include <unistd.h>

/* newaliases [-v] [-c config_dir]: postalias $alias_database. */
static int newaliases(int argc, char **argv)
{
    struct dict_tool_args a;
    char *err = NULL;
    int c;

    msg_init("newaliases", MSG_SINK_STDERR);
    memset(&a, 0, sizeof(a));
    a.t.dict_flags = DICT_FLAG_FOLD_KEYS | DICT_FLAG_DUP_WARN;
    a.t.aliases = true;
    while ((c = getopt(argc, argv, "vc:")) != -1) {
        if (c == 'v')
            msg_verbose++;
        else if (c == 'c')
            a.config_dir = optarg;
        else
            msg_fatal("usage: newaliases [-v] [-c config_dir]");
    }
    if (optind != argc)
        msg_fatal("usage: newaliases [-v] [-c config_dir]");
    if (config_load(a.config_dir, &err) < 0)
        msg_fatal("%s", err);
    a.t.default_type = cfg_str("default_database_type");
    a.maps = cfg_list("alias_database");
    for (a.nmaps = 0; a.maps[a.nmaps]; a.nmaps++)
        continue;
    c = dict_tool_run(&a);
    cfg_list_free(a.maps);
    return c;
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    struct dict_tool_args a;
    char *err = NULL;

    if (strcmp(slash ? slash + 1 : argv[0], "newaliases") == 0)
        return newaliases(argc, argv);
    msg_init("postalias", MSG_SINK_STDERR);
    if (dict_tool_parse_args(argc, argv, true, &a, &err) < 0)
        msg_fatal("%s; usage: postalias [-NfinoprSsvw] [-c config_dir] "
                  "[-d key] [-q key] [type:]file...", err);
    if (config_load(a.config_dir, &err) < 0)
        msg_fatal("%s", err);
    a.t.default_type = cfg_str("default_database_type");
    return dict_tool_run(&a);
}
