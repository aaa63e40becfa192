/* qmgr_main.c - the queue manager daemon: configuration, wake-up
 * requests and the periodic queue runs. Runs on the server skeleton as an
 * event-driven service (one long-lived process, maxproc 1): triggers
 * arrive on its public socket, delivery agents answer on connections it
 * opened, and timers drive the deferred-queue runs.
 *
 * Wake-up requests (one byte each, as sent by cleanup, postqueue and
 * master's wakeup timer):
 *   I or W   scan incoming/         D   scan deferred/ for due messages
 *   F        flush: every deferred message now (postqueue -f)
 *   A        incoming and deferred */
#include "qmgr.h"
#include "config/config.h"
#include "config/master_cf.h"
#include "mail/resolve_dict.h"
#include "queue/queue_config.h"
#include "server/server.h"
#include "util/buf.h"
#include "util/events.h"
#include "util/mem.h"
#include "util/msg.h"

#include <stdlib.h>

static qmgr_t qm;

static void queue_run(void *ctx)
{
    qmgr_t *m = ctx;

    qmgr_scan_deferred(m, false);
    qmgr_scan_incoming(m);
    event_timer(m->queue_run_delay * 1000L, queue_run, m);
}

static void on_trigger(const char *data, size_t len, const struct server_context *ctx)
{
    bool incoming = false, deferred = false, flush = false;

    (void) ctx;
    for (size_t i = 0; i < len; i++) {
        switch (data[i]) {
        case 'I':
        case 'W':
            incoming = true;
            break;
        case 'D':
            deferred = true;
            break;
        case 'F':
            flush = true;
            break;
        case 'A':
            incoming = deferred = true;
            break;
        default:
            break;              /* unknown requests are ignored */
        }
    }
    if (flush)
        qmgr_dest_revive_all(&qm);
    if (flush || deferred)
        qmgr_scan_deferred(&qm, flush);
    if (incoming || flush || deferred)
        qmgr_scan_incoming(&qm);
}

/* master.cf gives the transports' process limits; without it there are
 * no such limits (the agents' sockets would not exist either). */
static void load_master_cf(qmgr_t *m)
{
    buf_t path = BUF_INIT;
    char *err = NULL;

    buf_printf(&path, "%s/master.cf", config_dir());
    if (master_cf_load(path.data, &m->master_cf, &err) < 0) {
        msg_warn("%s; no transport process limits", err);
        xfree(err);
        m->master_cf = NULL;
    }
    buf_dispose(&path);
}

static void post_init(const struct server_context *ctx)
{
    char *err = NULL;

    (void) ctx;
    if ((qm.queue = queue_from_config(&err)) == NULL)
        msg_fatal("queue: %s", err);
    if ((qm.resolve = resolve_setup_new(cfg_str, resolve_open_dict, NULL, &err)) == NULL)
        msg_fatal("address resolution: %s", err);
    qm.myhostname = cfg_str("myhostname");
    qm.min_backoff = cfg_time("minimal_backoff_time");
    qm.max_backoff = cfg_time("maximal_backoff_time");
    qm.queue_run_delay = cfg_time("queue_run_delay");
    if (qm.queue_run_delay < 1)
        qm.queue_run_delay = 1;
    qm.max_lifetime = cfg_time("maximal_queue_lifetime");
    qm.bounce_lifetime = cfg_time("bounce_queue_lifetime");
    qm.delay_warning = cfg_time("delay_warning_time");
    qm.bounce_size_limit = cfg_size("bounce_size_limit");
    qm.active_limit = cfg_int("qmgr_message_active_limit");
    qm.agent_timeout_ms = (int) (cfg_time("daemon_timeout") > 2000000 ? 2000000000L
                                 : cfg_time("daemon_timeout") * 1000L);
    load_master_cf(&qm);
    qmgr_recover_active(&qm);
    event_timer(0, queue_run, &qm);
}

int main(int argc, char **argv)
{
    static const struct server_callbacks cb = {
        .kind = SERVER_EVENT,
        .post_init = post_init,
        .trigger = on_trigger,
        .no_idle_exit = true,
    };

    return server_main(argc, argv, &cb);
}
