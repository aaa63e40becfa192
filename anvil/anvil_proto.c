/* anvil_proto.c - decodes anvil requests, applies them to the table and
 * builds the responses (see anvil_proto.h). */
#include "anvil_proto.h"

#include <stdint.h>
#include <string.h>

#include "ipc/attr_names.h"
#include "util/mem.h"
#include "util/strmap.h"

struct anvil_peer {
    strmap_t *open;         /* ident -> connections announced, as intptr_t */
};

anvil_peer_t *anvil_peer_new(void)
{
    anvil_peer_t *p = xcalloc(1, sizeof(*p));

    p->open = strmap_new();
    return p;
}

void anvil_peer_close(anvil_peer_t *peer, anvil_table_t *t, long now)
{
    size_t cursor = 0;
    const char *ident;
    void *value;

    if (peer == NULL)
        return;
    while (strmap_next(peer->open, &cursor, &ident, &value))
        for (intptr_t n = (intptr_t) value; n > 0; n--)
            (void) anvil_table_disconnect(t, ident, now);
    strmap_free(peer->open, NULL);
    xfree(peer);
}

static void peer_add(anvil_peer_t *peer, const char *ident, int delta)
{
    intptr_t n = (intptr_t) strmap_get(peer->open, ident);

    n += delta;
    (void) strmap_put(peer->open, ident, (void *) (n > 0 ? n : 0));
}

static void refuse(attr_list_t *resp, const char *reason)
{
    attr_list_reset(resp);
    attr_put_int(resp, ATTR_STATUS, 1);
    attr_put_str(resp, ATTR_REASON, reason);
}

static bool ident_ok(const char *ident)
{
    size_t len = strlen(ident);

    return len > 0 && len <= ANVIL_IDENT_MAX;
}

/* Requests with only an ident: 0 with *ident set, or -1 after refusing. */
static int scan_ident(const attr_list_t *req, const char **ident, attr_list_t *resp)
{
    const char *request;
    attr_spec_t specs[] = {
        {ATTR_REQUEST, ATTR_TYPE_STR, &request, false},
        {ATTR_IDENT, ATTR_TYPE_STR, ident, false},
    };
    char *err = NULL;

    if (attr_scan(req, specs, 2, ATTR_SCAN_STRICT, &err) < 0) {
        refuse(resp, err);
        xfree(err);
        return -1;
    }
    if (!ident_ok(*ident)) {
        refuse(resp, "bad ident");
        return -1;
    }
    return 0;
}

static void ok(attr_list_t *resp)
{
    attr_list_reset(resp);
    attr_put_int(resp, ATTR_STATUS, 0);
}

static void do_connect(anvil_table_t *t, anvil_peer_t *peer, const attr_list_t *req,
                       long now, attr_list_t *resp)
{
    const char *ident;
    int count, rate;

    if (scan_ident(req, &ident, resp) < 0)
        return;
    anvil_table_connect(t, ident, now, &count, &rate);
    peer_add(peer, ident, 1);
    ok(resp);
    attr_put_long(resp, ATTR_COUNT, count);
    attr_put_int(resp, ATTR_RATE, rate);
}

static void do_disconnect(anvil_table_t *t, anvil_peer_t *peer, const attr_list_t *req,
                          long now, attr_list_t *resp)
{
    const char *ident;

    if (scan_ident(req, &ident, resp) < 0)
        return;
    /* only what this peer announced: one client cannot end another's */
    if ((intptr_t) strmap_get(peer->open, ident) > 0) {
        (void) anvil_table_disconnect(t, ident, now);
        peer_add(peer, ident, -1);
    }
    ok(resp);
}

static void do_event(anvil_table_t *t, anvil_event_t ev, const attr_list_t *req,
                     long now, attr_list_t *resp)
{
    const char *ident;
    int rate;

    if (scan_ident(req, &ident, resp) < 0)
        return;
    rate = anvil_table_event(t, ident, ev, now);
    ok(resp);
    attr_put_int(resp, ATTR_RATE, rate);
}

static void put_auth_state(attr_list_t *resp, const anvil_auth_state_t *st)
{
    attr_put_int(resp, ATTR_FAILURES, st->failures);
    attr_put_long(resp, ATTR_LOCKOUT, st->lockout_left);
}

static void do_auth(anvil_table_t *t, const attr_list_t *req, long now, attr_list_t *resp)
{
    anvil_auth_state_t st;
    const char *ident;
    int rate;

    if (scan_ident(req, &ident, resp) < 0)
        return;
    rate = anvil_table_event(t, ident, ANVIL_EV_AUTH, now);
    anvil_table_auth_state(t, ident, now, &st);
    ok(resp);
    attr_put_int(resp, ATTR_RATE, rate);
    put_auth_state(resp, &st);
}

static void do_auth_failure(anvil_table_t *t, const attr_list_t *req, long now,
                            attr_list_t *resp)
{
    const char *request, *ident;
    anvil_fail_policy_t p;
    anvil_auth_state_t st;
    attr_spec_t specs[] = {
        {ATTR_REQUEST, ATTR_TYPE_STR, &request, false},
        {ATTR_IDENT, ATTR_TYPE_STR, &ident, false},
        {ATTR_WINDOW, ATTR_TYPE_LONG, &p.window, false},
        {ATTR_LOCKOUT_LIMIT, ATTR_TYPE_INT, &p.lockout_limit, false},
        {ATTR_LOCKOUT_TIME, ATTR_TYPE_LONG, &p.lockout_time, false},
    };
    char *err = NULL;

    if (attr_scan(req, specs, sizeof(specs) / sizeof(specs[0]), ATTR_SCAN_STRICT, &err) < 0) {
        refuse(resp, err);
        xfree(err);
        return;
    }
    if (!ident_ok(ident) || p.window <= 0 || p.window > ANVIL_TIME_MAX || p.lockout_limit < 0
        || p.lockout_time < 0 || p.lockout_time > ANVIL_TIME_MAX) {
        refuse(resp, "bad ident or failure policy");
        return;
    }
    anvil_table_auth_failure(t, ident, now, &p, &st);
    ok(resp);
    put_auth_state(resp, &st);
    attr_put_int(resp, ATTR_STARTED, st.lockout_started ? 1 : 0);
}

void anvil_proto_handle(anvil_table_t *t, anvil_peer_t *peer, const attr_list_t *req,
                        long now, attr_list_t *resp)
{
    const char *request;

    if (attr_get_str(req, ATTR_REQUEST, &request) < 0)
        refuse(resp, "missing request");
    else if (strcmp(request, "connect") == 0)
        do_connect(t, peer, req, now, resp);
    else if (strcmp(request, "disconnect") == 0)
        do_disconnect(t, peer, req, now, resp);
    else if (strcmp(request, "message") == 0)
        do_event(t, ANVIL_EV_MESSAGE, req, now, resp);
    else if (strcmp(request, "recipient") == 0)
        do_event(t, ANVIL_EV_RECIPIENT, req, now, resp);
    else if (strcmp(request, "newtls") == 0)
        do_event(t, ANVIL_EV_NEWTLS, req, now, resp);
    else if (strcmp(request, "auth") == 0)
        do_auth(t, req, now, resp);
    else if (strcmp(request, "auth_failure") == 0)
        do_auth_failure(t, req, now, resp);
    else
        refuse(resp, "unknown request");
}
