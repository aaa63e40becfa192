/* postqueue.c - list the mail queue (also run as "mailq").
 *
 *   postqueue [-v] [-c config_dir] -p     mailq format
 *   postqueue [-v] [-c config_dir] -j     JSON, one object per line
 *   postqueue [-v] [-c config_dir] -f     flush: every queued message now
 *   postqueue [-v] [-c config_dir] -i ID  deliver one deferred message now
 *   mailq [-v] [-c config_dir]            the same as postqueue -p
 *
 * The listing is read straight from queue_directory, so it needs read
 * access to the queue (root or mail_owner); there is no showq service yet.
 * -f and -i wake qmgr through its public socket (-i first makes the
 * deferred file due by setting its retry time, the file's mtime, to now).
 * -s (flush one site) needs a per-destination flush service, which does not
 * exist yet: absent. Exit status 0, or 1 with a message on stderr. */
#include "config/config.h"
#include "queue/queue_config.h"
#include "queue/queue_id.h"
#include "showq.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/trigger.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void usage(const char *prog)
{
    msg_fatal("usage: %s [-v] [-c config_dir] -p | -j | -f | -i queue_id", prog);
}

static void wake_qmgr(const queue_t *q, const char *request, const char *what)
{
    buf_t path = BUF_INIT;
    char *err = NULL;

    buf_printf(&path, "%s/public/%s", queue_root(q), cfg_str("queue_service_name"));
    if (trigger_unix(path.data, request, strlen(request), 10000, &err) < 0)
        msg_fatal("Cannot %s - mail system is down (%s)", what, err);
    buf_dispose(&path);
}

/* Makes a deferred message due now, then asks qmgr for a deferred run. */
static void deliver_one(const queue_t *q, const char *id)
{
    buf_t path = BUF_INIT;
    char *err = NULL;
    int rc;

    if (!queue_id_valid(id))
        msg_fatal("invalid queue id: %s", id);
    rc = queue_find(q, "deferred", id, &path, &err);
    if (rc < 0)
        msg_fatal("%s", err);
    if (rc == 0) {
        buf_dispose(&path);
        msg_fatal("%s: no such message in the deferred queue", id);
    }
    if (utimensat(AT_FDCWD, path.data, NULL, 0) < 0)
        msg_fatal("%s: set retry time: %m", path.data);
    buf_dispose(&path);
    wake_qmgr(q, "D", "deliver the message");
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *slash = strrchr(argv[0], '/');
    const char *prog = slash ? slash + 1 : argv[0];
    bool as_mailq = strcmp(prog, "mailq") == 0;
    int mode = as_mailq ? 'p' : 0, opt;
    const char *one_id = NULL;
    showq_list_t list;
    queue_t *q;
    char *err = NULL;

    msg_init(as_mailq ? "mailq" : "postqueue", MSG_SINK_STDERR);
    opterr = 0;
    while ((opt = getopt(argc, argv, "c:fi:jpv")) != -1) {
        switch (opt) {
        case 'c': dir = optarg; break;
        case 'f': case 'j': case 'p': mode = opt; break;
        case 'i': mode = opt; one_id = optarg; break;
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
    if (mode == 'f' || mode == 'i') {
        if (mode == 'f')
            wake_qmgr(q, "F", "flush mail queue");
        else
            deliver_one(q, one_id);
        queue_free(q);
        return 0;
    }
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
