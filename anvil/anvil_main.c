/* anvil_main.c - the anvil(8) daemon: one event-driven process (master.cf
 * "anvil unix - - n - 1 anvil") that keeps the connection, rate and AUTH
 * failure counters for smtpd and submission (anvil_table.h), answering
 * the anvil protocol (anvil_proto.h, docs/ANVIL.md) on many client
 * connections at once. It never retires on idleness or use count, so
 * lockouts survive quiet periods. Every anvil_status_update_time, and at
 * exit, it logs the peak values in Postfix's "statistics: max ..." shape.
 *
 * Failures: a client that sends a malformed or oversized frame, or stops
 * reading its answers, is logged and disconnected; the counters of the
 * connections it announced are ended. A broken configuration is fatal. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anvil_proto.h"
#include "anvil_table.h"
#include "config/config.h"
#include "ipc/attr.h"
#include "ipc/attr_names.h"
#include "server/server.h"
#include "util/buf.h"
#include "util/events.h"
#include "util/mem.h"
#include "util/msg.h"

#define FRAME_MAX 16384             /* requests are a few short attributes */
#define OUTPUT_MAX (1024 * 1024)    /* answers a client left unread */
#define READ_CHUNK 16384

typedef struct anvil_client {
    int fd;
    buf_t in;
    buf_t out;
    anvil_peer_t *peer;
} anvil_client_t;

static anvil_table_t *table;
static long status_update_time;
static long next_expire;
static long next_status;
static const attr_limits_t frame_limits = {FRAME_MAX, FRAME_MAX, 64};

static long now_seconds(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        msg_fatal("clock_gettime: %m");
    return (long) ts.tv_sec;
}

static void drop_client(anvil_client_t *c)
{
    anvil_peer_close(c->peer, table, now_seconds());
    buf_dispose(&c->in);
    buf_dispose(&c->out);
    server_disconnect(c->fd);
    xfree(c);
}

static void on_writable(int fd, void *ctx);

/* Writes what it can; false when the client is gone (and dropped). */
static bool flush_client(anvil_client_t *c)
{
    while (c->out.len > 0) {
        ssize_t n = write(c->fd, c->out.data, c->out.len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            drop_client(c);
            return false;
        }
        memmove(c->out.data, c->out.data + n, c->out.len - (size_t) n);
        buf_truncate(&c->out, c->out.len - (size_t) n);
    }
    if (c->out.len > OUTPUT_MAX) {
        msg_warn("anvil client does not read its answers -- disconnecting");
        drop_client(c);
        return false;
    }
    if (c->out.len > 0)
        event_write(c->fd, on_writable, c);
    else
        event_write(c->fd, NULL, NULL);
    return true;
}

static void on_writable(int fd, void *ctx)
{
    (void) fd;
    (void) flush_client(ctx);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

/* Answers every complete frame in c->in: 0, or -1 for a bad frame. */
static int answer_frames(anvil_client_t *c)
{
    attr_list_t *req = attr_list_new(), *resp = attr_list_new();
    size_t used = 0;
    int rc = 0;

    while (c->in.len - used >= 4) {
        uint32_t len = get32((const unsigned char *) c->in.data + used);
        char *err = NULL;

        if (len > FRAME_MAX) {
            msg_warn("anvil request of %lu bytes is too large", (unsigned long) len);
            rc = -1;
            break;
        }
        if (c->in.len - used - 4 < len)
            break;
        if (attr_decode_body(c->in.data + used + 4, len, &frame_limits, req, &err) < 0) {
            msg_warn("malformed anvil request: %s", err);
            xfree(err);
            rc = -1;
            break;
        }
        used += 4 + (size_t) len;
        anvil_proto_handle(table, c->peer, req, now_seconds(), resp);
        attr_encode(resp, &c->out);
    }
    memmove(c->in.data, c->in.data + used, c->in.len - used);
    buf_truncate(&c->in, c->in.len - used);
    attr_list_free(req);
    attr_list_free(resp);
    return rc;
}

static void on_readable(int fd, void *ctx)
{
    anvil_client_t *c = ctx;
    char chunk[READ_CHUNK];
    ssize_t n = read(fd, chunk, sizeof(chunk));

    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (n <= 0) {
        if (n < 0)
            msg_warn("read from anvil client: %m");
        drop_client(c);
        return;
    }
    buf_append(&c->in, chunk, (size_t) n);
    if (answer_frames(c) < 0) {
        drop_client(c);
        return;
    }
    (void) flush_client(c);
}

static void anvil_service(int fd, const struct server_context *ctx)
{
    anvil_client_t *c = xcalloc(1, sizeof(*c));
    attr_list_t *hello = attr_list_new();

    (void) ctx;
    c->fd = fd;
    buf_init(&c->in);
    buf_init(&c->out);
    c->peer = anvil_peer_new();
    attr_put_str(hello, ATTR_PROTOCOL, ATTR_ANVIL_PROTOCOL);
    attr_encode(hello, &c->out);
    attr_list_free(hello);
    event_read(fd, on_readable, c);
    (void) flush_client(c);
}

static void log_peak(const char *what, const anvil_peak_t *p, bool rate)
{
    char when[64];
    time_t t = (time_t) p->when;
    struct tm tm;

    if (p->value <= 0)
        return;
    if (localtime_r(&t, &tm) == NULL || strftime(when, sizeof(when), "%b %d %H:%M:%S", &tm) == 0)
        snprintf(when, sizeof(when), "%ld", p->when);
    if (rate)
        msg_info("statistics: max %s %d/%lds for (%s) at %s", what, p->value,
                 anvil_table_rate_unit(table), p->ident, when);
    else
        msg_info("statistics: max %s %d for (%s) at %s", what, p->value, p->ident, when);
}

static void log_statistics(void)
{
    const anvil_peaks_t *p = anvil_table_peaks(table);
    char when[64];
    time_t t = (time_t) p->cache_when;
    struct tm tm;

    log_peak("connection rate", &p->conn_rate, true);
    log_peak("connection count", &p->count, false);
    log_peak("message rate", &p->event_rate[ANVIL_EV_MESSAGE], true);
    log_peak("recipient rate", &p->event_rate[ANVIL_EV_RECIPIENT], true);
    log_peak("newtls rate", &p->event_rate[ANVIL_EV_NEWTLS], true);
    log_peak("auth rate", &p->event_rate[ANVIL_EV_AUTH], true);
    if (p->cache_size == 0)
        return;
    if (localtime_r(&t, &tm) == NULL || strftime(when, sizeof(when), "%b %d %H:%M:%S", &tm) == 0)
        snprintf(when, sizeof(when), "%ld", p->cache_when);
    msg_info("statistics: max cache size %zu at %s", p->cache_size, when);
}

static void anvil_post_init(const struct server_context *ctx)
{
    long unit = cfg_time("anvil_rate_time_unit");

    (void) ctx;
    if (unit <= 0)
        msg_fatal("bad anvil_rate_time_unit: must be at least 1s");
    status_update_time = cfg_time("anvil_status_update_time");
    table = anvil_table_new(unit);
    next_expire = now_seconds() + unit;
    next_status = status_update_time > 0 ? now_seconds() + status_update_time : 0;
    config_report_unused();
}

/* Periodic work: forget idle entries, log the statistics. */
static int anvil_loop(const struct server_context *ctx)
{
    long now = now_seconds();
    long wait;

    (void) ctx;
    if (now >= next_expire) {
        (void) anvil_table_expire(table, now);
        next_expire = now + anvil_table_rate_unit(table);
    }
    if (next_status > 0 && now >= next_status) {
        log_statistics();
        next_status = now + status_update_time;
    }
    wait = next_expire - now;
    if (next_status > 0 && next_status - now < wait)
        wait = next_status - now;
    return wait <= 0 ? 1000 : wait > 3600 ? 3600 * 1000 : (int) (wait * 1000);
}

static void anvil_pre_exit(const struct server_context *ctx)
{
    (void) ctx;
    log_statistics();
    anvil_table_free(table);
    table = NULL;
}

int main(int argc, char **argv)
{
    struct server_callbacks cb = {
        .kind = SERVER_EVENT,
        .post_init = anvil_post_init,
        .service = anvil_service,
        .loop = anvil_loop,
        .pre_exit = anvil_pre_exit,
        .no_idle_exit = true,
    };

    return server_main(argc, argv, &cb);
}
