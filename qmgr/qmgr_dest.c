/* qmgr_dest.c - transports and destinations: the limits that bound the
 * deliveries qmgr starts, and the state that makes it stop.
 *
 * A transport's limits come from main.cf (TRANSPORT_destination_*, else
 * the default_destination_* parameters, as Postfix: these are qmgr
 * parameters, so "-o" options on the agent's master.cf line do not change
 * them) and from its master.cf entry (maxproc bounds the deliveries in
 * progress over all its destinations). A destination (transport + next
 * hop) starts at initial_destination_concurrency and grows by one after
 * each "window" of deliveries that reached the site, up to the transport's
 * concurrency limit (Postfix's slow start). Deliveries that fail at the
 * site level (the agent's site_fail flag: no host of the next hop could be
 * reached) are counted; failed_cohort_limit cohorts of them in a row (a
 * cohort is as many deliveries as the window) make the destination dead:
 * its waiting and later deliveries are deferred with the failure's reason
 * without contacting it, until minimal_backoff_time has passed or a flush
 * (postqueue -f). A rate delay allows one delivery at a time, started at
 * least that many seconds apart. Configuration errors are fatal (msg_fatal
 * from the cfg_* accessors). */
#include "qmgr.h"
#include "config/config.h"
#include "config/master_cf.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#include <string.h>

/* TRANSPORT_SUFFIX when it is a known per-transport name with a value,
 * else the base parameter. */
static const char *transport_param(buf_t *name, const char *transport, const char *suffix,
                                   const char *base)
{
    bool implemented;

    buf_reset(name);
    buf_printf(name, "%s_%s", transport, suffix);
    if (config_is_known(name->data, &implemented) && config_raw_value(name->data) != NULL)
        return name->data;
    buf_reset(name);
    buf_puts(name, base);
    return name->data;
}

static long maxproc_of(const qmgr_t *m, const char *transport)
{
    const master_entry_t *e;

    if (m->master_cf == NULL)
        return 0;
    if ((e = master_cf_find(m->master_cf, transport, MASTER_UNIX)) == NULL)
        return 0;
    return master_entry_maxproc(e);
}

static qmgr_transport_t *transport_find(qmgr_t *m, const char *name)
{
    qmgr_transport_t *tp;
    buf_t param = BUF_INIT;

    for (tp = m->transports; tp; tp = tp->next)
        if (strcmp(tp->name, name) == 0)
            return tp;
    tp = xcalloc(1, sizeof(*tp));
    tp->name = xstrdup(name);
    tp->maxproc = maxproc_of(m, name);
    tp->concurrency_limit = cfg_transport_int(name, "destination_concurrency_limit");
    tp->recipient_limit = cfg_transport_int(name, "destination_recipient_limit");
    tp->initial_concurrency = cfg_int(transport_param(&param, name, "initial_destination_concurrency",
                                                      "initial_destination_concurrency"));
    tp->failed_cohort_limit = cfg_transport_int(name, "destination_concurrency_failed_cohort_limit");
    tp->rate_delay = cfg_time(transport_param(&param, name, "destination_rate_delay",
                                              "default_destination_rate_delay"));
    buf_dispose(&param);
    if (tp->concurrency_limit < 1)
        tp->concurrency_limit = 1;
    if (tp->recipient_limit < 1)
        tp->recipient_limit = 1;
    if (tp->initial_concurrency < 1)
        tp->initial_concurrency = 1;
    if (tp->failed_cohort_limit < 1)
        tp->failed_cohort_limit = 1;
    tp->next = m->transports;
    m->transports = tp;
    return tp;
}

long qmgr_recipient_limit(qmgr_t *m, const char *transport)
{
    return transport_find(m, transport)->recipient_limit;
}

static int initial_window(const qmgr_transport_t *tp)
{
    long w = tp->initial_concurrency < tp->concurrency_limit
        ? tp->initial_concurrency : tp->concurrency_limit;

    return tp->rate_delay > 0 ? 1 : (int) w;
}

qmgr_dest_t *qmgr_dest_find(qmgr_t *m, const char *transport, const char *nexthop)
{
    qmgr_dest_t *d;

    for (d = m->dests; d; d = d->next)
        if (strcmp(d->transport, transport) == 0 && strcmp(d->nexthop, nexthop) == 0)
            return d;
    d = xcalloc(1, sizeof(*d));
    d->tp = transport_find(m, transport);
    d->transport = xstrdup(transport);
    d->nexthop = xstrdup(nexthop);
    d->window = initial_window(d->tp);
    d->next = m->dests;
    m->dests = d;
    return d;
}

static long ms_between(const struct timeval *from, const struct timeval *to)
{
    return (long) (to->tv_sec - from->tv_sec) * 1000L + (long) (to->tv_usec - from->tv_usec) / 1000L;
}

bool qmgr_dest_may_start(const qmgr_dest_t *d, const struct timeval *now, long *wait_ms)
{
    long wait;

    *wait_ms = -1;
    if (d->active >= d->window)
        return false;
    if (d->tp->maxproc > 0 && d->tp->active >= d->tp->maxproc)
        return false;
    if (d->tp->rate_delay > 0 && (wait = ms_between(now, &d->next_start)) > 0) {
        *wait_ms = wait;
        return false;
    }
    return true;
}

void qmgr_dest_started(qmgr_dest_t *d, const struct timeval *now)
{
    d->active++;
    d->tp->active++;
    d->next_start = *now;
    d->next_start.tv_sec += d->tp->rate_delay;
}

static void set_dead(qmgr_t *m, qmgr_dest_t *d, const char *dsn, const char *reason)
{
    buf_t why = BUF_INIT;

    buf_printf(&why, "delivery temporarily suspended: %s", reason);
    xfree(d->dead_dsn);
    xfree(d->dead_reason);
    d->dead_dsn = xstrdup(dsn && *dsn == '4' ? dsn : "4.4.1");
    d->dead_reason = buf_detach(&why);
    d->dead_until = time(NULL) + (m->min_backoff > 0 ? m->min_backoff : 1);
    d->failures = 0;
    d->successes = 0;
    d->window = initial_window(d->tp);
    msg_info("%s:%s: destination is dead for %lds: %s", d->transport, d->nexthop,
             (long) (d->dead_until - time(NULL)), reason);
}

bool qmgr_dest_feedback(qmgr_t *m, qmgr_dest_t *d, bool site_fail, const char *dsn,
                        const char *reason)
{
    if (!site_fail) {
        d->failures = 0;
        if (d->tp->rate_delay <= 0 && d->window < d->tp->concurrency_limit
            && ++d->successes >= d->window) {
            d->window++;
            d->successes = 0;
        }
        return false;
    }
    d->successes = 0;
    if (++d->failures < d->tp->failed_cohort_limit * d->window)
        return false;
    if (qmgr_dest_is_dead(d, time(NULL)))
        return false;
    set_dead(m, d, dsn, reason ? reason : "destination not reachable");
    return true;
}

static void revive(qmgr_dest_t *d)
{
    d->dead_until = 0;
    xfree(d->dead_dsn);
    xfree(d->dead_reason);
    d->dead_dsn = d->dead_reason = NULL;
}

bool qmgr_dest_is_dead(qmgr_dest_t *d, time_t now)
{
    if (d->dead_until == 0)
        return false;
    if (now < d->dead_until)
        return true;
    revive(d);
    return false;
}

/* A destination with nothing waiting, nothing in progress and nothing to
 * remember (alive) is forgotten, as Postfix drops an empty queue: the
 * list stays as long as the destinations in use. */
void qmgr_dest_forget_idle(qmgr_t *m)
{
    qmgr_dest_t **pp = &m->dests;

    while (*pp) {
        qmgr_dest_t *d = *pp;

        if (d->head == NULL && d->active == 0 && d->dead_until == 0
            && (d->tp->rate_delay <= 0 || d->next_start.tv_sec < time(NULL))) {
            *pp = d->next;
            xfree(d->transport);
            xfree(d->nexthop);
            xfree(d);
        } else {
            pp = &d->next;
        }
    }
}

void qmgr_dest_revive_all(qmgr_t *m)
{
    for (qmgr_dest_t *d = m->dests; d; d = d->next)
        if (d->dead_until != 0)
            revive(d);
}
