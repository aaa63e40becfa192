/* dlv_fixture.c - test-only delivery agent for qmgr's integration test
 * (never installed). Speaks the delivery protocol (docs/DELIVERY.md) on
 * the server skeleton and decides by the recipient's local part:
 *   bounce*      bounced, 5.1.1 "no such user here"
 *   defer*       deferred, 4.2.0 "try again later"
 *   once*        deferred the first time it is seen, then delivered
 *   anything     delivered: one line "QUEUEID RECIPIENT" appended to the
 *                file named by the first argument after the flags.
 * Logs the usual to=<...> line for each recipient. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/attr.h"
#include "ipc/attr_names.h"
#include "mail/dlv_log.h"
#include "server/server.h"
#include "util/buf.h"
#include "util/msg.h"
#include "util/stream.h"

static const char *record_file;

static void record(const char *id, const char *rcpt)
{
    char line[1100];
    int fd = open(record_file, O_WRONLY | O_APPEND | O_CREAT, 0600);
    int n = snprintf(line, sizeof(line), "%s %s\n", id, rcpt);

    if (fd < 0 || write(fd, line, (size_t) n) != n)
        msg_fatal("record %s: %m", record_file);
    close(fd);
}

/* "once" recipients: a marker file per recipient next to the record. */
static int seen_before(const char *rcpt)
{
    buf_t path = BUF_INIT;
    struct stat st;
    int seen;

    buf_printf(&path, "%s.seen.%s", record_file, rcpt);
    seen = stat(path.data, &st) == 0;
    if (!seen)
        close(open(path.data, O_WRONLY | O_CREAT, 0600));
    buf_dispose(&path);
    return seen;
}

static void decide(const char *id, const char *rcpt, int *status, const char **dsn,
                   const char **text)
{
    if (strncmp(rcpt, "bounce", 6) == 0) {
        *status = DLV_STATUS_BOUNCED, *dsn = "5.1.1", *text = "no such user here";
    } else if (strncmp(rcpt, "defer", 5) == 0
               || (strncmp(rcpt, "once", 4) == 0 && !seen_before(rcpt))) {
        *status = DLV_STATUS_DEFERRED, *dsn = "4.2.0", *text = "try again later";
    } else {
        record(id, rcpt);
        *status = DLV_STATUS_SENT, *dsn = "2.0.0", *text = "delivered to fixture";
    }
}

static void deliver(stream_t *s, const attr_list_t *req)
{
    attr_list_t *resp = attr_list_new();
    const char *id = "?", *addr;
    long sec = 0, usec = 0;
    char name[64];
    dlv_times_t t;
    int n = 0;

    attr_get_str(req, ATTR_QUEUE_ID, &id);
    attr_get_int(req, ATTR_RCPT_COUNT, &n);
    attr_get_long(req, ATTR_ARRIVAL_TIME, &sec);
    attr_get_long(req, ATTR_ARRIVAL_USEC, &usec);
    t.arrival = (struct timeval) {sec, usec};
    attr_get_long(req, ATTR_ACTIVE_TIME, &sec);
    attr_get_long(req, ATTR_ACTIVE_USEC, &usec);
    t.active = (struct timeval) {sec, usec};
    gettimeofday(&t.agent, NULL);
    t.connected = t.agent;
    attr_put_int(resp, ATTR_STATUS, 0);
    attr_put_str(resp, ATTR_RELAY, "fixture");
    for (int i = 0; i < n; i++) {
        const char *dsn, *text;
        int status;

        snprintf(name, sizeof(name), "%s_%d", ATTR_RCPT_ADDR, i);
        if (attr_get_str(req, name, &addr) < 0)
            msg_fatal("request without %s", name);
        decide(id, addr, &status, &dsn, &text);
        gettimeofday(&t.done, NULL);
        dlv_log(id, addr, NULL, "fixture", &t, dsn,
                status == DLV_STATUS_SENT ? "sent" : status == DLV_STATUS_BOUNCED ? "bounced" : "deferred",
                text);
        snprintf(name, sizeof(name), "%s_%d", ATTR_RCPT_STATUS, i);
        attr_put_int(resp, name, status);
        snprintf(name, sizeof(name), "%s_%d", ATTR_RCPT_DSN, i);
        attr_put_str(resp, name, dsn);
        snprintf(name, sizeof(name), "%s_%d", ATTR_RCPT_TEXT, i);
        attr_put_str(resp, name, text);
    }
    if (attr_send(s, resp, NULL) < 0)
        msg_warn("%s: cannot answer qmgr", id);
    attr_list_free(resp);
}

static void serve(int fd, const struct server_context *ctx)
{
    stream_t *s = stream_open_fd(fd, 0);
    attr_list_t *req = attr_list_new();
    char *err = NULL;

    record_file = ctx->argc > 0 ? ctx->argv[0] : "/dev/null";
    stream_set_timeout(s, 30000, 30000);
    if (attr_announce(s, ATTR_DLV_PROTOCOL, &err) == 0) {
        while (attr_recv(s, req, NULL, &err) == 1) {
            deliver(s, req);
            attr_list_reset(req);
        }
    }
    attr_list_free(req);
    stream_close(s);
}

int main(int argc, char **argv)
{
    static const struct server_callbacks cb = {.kind = SERVER_SINGLE, .service = serve};

    return server_main(argc, argv, &cb);
}
