/* postsuper.c - queue maintenance for the administrator.
 *
 *   postsuper [-psv] [-c config_dir] [-d queue_id] [-h queue_id]
 *             [-H queue_id] [-r queue_id] [queue_name...]
 *
 * -d delete, -h put on hold, -H release from hold, -r requeue (through
 * maildrop and pickup); queue_id is an id, ALL, or "-" to read ids from
 * standard input; options may be repeated. Trailing queue names limit the
 * queues searched (defaults as in Postfix). -s checks and repairs the
 * queue structure, -p removes writers' temporary files older than a day;
 * with no operation at all both are done. Messages follow Postfix
 * ("postsuper: ID: removed", "postsuper: Deleted: N messages"); an invalid
 * id is a warning. Needs write access to the queue (root or mail_owner).
 * Exit status 0, or 1 after a fatal error. */
#include "config/config.h"
#include "queue/queue_config.h"
#include "super_ops.h"
#include "util/mem.h"
#include "util/msg.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TEMP_MAX_AGE 86400

struct request {
    char **ids[OP_COUNT];       /* NULL-terminated lists of arguments */
    size_t nids[OP_COUNT];
    bool wanted[OP_COUNT];
    bool structure, purge;
    char **queues;              /* trailing queue names, NULL = defaults */
};

static void usage(void)
{
    msg_fatal("usage: postsuper [-psv] [-c config_dir] [-d queue_id] [-h queue_id] "
              "[-H queue_id] [-r queue_id] [queue_name...]");
}

static void add_id(struct request *r, enum super_op op, const char *arg)
{
    r->ids[op] = xreallocarray(r->ids[op], r->nids[op] + 2, sizeof(char *));
    r->ids[op][r->nids[op]++] = xstrdup(arg);
    r->ids[op][r->nids[op]] = NULL;
    r->wanted[op] = true;
}

/* "-": ids from standard input, one per line (blanks trimmed). */
static void add_stdin_ids(struct request *r, enum super_op op)
{
    char line[256];

    while (fgets(line, sizeof(line), stdin) != NULL) {
        char *p = line + strspn(line, " \t");
        p[strcspn(p, " \t\r\n")] = '\0';
        if (*p)
            add_id(r, op, p);
    }
    r->wanted[op] = true;
}

static bool queue_allowed(const char *name, const char *const *list)
{
    for (int i = 0; list[i] != NULL; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* One id or ALL in one queue; returns the number of messages done. */
static int apply_in_queue(const queue_t *q, enum super_op op, const char *queue_name,
                          const char *arg)
{
    queue_list_t files;
    char *err = NULL;
    int count = 0;

    if (strcmp(arg, "ALL") != 0)
        return super_apply(q, op, queue_name, arg, true) == 1;
    if (queue_scan(q, queue_name, &files, &err) < 0) {
        msg_warn("%s", err);
        xfree(err);
        return 0;
    }
    for (size_t i = 0; i < files.count; i++)
        count += super_apply(q, op, queue_name, files.items[i].id, false) == 1;
    queue_list_free(&files);
    return count;
}

static void run_op(const queue_t *q, const struct request *r, enum super_op op)
{
    const super_op_info_t *info = super_op_info(op);
    const char *const *queues = r->queues ? (const char *const *) r->queues : info->default_queues;
    int count = 0;

    for (size_t i = 0; i < r->nids[op]; i++) {
        const char *arg = r->ids[op][i];
        if (strcmp(arg, "ALL") != 0 && !queue_id_valid(arg)) {
            msg_warn("invalid mail queue id: %s", arg);
            continue;
        }
        for (int j = 0; queues[j] != NULL; j++)
            if (queue_allowed(queues[j], info->allowed_queues))
                count += apply_in_queue(q, op, queues[j], arg);
    }
    msg_info("%s: %d message%s", info->summary, count, count == 1 ? "" : "s");
}

static void parse_args(int argc, char **argv, struct request *r, const char **dir)
{
    static const char letters[OP_COUNT] = {'d', 'h', 'H', 'r'};
    int opt;

    opterr = 0;
    while ((opt = getopt(argc, argv, "c:d:h:H:r:psv")) != -1) {
        const char *hit = memchr(letters, opt, OP_COUNT);
        if (hit != NULL && opt != 0) {
            enum super_op op = (enum super_op) (hit - letters);
            if (strcmp(optarg, "-") == 0)
                add_stdin_ids(r, op);
            else
                add_id(r, op, optarg);
            continue;
        }
        switch (opt) {
        case 'c': *dir = optarg; break;
        case 'p': r->purge = true; break;
        case 's': r->structure = true; break;
        case 'v': msg_verbose++; break;
        default: usage();
        }
    }
    if (optind < argc) {
        r->queues = xcalloc((size_t) (argc - optind + 1), sizeof(char *));
        for (int i = optind; i < argc; i++) {
            if (!queue_name_valid(argv[i]))
                msg_fatal("invalid directory name: %s", argv[i]);
            r->queues[i - optind] = argv[i];
        }
    }
}

int main(int argc, char **argv)
{
    struct request r;
    const char *dir = NULL;
    char *err = NULL;
    queue_t *q;
    bool any_op = false;
    int n;

    msg_init("postsuper", MSG_SINK_STDERR | MSG_SINK_SYSLOG);
    memset(&r, 0, sizeof(r));
    parse_args(argc, argv, &r, &dir);
    for (int op = 0; op < OP_COUNT; op++)
        any_op |= r.wanted[op];
    if (!any_op && !r.structure && !r.purge)
        r.structure = r.purge = true;
    if (config_load(dir, &err) < 0)
        msg_fatal("%s", err);
    if ((q = queue_from_config(&err)) == NULL)
        msg_fatal("%s", err);
    if (r.purge && (n = super_purge(q, TEMP_MAX_AGE)) > 0)
        msg_info("Purged: %d temporary file%s", n, n == 1 ? "" : "s");
    if (r.structure && (n = super_structure(q)) > 0 && msg_verbose)
        msg_info("Structure repairs: %d", n);
    for (int op = 0; op < OP_COUNT; op++)
        if (r.wanted[op])
            run_op(q, &r, (enum super_op) op);
    for (int op = 0; op < OP_COUNT; op++) {
        for (size_t i = 0; i < r.nids[op]; i++)
            xfree(r.ids[op][i]);
        xfree(r.ids[op]);
    }
    xfree(r.queues);
    queue_free(q);
    return 0;
}
