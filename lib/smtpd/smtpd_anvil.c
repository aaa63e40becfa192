/* smtpd_anvil.c - per-client limits through the anvil service, for smtpd
 * and submission (see smtpd_anvil.h). One anvil connection per process,
 * kept across SMTP sessions. */
#include "smtpd_anvil.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "anvil/anvil_client.h"
#include "config/config.h"
#include "policy/policy_networks.h"
#include "smtp/reply.h"
#include "util/mem.h"
#include "util/msg.h"

#define ANVIL_TIMEOUT_MS 10000      /* anvil is local and answers at once */
#define BACKOFF_MAX_STEPS 10        /* delay grows to at most 10 x the base */

typedef struct anvil_limits {
    int conn_count, conn_rate, message_rate, recipient_rate, auth_rate;
    int fail_limit, fail_lockout_limit;
    long fail_window, fail_delay, fail_lockout_time;
} anvil_limits_t;

static struct {
    bool enabled;
    anvil_client_t *client;
    char *service;
    char *myhostname;
    anvil_limits_t lim;
    const policy_t *policy;         /* exceptions are $mynetworks */
    policy_networks_t *exceptions;  /* other exceptions */
    void (*sleep)(long ms);
} anvil;

struct smtpd_anvil {
    const smtpd_client_t *client;
    bool active;                    /* counted (not an exception) */
    bool connected;                 /* anvil counts this connection */
};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

void smtpd_anvil_set_sleep(void (*fn)(long ms))
{
    anvil.sleep = fn;
}

static int cfg_limit(const char *name)
{
    long v = cfg_int(name);

    return v <= 0 ? 0 : v > INT_MAX ? INT_MAX : (int) v;
}

static void read_limits(anvil_limits_t *l)
{
    l->conn_count = cfg_limit("smtpd_client_connection_count_limit");
    l->conn_rate = cfg_limit("smtpd_client_connection_rate_limit");
    l->message_rate = cfg_limit("smtpd_client_message_rate_limit");
    l->recipient_rate = cfg_limit("smtpd_client_recipient_rate_limit");
    l->auth_rate = cfg_limit("smtpd_client_auth_rate_limit");
    l->fail_limit = cfg_limit("smtpd_client_auth_failure_limit");
    l->fail_lockout_limit = cfg_limit("smtpd_client_auth_failure_lockout_limit");
    l->fail_window = cfg_time("smtpd_client_auth_failure_window");
    l->fail_delay = cfg_time("smtpd_client_auth_failure_delay");
    l->fail_lockout_time = cfg_time("smtpd_client_auth_failure_lockout_time");
    if (l->fail_window <= 0)
        l->fail_window = 1;
}

static bool any_limit(const anvil_limits_t *l)
{
    return l->conn_count || l->conn_rate || l->message_rate || l->recipient_rate
        || l->auth_rate || l->fail_limit || l->fail_lockout_limit;
}

/* The exceptions list: when it is $mynetworks (the default), the policy's
 * own mynetworks decides (it also knows mynetworks_style). */
static int read_exceptions(const policy_t *policy, char **err)
{
    const char *value = cfg_str("smtpd_client_event_limit_exceptions");

    if (strcmp(value, cfg_str("mynetworks")) == 0 && policy != NULL) {
        anvil.policy = policy;
        return 0;
    }
    if ((anvil.exceptions = policy_networks_new(value, err)) == NULL)
        return -1;
    return 0;
}

int smtpd_anvil_setup(const char *socket_path, const char *service, const policy_t *policy,
                      const char *myhostname, char **err)
{
    smtpd_anvil_shutdown();
    read_limits(&anvil.lim);
    if (service == NULL || service[0] == 0 || !any_limit(&anvil.lim))
        return 0;
    if (read_exceptions(policy, err) < 0)
        return -1;
    anvil.client = anvil_client_new(socket_path, ANVIL_TIMEOUT_MS);
    anvil.service = xstrdup(service);
    anvil.myhostname = xstrdup(myhostname);
    anvil.enabled = true;
    return 0;
}

void smtpd_anvil_shutdown(void)
{
    anvil_client_free(anvil.client);
    policy_networks_free(anvil.exceptions);
    xfree(anvil.service);
    xfree(anvil.myhostname);
    anvil.client = NULL;
    anvil.exceptions = NULL;
    anvil.service = anvil.myhostname = NULL;
    anvil.policy = NULL;
    anvil.enabled = false;
}

static bool is_exception(const char *addr)
{
    char *err = NULL;
    int rc;

    if (anvil.policy != NULL)
        return policy_mynetworks_match(anvil.policy, addr) == 1;
    rc = policy_networks_match(anvil.exceptions, addr, &err);
    if (rc < 0) {
        msg_warn("smtpd_client_event_limit_exceptions: %s", err ? err : "lookup failed");
        xfree(err);
    }
    return rc == 1;
}

smtpd_anvil_t *smtpd_anvil_begin(const smtpd_client_t *client)
{
    smtpd_anvil_t *a = xcalloc(1, sizeof(*a));

    a->client = client;
    a->active = anvil.enabled && !is_exception(client->addr);
    return a;
}

static void anvil_failed(const char *what, char *err)
{
    msg_warn("problem talking to server %s: %s (%s)", "private/anvil", err ? err : "failed", what);
    xfree(err);
}

/* Instead of the greeting (Postfix's log lines around it). */
static void refuse_connection(const smtpd_client_t *c, stream_t *st, const buf_t *reply)
{
    msg_info("connect from %s[%s]", c->name, c->addr);
    stream_set_timeout(st, ANVIL_TIMEOUT_MS, ANVIL_TIMEOUT_MS);
    if (stream_write(st, reply->data, reply->len) < 0 || stream_flush(st) < 0)
        msg_info("cannot send reply to %s[%s]", c->name, c->addr);
    msg_info("disconnect from %s[%s] commands=0/0", c->name, c->addr);
}

int smtpd_anvil_connect(smtpd_anvil_t *a, stream_t *st)
{
    buf_t reply = BUF_INIT;
    const smtpd_client_t *c = a->client;
    int count, rate;
    char *err = NULL;

    if (!a->active)
        return 0;
    if (anvil_client_connect(anvil.client, anvil.service, c->addr, &count, &rate, &err) < 0) {
        anvil_failed("connect", err);
        return 0;
    }
    a->connected = true;
    if (anvil.lim.conn_count > 0 && count > anvil.lim.conn_count) {
        msg_warn("Connection concurrency limit exceeded: %d from %s[%s] for service %s",
                 count, c->name, c->addr, anvil.service);
    } else if (anvil.lim.conn_rate > 0 && rate > anvil.lim.conn_rate) {
        msg_warn("Connection rate limit exceeded: %d from %s[%s] for service %s",
                 rate, c->name, c->addr, anvil.service);
    } else {
        return 0;
    }
    smtp_reply_add(&reply, 421, "4.7.0", "%s Error: too many connections from %s",
                   anvil.myhostname, c->addr);
    refuse_connection(c, st, &reply);
    buf_dispose(&reply);
    return -1;
}

void smtpd_anvil_end(smtpd_anvil_t *a)
{
    char *err = NULL;

    if (a == NULL)
        return;
    if (a->connected
        && anvil_client_disconnect(anvil.client, anvil.service, a->client->addr, &err) < 0)
        anvil_failed("disconnect", err);
    xfree(a);
}

typedef int (*event_fn)(anvil_client_t *, const char *, const char *, int *, char **);

/* One rate-limited event: 0, or -1 with a 450 reply. */
static int rate_check(smtpd_anvil_t *a, int limit, event_fn fn, const char *what,
                      const char *warning, const char *text, buf_t *reply)
{
    const smtpd_client_t *c;
    char *err = NULL;
    int rate;

    if (a == NULL || !a->active || limit <= 0)
        return 0;
    c = a->client;
    if (fn(anvil.client, anvil.service, c->addr, &rate, &err) < 0) {
        anvil_failed(what, err);
        return 0;
    }
    if (rate <= limit)
        return 0;
    msg_warn("%s rate limit exceeded: %d from %s[%s] for service %s", warning, rate,
             c->name, c->addr, anvil.service);
    smtp_reply_add(reply, 450, "4.7.1", "Error: too %s from %s", text, c->addr);
    return -1;
}

int smtpd_anvil_mail(smtpd_anvil_t *a, buf_t *reply)
{
    return rate_check(a, anvil.lim.message_rate, anvil_client_message, "message",
                      "Message delivery request", "much mail", reply);
}

int smtpd_anvil_rcpt(smtpd_anvil_t *a, buf_t *reply)
{
    return rate_check(a, anvil.lim.recipient_rate, anvil_client_recipient, "recipient",
                      "Recipient address", "many recipients", reply);
}

static bool auth_tracked(void)
{
    return anvil.lim.auth_rate > 0 || anvil.lim.fail_limit > 0 || anvil.lim.fail_lockout_limit > 0;
}

/* The back-off delay in seconds for a client with this many failures. */
static long backoff_seconds(int failures)
{
    long steps;

    if (anvil.lim.fail_limit <= 0 || failures < anvil.lim.fail_limit || anvil.lim.fail_delay <= 0)
        return 0;
    steps = (long) failures - anvil.lim.fail_limit + 1;
    if (steps > BACKOFF_MAX_STEPS)
        steps = BACKOFF_MAX_STEPS;
    return steps * anvil.lim.fail_delay;
}

int smtpd_anvil_auth_begin(smtpd_anvil_t *a, buf_t *reply)
{
    const smtpd_client_t *c;
    anvil_auth_info_t info;
    char *err = NULL;
    long delay;

    if (a == NULL || !a->active || !auth_tracked())
        return 0;
    c = a->client;
    if (anvil_client_auth(anvil.client, anvil.service, c->addr, &info, &err) < 0) {
        anvil_failed("auth", err);
        return 0;
    }
    if (info.lockout_left > 0) {
        msg_warn("auth failure lockout: AUTH refused from %s[%s] for service %s, %lds left",
                 c->name, c->addr, anvil.service, info.lockout_left);
        smtp_reply_add(reply, 421, "4.7.0", "%s Error: too many authentication failures",
                       anvil.myhostname);
        return -1;
    }
    if (anvil.lim.auth_rate > 0 && info.rate > anvil.lim.auth_rate) {
        msg_warn("AUTH command rate limit exceeded: %d from %s[%s] for service %s",
                 info.rate, c->name, c->addr, anvil.service);
        smtp_reply_add(reply, 450, "4.7.1", "Error: too many AUTH commands from %s", c->addr);
        return -1;
    }
    if ((delay = backoff_seconds(info.failures)) > 0) {
        msg_warn("auth failure back-off: %d failures from %s[%s] for service %s, AUTH delayed by %lds",
                 info.failures, c->name, c->addr, anvil.service, delay);
        (anvil.sleep ? anvil.sleep : sleep_ms)(delay * 1000);
    }
    return 0;
}

void smtpd_anvil_auth_failed(smtpd_anvil_t *a)
{
    const smtpd_client_t *c;
    anvil_auth_info_t info;
    char *err = NULL;

    if (a == NULL || !a->active || (anvil.lim.fail_limit <= 0 && anvil.lim.fail_lockout_limit <= 0))
        return;
    c = a->client;
    if (anvil_client_auth_failure(anvil.client, anvil.service, c->addr, anvil.lim.fail_window,
                                  anvil.lim.fail_lockout_limit, anvil.lim.fail_lockout_time,
                                  &info, &err) < 0) {
        anvil_failed("auth_failure", err);
        return;
    }
    if (info.lockout_started)
        msg_warn("auth failure limit exceeded: %d failures from %s[%s] for service %s, locked out for %lds",
                 info.failures, c->name, c->addr, anvil.service, info.lockout_left);
}
