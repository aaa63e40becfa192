/* pickup_main.c - the pickup daemon: SERVER_TRIGGER on the server
 * skeleton; every wake-up (sendmail's trigger, master's periodic wakeup)
 * scans maildrop/ and hands each message to cleanup. Failures of one
 * scan are logged; the next wake-up tries again. */
#include "config/config.h"
#include "pickup/pickup.h"
#include "queue/queue_config.h"
#include "server/server.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

static queue_t *queue;
static char *cleanup_socket;
static char *qmgr_socket;
static pickup_config_t pickup_cfg;

static void pickup_post_init(const struct server_context *ctx)
{
    buf_t path = BUF_INIT;
    char *err = NULL;

    (void) ctx;
    if ((queue = queue_from_config(&err)) == NULL)
        msg_fatal("%s", err);
    buf_printf(&path, "%s/public/%s", queue_root(queue), cfg_str("cleanup_service_name"));
    cleanup_socket = buf_detach(&path);
    buf_printf(&path, "%s/public/%s", queue_root(queue), cfg_str("queue_service_name"));
    qmgr_socket = buf_detach(&path);
    pickup_cfg.cleanup_socket = cleanup_socket;
    pickup_cfg.qmgr_socket = qmgr_socket;
    pickup_cfg.myhostname = cfg_str("myhostname");
    pickup_cfg.bounce_size_limit = cfg_size("bounce_size_limit");
}

static void pickup_trigger(const char *data, size_t len, const struct server_context *ctx)
{
    char *err = NULL;

    (void) data;
    (void) len;
    (void) ctx;
    if (pickup_scan(queue, &pickup_cfg, &err) < 0) {
        msg_warn("maildrop scan stopped: %s", err);
        xfree(err);
    }
}

static void pickup_pre_exit(const struct server_context *ctx)
{
    (void) ctx;
    queue_free(queue);
    xfree(cleanup_socket);
    xfree(qmgr_socket);
}

int main(int argc, char **argv)
{
    struct server_callbacks cb = {0};

    cb.kind = SERVER_TRIGGER;
    cb.post_init = pickup_post_init;
    cb.trigger = pickup_trigger;
    cb.pre_exit = pickup_pre_exit;
    return server_main(argc, argv, &cb);
}
