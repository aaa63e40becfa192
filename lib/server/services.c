/* services.c - resolve master.cf entries into runnable services (see
 * services.h). */
#include "server/services.h"

#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/mem.h"

struct argv_builder {
    char **v;
    size_t n;
};

static void add_arg(struct argv_builder *a, const char *s)
{
    a->v = xreallocarray(a->v, a->n + 2, sizeof(*a->v));
    a->v[a->n++] = xstrdup(s);
    a->v[a->n] = NULL;
}

static char *format(const char *fmt, const char *a, const char *b)
{
    buf_t out = BUF_INIT;
    char *s;

    buf_printf(&out, fmt, a, b);
    s = buf_detach(&out);
    buf_dispose(&out);
    return s;
}

/* Flags for the server skeleton, then master.cf's options and the rest. */
static char **build_argv(const master_entry_t *e)
{
    struct argv_builder a = {NULL, 0};

    add_arg(&a, e->command);
    add_arg(&a, "-n");
    add_arg(&a, e->service);
    add_arg(&a, "-t");
    add_arg(&a, master_type_name(e->type));
    if (e->unpriv)
        add_arg(&a, "-u");
    if (e->chroot)
        add_arg(&a, "-c");
    for (size_t i = 0; i < e->nopts; i++) {
        char *nv = format("%s=%s", e->opts[i].name, e->opts[i].value);
        add_arg(&a, "-o");
        add_arg(&a, nv);
        xfree(nv);
    }
    for (int i = 0; i < e->verbose; i++)
        add_arg(&a, "-v");
    add_arg(&a, "--");
    for (size_t i = 0; i < e->nrest; i++)
        add_arg(&a, e->rest[i]);
    return a.v;
}

static char *program_path(const char *daemon_dir, const char *command)
{
    if (strchr(command, '/'))
        return xstrdup(command);
    return format("%s/%s", daemon_dir, command);
}

static void resolve(struct service_def *d, const char *daemon_dir)
{
    const master_entry_t *e = d->entry;

    d->key = format("%s/%s", e->service, master_type_name(e->type));
    d->path = program_path(daemon_dir, e->command);
    d->argv = build_argv(e);
    d->maxproc = master_entry_maxproc(e);
    if (e->type != MASTER_INET && e->type != MASTER_UNIX)
        d->problem = format("service type %s is not supported by Postern%s",
                            master_type_name(e->type), "");
    else if (access(d->path, X_OK) < 0)
        d->problem = format("program %s is not available in Postern (no executable %s)",
                            e->command, d->path);
    else if (e->wakeup > 0 && e->type != MASTER_UNIX)
        d->note = format("wakeup is supported for unix services only; "
                         "ignored for %s%s", d->key, "");
    if (d->problem == NULL && e->debug && d->note == NULL)
        d->note = format("-D (debugger) is not supported; ignored for %s%s",
                         d->key, "");
}

int service_table_load(const char *master_cf_path, const char *daemon_dir,
                       struct service_table **out, char **err)
{
    struct service_table *t = xcalloc(1, sizeof(*t));

    if (master_cf_load(master_cf_path, &t->cf, err) < 0) {
        xfree(t);
        return -1;
    }
    t->count = t->cf->count;
    t->defs = xcalloc(t->count ? t->count : 1, sizeof(*t->defs));
    for (size_t i = 0; i < t->count; i++) {
        t->defs[i].entry = &t->cf->entries[i];
        resolve(&t->defs[i], daemon_dir);
    }
    *out = t;
    return 0;
}

static void free_def(struct service_def *d)
{
    xfree(d->key);
    xfree(d->path);
    for (size_t i = 0; d->argv && d->argv[i]; i++)
        xfree(d->argv[i]);
    xfree(d->argv);
    xfree(d->problem);
    xfree(d->note);
}

void service_table_free(struct service_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->count; i++)
        free_def(&t->defs[i]);
    xfree(t->defs);
    master_cf_free(t->cf);
    xfree(t);
}
