/* main.c - the virtual(8) delivery daemon: qmgr connects to
 * private/virtual and sends delivery requests (docs/DELIVERY.md), served
 * by dlv_serve() with virtual_agent_deliver(). Runs as root (master.cf
 * unpriv=n) and takes each mailbox's uid/gid for the delivery. A broken
 * configuration (table that cannot be opened, relative
 * virtual_mailbox_base) is fatal; a changed table makes the process
 * retire after its client. */
#include "config/config.h"
#include "queue/queue_config.h"
#include "server/server.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/stream.h"
#include "virtual/agent_config.h"

static queue_t *queue;
static virtual_agent_t agent;

static void virtual_pre_init(const struct server_context *ctx)
{
    char *err = NULL;

    (void) ctx;
    if ((queue = queue_from_config(&err)) == NULL)
        msg_fatal("%s", err);
    if (virtual_agent_from_config(&agent, queue, &err) < 0)
        msg_fatal("%s", err);
    config_report_unused();
}

static void virtual_service(int fd, const struct server_context *ctx)
{
    long timeout = cfg_time("ipc_timeout");
    char *err = NULL;
    stream_t *s = stream_open_fd(fd, 0);

    (void) ctx;
    stream_set_timeout(s, (int) (timeout * 1000), (int) (timeout * 1000));
    if (dlv_serve(s, "virtual", virtual_agent_deliver, &agent, &err) < 0)
        msg_warn("delivery request: %s", err ? err : "connection failed");
    xfree(err);
    stream_close(s);
    if (virtual_tables_changed(&agent))
        server_retire();
}

static void virtual_pre_exit(const struct server_context *ctx)
{
    (void) ctx;
    virtual_agent_dispose(&agent);
    queue_free(queue);
}

int main(int argc, char **argv)
{
    struct server_callbacks cb = {
        .kind = SERVER_SINGLE,
        .pre_init = virtual_pre_init,
        .service = virtual_service,
        .pre_exit = virtual_pre_exit,
    };

    return server_main(argc, argv, &cb);
}
