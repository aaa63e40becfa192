/* sendmail_maildrop.c - after a maildrop commit: permissions and the
 * wake-up of pickup (see sendmail_maildrop.h). Failures are warnings. */
#include "sendmail_maildrop.h"

#include <sys/stat.h>

#include "config/config.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/trigger.h"

#define TRIGGER_TIMEOUT_MS 1000

void sendmail_wake_pickup(const queue_t *q)
{
    buf_t path = BUF_INIT;
    char *err = NULL;

    buf_printf(&path, "%s/public/%s", queue_root(q), cfg_str("pickup_service_name"));
    if (trigger_unix(buf_str(&path), "W", 1, TRIGGER_TIMEOUT_MS, &err) < 0) {
        if (msg_verbose)
            msg_info("cannot wake pickup: %s", err);
        xfree(err);
    }
    buf_dispose(&path);
}

/* Postfix's maildrop files are readable by pickup the same way. */
void sendmail_make_readable(const queue_t *q, const char *id)
{
    buf_t path = BUF_INIT;
    char *err = NULL;

    if (queue_path(q, QUEUE_MAILDROP, id, &path, &err) < 0) {
        msg_warn("%s", err);
        xfree(err);
    } else if (chmod(buf_str(&path), 0744) < 0) {
        msg_warn("chmod %s: %m", buf_str(&path));
    }
    buf_dispose(&path);
}
