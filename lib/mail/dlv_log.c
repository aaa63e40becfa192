/* dlv_log.c - Postfix-shaped delivery log lines (see dlv_log.h). */
#include "mail/dlv_log.h"
#include "util/msg.h"

#include <string.h>
#include <strings.h>

static double diff(const struct timeval *later, const struct timeval *earlier)
{
    double d = (double) (later->tv_sec - earlier->tv_sec)
        + (double) (later->tv_usec - earlier->tv_usec) / 1e6;

    return d < 0 ? 0 : d;
}

void dlv_format_delay(buf_t *out, double s)
{
    if (s < 0.005)
        buf_puts(out, "0");
    else if (s < 10)
        buf_printf(out, "%.2g", s);
    else
        buf_printf(out, "%.0f", s);
}

void dlv_format_line(buf_t *out, const char *queue_id, const char *rcpt,
                     const char *orig, const char *relay,
                     const dlv_times_t *t, const char *dsn,
                     const char *status, const char *text)
{
    if (queue_id)
        buf_printf(out, "%s: ", queue_id);
    buf_printf(out, "to=<%s>, ", rcpt);
    if (orig && *orig && strcasecmp(orig, rcpt) != 0)
        buf_printf(out, "orig_to=<%s>, ", orig);
    buf_printf(out, "relay=%s, delay=", relay);
    dlv_format_delay(out, diff(&t->done, &t->arrival));
    buf_puts(out, ", delays=");
    dlv_format_delay(out, diff(&t->active, &t->arrival));
    buf_putc(out, '/');
    dlv_format_delay(out, diff(&t->agent, &t->active));
    buf_putc(out, '/');
    dlv_format_delay(out, diff(&t->connected, &t->agent));
    buf_putc(out, '/');
    dlv_format_delay(out, diff(&t->done, &t->connected));
    buf_printf(out, ", dsn=%s, status=%s (%s)", dsn, status, text);
}

void dlv_log(const char *queue_id, const char *rcpt, const char *orig,
             const char *relay, const dlv_times_t *t, const char *dsn,
             const char *status, const char *text)
{
    buf_t line = BUF_INIT;

    dlv_format_line(&line, queue_id, rcpt, orig, relay, t, dsn, status, text);
    msg_info("%s", line.data);
    buf_dispose(&line);
}
