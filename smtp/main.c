/* main.c - the smtp(8) delivery daemon: qmgr connects to private/smtp (or
 * private/relay) and sends delivery requests (docs/DELIVERY.md), served
 * by dlv_serve() with smtp_agent_deliver(). Between requests an idle
 * session may be kept for reuse; the server loop's callback closes it
 * after smtp_connection_cache_time_limit. A broken configuration is
 * fatal. */
#include "config/config.h"
#include "deliver/request.h"
#include "queue/queue_config.h"
#include "server/server.h"
#include "smtp/agent.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/stream.h"

#include <signal.h>

static queue_t *queue;
static smtp_config_t config;
static smtp_agent_t agent;

static void smtp_pre_init(const struct server_context *ctx)
{
    char *err = NULL;

    (void) ctx;
    if ((queue = queue_from_config(&err)) == NULL)
        msg_fatal("%s", err);
    if (smtp_config_load(&config, &err) < 0)
        msg_fatal("%s", err);
    smtp_agent_init(&agent, &config, queue);
    signal(SIGPIPE, SIG_IGN);
    config_report_unused();
}

static void smtp_service(int fd, const struct server_context *ctx)
{
    long timeout = cfg_time("ipc_timeout");
    char *err = NULL;
    stream_t *s = stream_open_fd(fd, 0);

    (void) ctx;
    stream_set_timeout(s, (int) (timeout * 1000), (int) (timeout * 1000));
    if (dlv_serve(s, agent.relay, smtp_agent_deliver, &agent, &err) < 0)
        msg_warn("delivery request: %s", err ? err : "connection failed");
    xfree(err);
    stream_close(s);
}

static int smtp_loop(const struct server_context *ctx)
{
    (void) ctx;
    return smtp_cache_expire(&agent.cache, config.cache_time_limit);
}

static void smtp_pre_exit(const struct server_context *ctx)
{
    (void) ctx;
    smtp_agent_dispose(&agent);
    smtp_config_dispose(&config);
    queue_free(queue);
}

int main(int argc, char **argv)
{
    struct server_callbacks cb = {
        .kind = SERVER_SINGLE,
        .pre_init = smtp_pre_init,
        .service = smtp_service,
        .loop = smtp_loop,
        .pre_exit = smtp_pre_exit,
    };

    return server_main(argc, argv, &cb);
}
