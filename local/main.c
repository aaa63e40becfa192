/* main.c - the local(8) delivery daemon: qmgr connects to private/local
 * and sends delivery requests (docs/DELIVERY.md); each connection is
 * served by local_serve() with an agent built from main.cf. Runs as root
 * (master.cf unpriv=n) and changes privileges per delivery. A broken
 * configuration (alias table that cannot be opened, bad default_privs) is
 * fatal; a changed alias table makes the process retire before taking the
 * next request (and after its client). */
#include "config/config.h"
#include "local/agent_config.h"
#include "queue/queue_config.h"
#include "server/server.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/stream.h"

#include <unistd.h>

static queue_t *queue;
static local_agent_t agent;

static void local_pre_init(const struct server_context *ctx)
{
    char *err = NULL;

    (void) ctx;
    if ((queue = queue_from_config(&err)) == NULL)
        msg_fatal("%s", err);
    if (local_agent_from_config(&agent, queue, &err) < 0)
        msg_fatal("%s", err);
    config_report_unused();
}

/* The skeleton asks before and after each client: a fresh process
 * serves the next request with the new aliases. */
static bool tables_changed(const struct server_context *ctx)
{
    (void) ctx;
    for (size_t i = 0; i < agent.expand.alias_map_count; i++) {
        if (dict_changed(agent.expand.alias_maps[i])) {
            msg_info("table %s has changed -- restarting",
                     dict_name(agent.expand.alias_maps[i]));
            return true;
        }
    }
    return false;
}

static void local_service(int fd, const struct server_context *ctx)
{
    long timeout = cfg_time("ipc_timeout");
    char *err = NULL;
    stream_t *s = stream_open_fd(fd, 0);

    (void) ctx;
    stream_set_timeout(s, (int) (timeout * 1000), (int) (timeout * 1000));
    if (local_serve(s, &agent, &err) < 0)
        msg_warn("delivery request: %s", err ? err : "connection failed");
    xfree(err);
    stream_close(s);
}

static void local_pre_exit(const struct server_context *ctx)
{
    (void) ctx;
    local_agent_dispose(&agent);
    queue_free(queue);
}

int main(int argc, char **argv)
{
    struct server_callbacks cb = {
        .kind = SERVER_SINGLE,
        .pre_init = local_pre_init,
        .service = local_service,
        .pre_exit = local_pre_exit,
        .stale = tables_changed,
    };

    return server_main(argc, argv, &cb);
}
