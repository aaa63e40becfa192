/* anvil_table.c - per-ident connection, rate and AUTH failure counters
 * of the anvil service (see anvil_table.h). */
#include "anvil_table.h"

#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "util/mem.h"
#include "util/strmap.h"

typedef struct rate_window {
    long start;
    int value;
} rate_window_t;

typedef struct anvil_entry {
    int count;                          /* open connections */
    rate_window_t conn;
    rate_window_t events[ANVIL_EV_COUNT];
    int failures;                       /* failed AUTH attempts ... */
    long fail_start;                    /* ... since then ... */
    long fail_window;                   /* ... remembered this long */
    long lockout_until;                 /* 0: no lockout */
} anvil_entry_t;

struct anvil_table {
    strmap_t *map;
    long rate_unit;
    anvil_peaks_t peaks;
};

anvil_table_t *anvil_table_new(long rate_unit)
{
    anvil_table_t *t = xcalloc(1, sizeof(*t));

    t->map = strmap_new();
    t->rate_unit = rate_unit > 0 ? rate_unit : 1;
    return t;
}

void anvil_table_free(anvil_table_t *t)
{
    if (t == NULL)
        return;
    strmap_free(t->map, xfree);
    xfree(t);
}

long anvil_table_rate_unit(const anvil_table_t *t)
{
    return t->rate_unit;
}

size_t anvil_table_size(const anvil_table_t *t)
{
    return strmap_count(t->map);
}

const anvil_peaks_t *anvil_table_peaks(const anvil_table_t *t)
{
    return &t->peaks;
}

static void note_peak(anvil_peak_t *p, int value, const char *ident)
{
    if (value <= p->value)
        return;
    p->value = value;
    snprintf(p->ident, sizeof(p->ident), "%s", ident);
    p->when = (long) time(NULL);
}

static anvil_entry_t *lookup(anvil_table_t *t, const char *ident)
{
    anvil_entry_t *e = strmap_get(t->map, ident);

    if (e == NULL) {
        e = xcalloc(1, sizeof(*e));
        (void) strmap_put(t->map, ident, e);
        if (strmap_count(t->map) > t->peaks.cache_size) {
            t->peaks.cache_size = strmap_count(t->map);
            t->peaks.cache_when = (long) time(NULL);
        }
    }
    return e;
}

static bool window_running(const rate_window_t *w, long unit, long now)
{
    return w->value > 0 && now - w->start < unit;
}

static int bump(rate_window_t *w, long unit, long now)
{
    if (!window_running(w, unit, now)) {
        w->start = now;
        w->value = 0;
    }
    if (w->value < INT_MAX)
        w->value++;
    return w->value;
}

void anvil_table_connect(anvil_table_t *t, const char *ident, long now,
                         int *count, int *rate)
{
    anvil_entry_t *e = lookup(t, ident);

    if (e->count < INT_MAX)
        e->count++;
    *count = e->count;
    *rate = bump(&e->conn, t->rate_unit, now);
    note_peak(&t->peaks.count, *count, ident);
    note_peak(&t->peaks.conn_rate, *rate, ident);
}

bool anvil_table_disconnect(anvil_table_t *t, const char *ident, long now)
{
    anvil_entry_t *e = strmap_get(t->map, ident);

    (void) now;
    if (e == NULL || e->count <= 0)
        return false;
    e->count--;
    return true;
}

int anvil_table_event(anvil_table_t *t, const char *ident, anvil_event_t ev, long now)
{
    anvil_entry_t *e = lookup(t, ident);
    int rate;

    if ((unsigned) ev >= ANVIL_EV_COUNT)
        return 0;
    rate = bump(&e->events[ev], t->rate_unit, now);
    note_peak(&t->peaks.event_rate[ev], rate, ident);
    return rate;
}

/* Forgets failures whose window is over and a lockout that has ended
 * (a client coming back after its lockout starts afresh). */
static void age_failures(anvil_entry_t *e, long now)
{
    if (e->lockout_until != 0 && now >= e->lockout_until) {
        e->lockout_until = 0;
        e->failures = 0;
    }
    if (e->failures > 0 && e->lockout_until == 0 && now - e->fail_start >= e->fail_window)
        e->failures = 0;
}

static void fill_state(const anvil_entry_t *e, long now, anvil_auth_state_t *out)
{
    out->failures = e->failures;
    out->lockout_left = e->lockout_until > now ? e->lockout_until - now : 0;
    out->lockout_started = false;
}

void anvil_table_auth_state(anvil_table_t *t, const char *ident, long now,
                            anvil_auth_state_t *out)
{
    anvil_entry_t *e = strmap_get(t->map, ident);

    if (e == NULL) {
        out->failures = 0;
        out->lockout_left = 0;
        out->lockout_started = false;
        return;
    }
    age_failures(e, now);
    fill_state(e, now, out);
}

void anvil_table_auth_failure(anvil_table_t *t, const char *ident, long now,
                              const anvil_fail_policy_t *p, anvil_auth_state_t *out)
{
    anvil_entry_t *e = lookup(t, ident);
    bool started = false;

    age_failures(e, now);
    if (e->failures == 0) {
        e->fail_start = now;
        e->fail_window = p->window > 0 ? p->window : 1;
    }
    if (e->failures < INT_MAX)
        e->failures++;
    if (e->lockout_until == 0 && p->lockout_limit > 0 && e->failures >= p->lockout_limit
        && p->lockout_time > 0) {
        e->lockout_until = now + p->lockout_time;
        started = true;
    }
    fill_state(e, now, out);
    out->lockout_started = started;
}

static bool entry_idle(anvil_entry_t *e, long unit, long now)
{
    age_failures(e, now);
    if (e->count > 0 || window_running(&e->conn, unit, now) || e->failures > 0
        || e->lockout_until != 0)
        return false;
    for (int i = 0; i < ANVIL_EV_COUNT; i++)
        if (window_running(&e->events[i], unit, now))
            return false;
    return true;
}

size_t anvil_table_expire(anvil_table_t *t, long now)
{
    strmap_t *kept = strmap_new();
    size_t cursor = 0;
    const char *ident;
    void *value;

    while (strmap_next(t->map, &cursor, &ident, &value)) {
        if (entry_idle(value, t->rate_unit, now))
            xfree(value);
        else
            (void) strmap_put(kept, ident, value);
    }
    strmap_free(t->map, NULL);
    t->map = kept;
    return strmap_count(kept);
}
