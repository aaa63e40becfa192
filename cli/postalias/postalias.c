/* postalias.c - postalias(1) and newaliases: build, query, update and list
 * aliases databases from aliases(5) source files. Invoked as "newaliases"
 * it rebuilds every table named by the alias_database parameter. Flags as
 * Postfix's postalias (see cli/postalias/README.md), plus -S: a malformed
 * line fails the build and leaves the old table as it was. Exit status 0
 * on success or when a queried key was found, 1 otherwise. */
#include "config/config.h"
#include "dict/dict.h"
#include "dict/dict_file_tool.h"
#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(const char *prog)
{
    if (strcmp(prog, "newaliases") == 0)
        msg_fatal("usage: newaliases [-v] [-c config_dir]");
    msg_fatal("usage: postalias [-NfinoprSsvw] [-c config_dir] [-d key] "
              "[-q key] [type:]file...");
}

/* Signals are held while tables change (as Postfix does). */
static void hold_signals(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        msg_fatal("sigprocmask: %s", strerror(errno));
}

static int finish(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        msg_fatal("write error on standard output");
    return status;
}

/* newaliases: postalias $alias_database. */
static int newaliases(struct dict_tool *t)
{
    char **maps = cfg_list("alias_database");
    int rc = 0;

    hold_signals();
    for (char **m = maps; *m; m++)
        if (dict_tool_build(t, *m) < 0)
            rc = 1;
    cfg_list_free(maps);
    return rc;
}

int main(int argc, char **argv)
{
    struct dict_tool t = {DICT_FLAG_FOLD_KEYS | DICT_FLAG_DUP_WARN, true,
                          false, false, false, NULL};
    char *prog = xstrdup(basename(argv[0]));
    const char *config_dir = NULL, *query = NULL, *delete_key = NULL;
    bool incremental = false, dump = false;
    bool as_newaliases = strcmp(prog, "newaliases") == 0;
    char *err = NULL;
    int c, rc = 0;

    msg_init(as_newaliases ? "newaliases" : "postalias", MSG_SINK_STDERR);
    while ((c = getopt(argc, argv, as_newaliases ? "vc:" : "Nnfiopq:d:rSsvwc:")) != -1) {
        switch (c) {
        case 'N': t.dict_flags = (t.dict_flags & ~DICT_FLAG_NO_NUL_KEY) | DICT_FLAG_NUL_KEY; break;
        case 'n': t.dict_flags = (t.dict_flags & ~DICT_FLAG_NUL_KEY) | DICT_FLAG_NO_NUL_KEY; break;
        case 'f': t.dict_flags &= ~DICT_FLAG_FOLD_KEYS; break;
        case 'i': incremental = true; break;
        case 'o': t.keep_root = true; break;
        case 'p': t.default_perms = true; break;
        case 'q': query = optarg; break;
        case 'd': delete_key = optarg; break;
        case 'r': t.dict_flags = (t.dict_flags & ~DICT_FLAG_DUP_IGNORE) | DICT_FLAG_DUP_REPLACE; break;
        case 'w': t.dict_flags = (t.dict_flags & ~DICT_FLAG_DUP_REPLACE) | DICT_FLAG_DUP_IGNORE; break;
        case 'S': t.strict = true; break;
        case 's': dump = true; break;
        case 'v': msg_verbose++; break;
        case 'c': config_dir = optarg; break;
        default: usage(prog);
        }
    }
    if ((query != NULL) + (delete_key != NULL) + dump + incremental > 1)
        msg_fatal("specify only one of -s, -q, -d or -i");
    if (as_newaliases ? optind != argc : optind >= argc)
        usage(prog);
    xfree(prog);
    if (config_load(config_dir, &err) < 0)
        msg_fatal("%s", err);
    t.default_type = cfg_str("default_database_type");
    if (as_newaliases)
        return newaliases(&t);
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);

    if (query && strcmp(query, "-") == 0)
        rc = dict_tool_query_stream(&t, argv + optind, argc - optind, stdin, stdout);
    else if (query)
        rc = dict_tool_query(&t, argv + optind, argc - optind, query, stdout);
    if (query)
        return finish(rc == 1 ? 0 : 1);
    if (dump)
        return finish(dict_tool_dump(&t, argv + optind, argc - optind, stdout) == 0 ? 0 : 1);
    hold_signals();
    if (delete_key && strcmp(delete_key, "-") == 0)
        rc = dict_tool_delete_stream(&t, argv + optind, argc - optind, stdin);
    else if (delete_key)
        rc = dict_tool_delete(&t, argv + optind, argc - optind, delete_key);
    if (delete_key)
        return finish(rc == 1 ? 0 : 1);
    for (int i = optind; i < argc; i++) {
        int one = incremental ? dict_tool_add_stream(&t, argv[i], stdin)
                              : dict_tool_build(&t, argv[i]);
        if (one < 0)
            rc = 1;
    }
    return finish(rc);
}
