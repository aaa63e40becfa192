/* dict_file_tool_cli.c - the command line that postmap(1) and postalias(1)
 * share: flag parsing and dispatch to the table operations of
 * dict_file_tool.c. Exit statuses as Postfix: 0 for success and for a
 * query that found something, 1 otherwise. Usage errors come back as
 * messages; everything else is reported by the operations. */
#include "dict/dict.h"
#include "dict/dict_impl.h"
#include "dict/dict_file_tool.h"
#include "util/msg.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void set_dup_mode(struct dict_tool *t, int mode)
{
    t->dict_flags &= ~(DICT_FLAG_DUP_IGNORE | DICT_FLAG_DUP_REPLACE);
    t->dict_flags |= mode;
}

static void set_nul_mode(struct dict_tool *t, int mode)
{
    t->dict_flags &= ~(DICT_FLAG_NUL_KEY | DICT_FLAG_NO_NUL_KEY);
    t->dict_flags |= mode;
}

/* One flag; false for an unknown one. */
static bool take_flag(struct dict_tool_args *a, int c)
{
    switch (c) {
    case 'N': set_nul_mode(&a->t, DICT_FLAG_NUL_KEY); break;
    case 'n': set_nul_mode(&a->t, DICT_FLAG_NO_NUL_KEY); break;
    case 'f': a->t.dict_flags &= ~DICT_FLAG_FOLD_KEYS; break;
    case 'r': set_dup_mode(&a->t, DICT_FLAG_DUP_REPLACE); break;
    case 'w': set_dup_mode(&a->t, DICT_FLAG_DUP_IGNORE); break;
    case 'i': a->incremental = true; break;
    case 'o': a->t.keep_root = true; break;
    case 'p': a->t.default_perms = true; break;
    case 'S': a->t.strict = true; break;
    case 's': a->dump = true; break;
    case 'v': msg_verbose++; break;
    case 'c': a->config_dir = optarg; break;
    case 'q': a->query = optarg; break;
    case 'd': a->delete_key = optarg; break;
    default: return false;
    }
    return true;
}

int dict_tool_parse_args(int argc, char **argv, bool aliases,
                         struct dict_tool_args *a, char **err)
{
    int c;

    memset(a, 0, sizeof(*a));
    a->t.dict_flags = DICT_FLAG_FOLD_KEYS | DICT_FLAG_DUP_WARN;
    a->t.aliases = aliases;
    opterr = 0;
    while ((c = getopt(argc, argv, "Nnfiopq:d:rSsvwc:")) != -1) {
        if (!take_flag(a, c)) {
            *err = dict_errorf("unknown option -%c", optopt);
            return -1;
        }
    }
    if ((a->query != NULL) + (a->delete_key != NULL) + a->dump
        + a->incremental > 1) {
        *err = dict_errorf("specify only one of -s, -q, -d or -i");
        return -1;
    }
    if (optind >= argc) {
        *err = dict_errorf("no table given");
        return -1;
    }
    a->maps = argv + optind;
    a->nmaps = argc - optind;
    return 0;
}

/* Signals are held while tables change, so that an update is never cut
 * short half-way (Postfix does the same). */
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

static int run_query(struct dict_tool_args *a)
{
    int rc;

    if (strcmp(a->query, "-") == 0)
        rc = dict_tool_query_stream(&a->t, a->maps, a->nmaps, stdin, stdout);
    else
        rc = dict_tool_query(&a->t, a->maps, a->nmaps, a->query, stdout);
    return finish(rc == 1 ? 0 : 1);
}

static int run_delete(struct dict_tool_args *a)
{
    int rc;

    if (strcmp(a->delete_key, "-") == 0)
        rc = dict_tool_delete_stream(&a->t, a->maps, a->nmaps, stdin);
    else
        rc = dict_tool_delete(&a->t, a->maps, a->nmaps, a->delete_key);
    return finish(rc == 1 ? 0 : 1);
}

int dict_tool_run(struct dict_tool_args *a)
{
    int rc = 0;

    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (a->query)
        return run_query(a);
    if (a->dump)
        return finish(dict_tool_dump(&a->t, a->maps, a->nmaps, stdout) == 0
                      ? 0 : 1);
    hold_signals();
    if (a->delete_key)
        return run_delete(a);
    for (int i = 0; i < a->nmaps; i++) {
        int one = a->incremental
            ? dict_tool_add_stream(&a->t, a->maps[i], stdin)
            : dict_tool_build(&a->t, a->maps[i]);
        if (one < 0)
            rc = 1;
    }
    return finish(rc);
}
