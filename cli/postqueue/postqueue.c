/* postqueue.c - list the mail queue (also run as "mailq").
 *
 *   postqueue [-v] [-c config_dir] -p     mailq format
 *   postqueue [-v] [-c config_dir] -j     JSON, one object per line
 *   mailq [-v] [-c config_dir]            the same as postqueue -p
 *
 * The listing is read straight from queue_directory, so it needs read
 * access to the queue (root or mail_owner); there is no showq service yet.
 * -f, -i and -s (flush, deliver one message, flush a site) need qmgr and
 * are not implemented. Exit status 0, or 1 with a message on stderr. */
#include "config/config.h"
#include "queue/queue_config.h"
#include "showq.h"
#include "util/mem.h"
#include "util/msg.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void usage(const char *prog)
{
    msg_fatal("usage: %s [-v] [-c config_dir] -p | -j", prog);
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *slash = strrchr(argv[0], '/');
    const char *prog = slash ? slash + 1 : argv[0];
    bool as_mailq = strcmp(prog, "mailq") == 0;
    int mode = as_mailq ? 'p' : 0, opt;
    showq_list_t list;
    queue_t *q;
    char *err = NULL;

    msg_init(as_mailq ? "mailq" : "postqueue", MSG_SINK_STDERR);
    opterr = 0;
    while ((opt = getopt(argc, argv, "c:jpv")) != -1) {
        switch (opt) {
        case 'c': dir = optarg; break;
        case 'j': case 'p': mode = opt; break;
        case 'v': msg_verbose++; break;
        default: usage(prog);
        }
    }
    if (mode == 0 || optind != argc)
        usage(prog);
    if (config_load(dir, &err) < 0)
        msg_fatal("%s", err);
    if ((q = queue_from_config(&err)) == NULL)
        msg_fatal("%s", err);
    if (showq_collect(q, &list, &err) < 0)
        msg_fatal("%s", err);
    if (mode == 'j')
        showq_print_json(stdout, &list);
    else
        showq_print_text(stdout, &list);
    showq_free(&list);
    queue_free(q);
    if (fflush(stdout) != 0 || ferror(stdout))
        msg_fatal("write error on standard output");
    return 0;
}
