/* postmap.c - postmap(1): build, query, update and list lookup tables.
 * Same flags as Postfix's postmap (see cli/postmap/README.md), plus -S:
 * a malformed source line fails the build and leaves the old table as it
 * was. Exit status 0 on success or when a queried key was found, 1 on
 * errors or when no queried key was found. */
#include "config/config.h"
#include "dict/dict.h"
#include "dict/dict_file_tool.h"
#include "util/msg.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
    msg_fatal("usage: postmap [-NfinoprSsvw] [-c config_dir] [-d key] "
              "[-q key] [type:]file...");
}

/* Signals are held while tables change, so an update is never cut short
 * half-way (Postfix does the same). */
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

int main(int argc, char **argv)
{
    struct dict_tool t = {DICT_FLAG_FOLD_KEYS | DICT_FLAG_DUP_WARN, false,
                          false, false, false, NULL};
    const char *config_dir = NULL, *query = NULL, *delete_key = NULL;
    bool incremental = false, dump = false;
    char *err = NULL;
    int c, rc = 0;

    msg_init("postmap", MSG_SINK_STDERR);
    while ((c = getopt(argc, argv, "Nnfiopq:d:rSsvwc:")) != -1) {
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
        default: usage();
        }
    }
    if ((query != NULL) + (delete_key != NULL) + dump + incremental > 1)
        msg_fatal("specify only one of -s, -q, -d or -i");
    if (optind >= argc)
        usage();
    if (config_load(config_dir, &err) < 0)
        msg_fatal("%s", err);
    t.default_type = cfg_str("default_database_type");
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
