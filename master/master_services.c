/* master_services.c - the running services: built from master.cf at
 * start (a listener that cannot be bound is fatal there) and rebuilt on
 * SIGHUP (a listener that cannot be bound is a warning, the old
 * configuration's listeners that did not change are kept open so no
 * queued connection is lost, and old children are retired). A service
 * Postern cannot run is logged once per load and not started. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "master.h"
#include "server/server_status.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

struct master_service *master_services;

static char *join(const char *a, const char *b, const char *c)
{
    buf_t out = BUF_INIT;
    char *s;

    buf_printf(&out, "%s%s%s", a, b, c);
    s = buf_detach(&out);
    buf_dispose(&out);
    return s;
}

static char **copy_argv(char **argv)
{
    size_t n = 0;
    char **copy;

    while (argv[n])
        n++;
    copy = xcalloc(n + 1, sizeof(*copy));
    for (size_t i = 0; i < n; i++)
        copy[i] = xstrdup(argv[i]);
    return copy;
}

/* What the listeners depend on: equal ids can share sockets on reload. */
static char *listen_id(const master_entry_t *e, const char *unix_path)
{
    buf_t out = BUF_INIT;
    char *s;

    if (unix_path)
        buf_printf(&out, "unix:%s", unix_path);
    else
        buf_printf(&out, "inet:%s|%s|%s", e->service,
                   cfg_str("inet_interfaces"), cfg_str("inet_protocols"));
    s = buf_detach(&out);
    buf_dispose(&out);
    return s;
}

static struct master_service *service_new(const struct service_def *d)
{
    const master_entry_t *e = d->entry;
    struct master_service *s = xcalloc(1, sizeof(*s));

    s->key = xstrdup(d->key);
    s->name = xstrdup(e->service);
    s->is_unix = e->type == MASTER_UNIX;
    if (s->is_unix)
        s->unix_path = join(e->is_private ? "private/" : "public/", e->service, "");
    s->listen_id = listen_id(e, s->unix_path);
    s->path = xstrdup(d->path);
    s->argv = copy_argv(d->argv);
    s->maxproc = d->maxproc;
    s->wakeup = e->wakeup;
    s->wakeup_if_used = e->wakeup_if_used;
    if (server_status_pair(s->status_fds) < 0)
        msg_fatal("socketpair for the status of %s: %m", s->key);
    return s;
}

static void service_free(struct master_service *s)
{
    master_listen_close(s);
    for (int i = 0; i < 2; i++)
        if (close(s->status_fds[i]) < 0)
            msg_warn("close status channel of %s: %m", s->key);
    for (size_t i = 0; s->argv[i]; i++)
        xfree(s->argv[i]);
    xfree(s->argv);
    xfree(s->key);
    xfree(s->name);
    xfree(s->unix_path);
    xfree(s->listen_id);
    xfree(s->path);
    xfree(s);
}

static int load_table(struct service_table **table, char **err)
{
    char *path = join(config_dir(), "/master.cf", "");
    int rc = service_table_load(path, master_daemon_dir, table, err);

    xfree(path);
    if (rc < 0)
        return -1;
    for (size_t i = 0; i < (*table)->cf->nwarnings; i++)
        msg_warn("%s", (*table)->cf->warnings[i]);
    for (size_t i = 0; i < (*table)->count; i++) {
        const struct service_def *d = &(*table)->defs[i];
        if (d->problem)
            msg_warn("master.cf: service %s: %s -- service not started",
                     d->key, d->problem);
        if (d->note)
            msg_warn("master.cf: %s", d->note);
    }
    return 0;
}

static void append(struct master_service **list, struct master_service *s)
{
    while (*list)
        list = &(*list)->next;
    *list = s;
}

int master_services_start(char **err)
{
    struct service_table *table;

    if (load_table(&table, err) < 0)
        return -1;
    for (size_t i = 0; i < table->count; i++) {
        struct master_service *s;

        if (table->defs[i].problem)
            continue;
        s = service_new(&table->defs[i]);
        if (master_listen(s, &table->defs[i], err) < 0) {
            service_free(s);
            service_table_free(table);
            return -1;
        }
        master_wakeup_schedule(s, true);
        append(&master_services, s);
    }
    service_table_free(table);
    return 0;
}

/* Takes over the sockets of an old service with the same listeners. */
static bool take_listeners(struct master_service *s)
{
    for (struct master_service *old = master_services; old; old = old->next) {
        if (old->listen_count == 0 || strcmp(old->listen_id, s->listen_id) != 0)
            continue;
        memcpy(s->listen_fds, old->listen_fds, sizeof(s->listen_fds));
        s->listen_count = old->listen_count;
        old->listen_count = 0;
        xfree(old->unix_path);  /* now s's socket: do not unlink */
        old->unix_path = NULL;
        return true;
    }
    return false;
}

static struct master_service *build_new(struct service_table *table)
{
    struct master_service *list = NULL;
    char *err = NULL;

    for (size_t i = 0; i < table->count; i++) {
        struct master_service *s;

        if (table->defs[i].problem)
            continue;
        s = service_new(&table->defs[i]);
        if (!take_listeners(s) && master_listen(s, &table->defs[i], &err) < 0) {
            msg_warn("%s -- service %s not started", err, s->key);
            xfree(err);
            err = NULL;
            service_free(s);
            continue;
        }
        master_wakeup_schedule(s, true);
        append(&list, s);
    }
    return list;
}

static bool path_in_use(struct master_service *list, const char *path)
{
    for (; list; list = list->next)
        if (list->unix_path && strcmp(list->unix_path, path) == 0)
            return true;
    return false;
}

void master_services_reload(void)
{
    struct service_table *table;
    struct master_service *fresh, *old, *next;
    char *err = NULL;

    if (config_load(master_config_dir, &err) < 0 || load_table(&table, &err) < 0) {
        msg_warn("reload: %s -- keeping the running configuration", err);
        xfree(err);
        return;
    }
    config_report_unused();
    master_env_build();
    fresh = build_new(table);
    service_table_free(table);
    for (old = master_services; old; old = next) {
        next = old->next;
        master_retire_children(old);
        if (old->unix_path && old->listen_count > 0
            && !path_in_use(fresh, old->unix_path) && unlink(old->unix_path) < 0)
            msg_warn("remove %s: %m", old->unix_path);
        service_free(old);
    }
    master_services = fresh;
    msg_info("reload -- version %s, configuration %s", POSTERN_VERSION,
             config_dir());
}
