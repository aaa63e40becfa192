/* postern_check.c - "postern check": report what would stop or weaken a
 * start (unreadable or malformed main.cf/master.cf, unknown parameters,
 * services Postern cannot run, a missing mail_owner or setgid_group when
 * root), and create or repair the queue directory tree. Starts nothing.
 * Problems are printed as warnings; the exit status says whether master
 * could start. The tree itself is lib/queue's (queue_layout_repair). */
#include <stdio.h>
#include <unistd.h>

#include "config/config.h"
#include "postern.h"
#include "queue/queue.h"
#include "queue/queue_config.h"
#include "server/privs.h"
#include "server/services.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

static int check_services(const char *daemon_dir)
{
    struct service_table *t;
    char *path = NULL, *err = NULL;
    buf_t p = BUF_INIT;

    buf_printf(&p, "%s/master.cf", config_dir());
    path = buf_detach(&p);
    buf_dispose(&p);
    if (service_table_load(path, daemon_dir, &t, &err) < 0) {
        msg_error("%s", err);
        xfree(err);
        xfree(path);
        return 1;
    }
    for (size_t i = 0; i < t->cf->nwarnings; i++)
        msg_warn("%s", t->cf->warnings[i]);
    for (size_t i = 0; i < t->count; i++) {
        if (t->defs[i].problem)
            msg_warn("%s: service %s: %s -- will not be started", path,
                     t->defs[i].key, t->defs[i].problem);
        if (t->defs[i].note)
            msg_warn("%s: %s", path, t->defs[i].note);
    }
    service_table_free(t);
    xfree(path);
    return 0;
}


/* Owner ids for the queue tree: mail_owner and setgid_group when root. */
static int lookup_owners(uid_t *uid, gid_t *gid, gid_t *setgid_gid)
{
    struct priv_user u;
    char *err = NULL;

    *uid = getuid();
    *gid = getgid();
    *setgid_gid = getgid();
    if (geteuid() != 0)
        return 0;
    if (priv_lookup_user(cfg_str("mail_owner"), &u, &err) < 0) {
        msg_error("mail_owner: %s", err);
        xfree(err);
        return 1;
    }
    *uid = u.uid;
    *gid = u.gid;
    priv_user_free(&u);
    if (priv_lookup_group(cfg_str("setgid_group"), setgid_gid, &err) < 0) {
        msg_error("setgid_group: %s", err);
        xfree(err);
        return 1;
    }
    return 0;
}

static int check_queue_tree(void)
{
    const char *queue_dir = cfg_str("queue_directory");
    queue_t *q;
    uid_t uid;
    gid_t gid, setgid_gid;
    char *err = NULL;
    int changed = 0, rc;

    if (lookup_owners(&uid, &gid, &setgid_gid) != 0)
        return 1;
    if ((q = queue_from_config(&err)) == NULL) {
        msg_error("queue directory: %s", err);
        xfree(err);
        return 1;
    }
    rc = queue_layout_repair(q, uid, gid, setgid_gid, &changed, &err);
    queue_free(q);
    if (rc < 0) {
        msg_error("queue directory: %s", err);
        xfree(err);
        return 1;
    }
    if (changed)
        msg_info("queue directory %s: %d change%s made", queue_dir, changed,
                 changed == 1 ? "" : "s");
    return 0;
}

int postern_check(const char *daemon_dir)
{
    int bad = 0;

    config_report_unused();
    bad |= check_services(daemon_dir);
    bad |= check_queue_tree();
    postern_check_passwd_file();
    return bad;
}
