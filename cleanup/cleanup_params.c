/* cleanup_params.c - cleanup's settings from the loaded main.cf (see
 * cleanup_session.h). Bad values are fatal in the cfg_* accessors; an
 * unopenable table or queue returns -1 with *err. */
#include "cleanup/cleanup_session.h"

#include <string.h>

#include "config/config.h"
#include "queue/queue_config.h"
#include "util/mem.h"

/* mydestination entries that are plain domain names (tables are not
 * consulted here). */
static char **local_domains(void)
{
    char **all = cfg_list("mydestination");
    char **out = xcalloc(1, sizeof(*out));
    size_t n = 0, i;

    for (i = 0; all[i]; i++) {
        if (strchr(all[i], ':') || strchr(all[i], '/'))
            continue;
        out = xreallocarray(out, n + 2, sizeof(*out));
        out[n++] = xstrdup(all[i]);
        out[n] = NULL;
    }
    cfg_list_free(all);
    return out;
}

static int open_maps(cleanup_rewrite_t *rw, char **err)
{
    if (cleanup_maps_open(&rw->canonical, cfg_str("canonical_maps"), err) < 0)
        return -1;
    if (cleanup_maps_open(&rw->sender_canonical, cfg_str("sender_canonical_maps"), err) < 0)
        return -1;
    if (cleanup_maps_open(&rw->recipient_canonical, cfg_str("recipient_canonical_maps"), err) < 0)
        return -1;
    return cleanup_maps_open(&rw->virtual_alias, cfg_str("virtual_alias_maps"), err);
}

int cleanup_params_load(cleanup_params_t *p, char **err)
{
    buf_t trigger = BUF_INIT;

    memset(p, 0, sizeof(*p));
    p->queue = queue_from_config(err);
    if (p->queue == NULL)
        return -1;
    p->myhostname = xstrdup(cfg_str("myhostname"));
    p->always_add_missing_headers = cfg_bool("always_add_missing_headers");
    p->message_size_limit = cfg_size("message_size_limit");
    p->header_size_limit = cfg_size("header_size_limit");
    p->rewrite.local_domains = local_domains();
    p->rewrite.myorigin = cfg_bool("append_at_myorigin") ? xstrdup(cfg_str("myorigin")) : NULL;
    p->rewrite.recursion_limit = (int) cfg_int("virtual_alias_recursion_limit");
    p->rewrite.expansion_limit = (int) cfg_int("virtual_alias_expansion_limit");
    buf_printf(&trigger, "%s/public/%s", queue_root(p->queue), cfg_str("queue_service_name"));
    p->qmgr_trigger = buf_detach(&trigger);
    if (open_maps(&p->rewrite, err) < 0) {
        cleanup_params_free(p);
        return -1;
    }
    return 0;
}

void cleanup_params_free(cleanup_params_t *p)
{
    size_t i;

    cleanup_maps_close(&p->rewrite.canonical);
    cleanup_maps_close(&p->rewrite.sender_canonical);
    cleanup_maps_close(&p->rewrite.recipient_canonical);
    cleanup_maps_close(&p->rewrite.virtual_alias);
    for (i = 0; p->rewrite.local_domains && p->rewrite.local_domains[i]; i++)
        xfree(p->rewrite.local_domains[i]);
    xfree(p->rewrite.local_domains);
    xfree(p->rewrite.myorigin);
    xfree(p->myhostname);
    xfree(p->qmgr_trigger);
    if (p->queue)
        queue_free(p->queue);
    memset(p, 0, sizeof(*p));
}

static bool maps_changed(const cleanup_maps_t *m)
{
    for (size_t i = 0; i < m->count; i++)
        if (dict_changed(m->tables[i]))
            return true;
    return false;
}

bool cleanup_params_changed(const cleanup_params_t *p)
{
    return maps_changed(&p->rewrite.canonical) || maps_changed(&p->rewrite.sender_canonical)
        || maps_changed(&p->rewrite.recipient_canonical)
        || maps_changed(&p->rewrite.virtual_alias);
}
