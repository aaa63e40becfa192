/* postmap.c - postmap(1): build, query, update and list lookup tables.
 * Same flags as Postfix's postmap (see cli/postmap/README.md), plus -S:
 * a malformed source line fails the build and leaves the old table as it
 * was. The work is done by lib/dict/dict_file_tool*.c, shared with
 * postalias. Exit status 0 on success or when a queried key was found,
 * 1 on errors or when no queried key was found. */
#include "config/config.h"
#include "dict/dict_file_tool.h"
#include "util/msg.h"

int main(int argc, char **argv)
{
    struct dict_tool_args a;
    char *err = NULL;

    msg_init("postmap", MSG_SINK_STDERR);
    if (dict_tool_parse_args(argc, argv, false, &a, &err) < 0)
        msg_fatal("%s; usage: postmap [-NfinoprSsvw] [-c config_dir] "
                  "[-d key] [-q key] [type:]file...", err);
    if (config_load(a.config_dir, &err) < 0)
        msg_fatal("%s", err);
    a.t.default_type = cfg_str("default_database_type");
    return dict_tool_run(&a);
}
