/* dlv_fixture.c - test-only delivery agent for qmgr's integration test
 * (never installed). Speaks the delivery protocol (docs/DELIVERY.md) on
 * the server skeleton and decides by the recipient's local part:
 *   bounce*      bounced, 5.1.1 "no such user here"
 *   defer*       deferred, 4.2.0 "try again later"
 *   once*        deferred the first time it is seen, then delivered
 *   site*        the whole request fails at the site level: every recipient
 *                deferred (4.4.1 "connect to fixture[127.0.0.1]:25:
 *                Connection refused") and site_fail=1 in the answer
 *   slow*        delivered after 300 ms; the deliveries in progress at once
 *                are counted, the highest count is kept in RECORD.maxconc
 *   anything     delivered: one line "QUEUEID RECIPIENT" appended to the
 *                file named by the first argument after the flags.
 * Logs the usual to=<...> line for each recipient. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <time.h>
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

/* RECORD.conc holds "current max" under an flock; RECORD.maxconc the max. */
static void count_busy(int delta)
{
    buf_t path = BUF_INIT, maxpath = BUF_INIT;
    char text[64] = "";
    long cur = 0, max = 0;
    ssize_t n;
    int fd, mfd;

    buf_printf(&path, "%s.conc", record_file);
    buf_printf(&maxpath, "%s.maxconc", record_file);
    if ((fd = open(path.data, O_RDWR | O_CREAT, 0600)) < 0 || flock(fd, LOCK_EX) < 0)
        msg_fatal("%s: %m", path.data);
    if ((n = pread(fd, text, sizeof(text) - 1, 0)) > 0) {
        text[n] = 0;
        if (sscanf(text, "%ld %ld", &cur, &max) != 2)
            cur = max = 0;
    }
    cur += delta;
    if (cur > max)
        max = cur;
    n = snprintf(text, sizeof(text), "%ld %ld\n", cur, max);
    if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t) n, 0) != n)
        msg_fatal("%s: %m", path.data);
    if ((mfd = open(maxpath.data, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0
        || write(mfd, text, (size_t) n) != n)
        msg_fatal("%s: %m", maxpath.data);
    close(mfd);
    close(fd);
    buf_dispose(&path);
    buf_dispose(&maxpath);
}

static void decide(const char *id, const char *rcpt, int *status, const char **dsn,
                   const char **text)
{
    if (strncmp(rcpt, "bounce", 6) == 0) {
        *status = DLV_STATUS_BOUNCED, *dsn = "5.1.1", *text = "no such user here";
    } else if (strncmp(rcpt, "defer", 5) == 0
               || (strncmp(rcpt, "once", 4) == 0 && !seen_before(rcpt))) {
        *status = DLV_STATUS_DEFERRED, *dsn = "4.2.0", *text = "try again later";
    } else if (strncmp(rcpt, "site", 4) == 0) {
        *status = DLV_STATUS_DEFERRED, *dsn = "4.4.1";
        *text = "connect to fixture[127.0.0.1]:25: Connection refused";
    } else {
        if (strncmp(rcpt, "slow", 4) == 0) {
            struct timespec pause = {0, 300 * 1000 * 1000};

            count_busy(1);
            nanosleep(&pause, NULL);
            count_busy(-1);
        }
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
        if (strncmp(addr, "site", 4) == 0 && i == 0)
            attr_put_int(resp, ATTR_SITE_FAIL, 1);
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
