/* config.c - the layered store of main.cf values (see config.h).
 * Layers: override > main.cf > run-time > default. Expanded values are
 * cached per entry and invalidated by a generation counter that every
 * change increments. */
#include "config/config.h"
#include "config/cf_lines.h"
#include "config/config_expand.h"
#include "config/config_store.h"
#include "config/master_cf.h"
#include "config/param_table.h"
#include "util/array_grow.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strmap.h"
#include "util/strutil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct cfg_entry {
    char *file_value;       /* NULL: not in main.cf */
    int file_line;
    char *override_value;
    char *runtime_value;
    char *expanded;
    unsigned gen;           /* generation of expanded */
} cfg_entry_t;

static struct {
    strmap_t *entries;
    strmap_t *transport_defaults;   /* base name -> "$base" */
    char *dir;
    char *main_cf;
    unsigned gen;
    void (*warn)(const char *text);
    bool services_loaded;
    char **services;                /* master.cf service names */
    char **master_opt_values;       /* master.cf -o values */
    char **unknown;
    unsigned unknown_gen;
    bool reported;                  /* config_report_unused() done */
} cfg = {.gen = 1};

static void default_warn(const char *text)
{
    msg_warn("%s", text);
}

static void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void warnf(const char *fmt, ...)
{
    buf_t b;
    va_list ap;

    buf_init(&b);
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    (cfg.warn ? cfg.warn : default_warn)(buf_str(&b));
    buf_dispose(&b);
}

static void init_store(void)
{
    if (cfg.entries == NULL) {
        cfg.entries = strmap_new();
        cfg.transport_defaults = strmap_new();
    }
}

static cfg_entry_t *get_entry(const char *name, bool create)
{
    cfg_entry_t *e;

    init_store();
    if ((e = strmap_get(cfg.entries, name)) == NULL && create) {
        e = xcalloc(1, sizeof(*e));
        strmap_put(cfg.entries, name, e);
    }
    return e;
}

static void free_entry(void *p)
{
    cfg_entry_t *e = p;

    xfree(e->file_value);
    xfree(e->override_value);
    xfree(e->runtime_value);
    xfree(e->expanded);
    xfree(e);
}

static void free_services(void)
{
    cfg_list_free(cfg.services);
    cfg_list_free(cfg.master_opt_values);
    cfg.services = cfg.master_opt_values = NULL;
    cfg.services_loaded = false;
}

static void changed(void)
{
    cfg.gen++;
}

void config_reset(void)
{
    strmap_free(cfg.entries, free_entry);
    strmap_free(cfg.transport_defaults, xfree);
    cfg.entries = cfg.transport_defaults = NULL;
    xfree(cfg.dir);
    xfree(cfg.main_cf);
    cfg.dir = cfg.main_cf = NULL;
    free_services();
    cfg_list_free(cfg.unknown);
    cfg.unknown = NULL;
    cfg.reported = false;
    changed();
}

void config_set_warning_handler(void (*fn)(const char *text))
{
    cfg.warn = fn;
}

/* ---- master.cf services, for per-transport parameter names ---- */

static void push_word(char ***list, size_t *n, const char *word)
{
    *list = array_grow(*list, *n + 1, *n + 2, sizeof(**list));
    (*list)[(*n)++] = xstrdup(word);
    (*list)[*n] = NULL;
}

static void load_services(void)
{
    master_cf_t *mcf = NULL;
    buf_t path;
    char *err = NULL;
    size_t ns = 0, no = 0;

    if (cfg.services_loaded)
        return;
    cfg.services_loaded = true;
    if (cfg.dir == NULL)
        return;
    buf_init(&path);
    buf_printf(&path, "%s/master.cf", cfg.dir);
    if (master_cf_load(buf_str(&path), &mcf, &err) == 0) {
        for (size_t i = 0; i < mcf->count; i++) {
            push_word(&cfg.services, &ns, mcf->entries[i].service);
            for (size_t j = 0; j < mcf->entries[i].nopts; j++)
                push_word(&cfg.master_opt_values, &no, mcf->entries[i].opts[j].value);
        }
        master_cf_free(mcf);
    }
    xfree(err);
    buf_dispose(&path);
}

static bool is_service(const char *name, size_t len)
{
    load_services();
    for (char **s = cfg.services; s && *s; s++) {
        if (strlen(*s) == len && strncmp(*s, name, len) == 0)
            return true;
    }
    return false;
}

const param_def_t *config_def_of(const char *name)
{
    const param_def_t *def = param_find(name), *base;
    size_t tlen;

    if (def != NULL)
        return def;
    if ((base = param_transport_base(name, &tlen)) != NULL && is_service(name, tlen))
        return base;
    return NULL;
}

bool config_is_known(const char *name, bool *implemented)
{
    const param_def_t *def = config_def_of(name);

    if (def && implemented)
        *implemented = def->implemented;
    return def != NULL;
}

/* ---- raw values ---- */

static const char *transport_default(const param_def_t *base)
{
    char *text = strmap_get(cfg.transport_defaults, base->name);

    if (text == NULL) {
        buf_t b;
        buf_init(&b);
        buf_printf(&b, "$%s", base->name);
        text = buf_detach(&b);
        buf_dispose(&b);
        strmap_put(cfg.transport_defaults, base->name, text);
    }
    return text;
}

static const char *current_myhostname(void)
{
    static bool busy;
    const char *value = NULL;
    char *err = NULL;

    if (busy)       /* myhostname refers back to mydomain */
        return NULL;
    busy = true;
    if (config_expanded("myhostname", &value, &err) < 0) {
        xfree(err);
        value = NULL;
    }
    busy = false;
    return value;
}

static const char *default_of(const char *name, bool defaults_only)
{
    const param_def_t *def = param_find(name), *base;
    size_t tlen;

    init_store();
    if (def != NULL) {
        if (def->dflt != NULL)
            return def->dflt;
        return param_computed_default(name, defaults_only ? NULL : current_myhostname());
    }
    if ((base = param_transport_base(name, &tlen)) != NULL && is_service(name, tlen))
        return transport_default(base);
    return NULL;
}

const char *config_raw_value(const char *name)
{
    cfg_entry_t *e = get_entry(name, false);

    if (e && e->override_value)
        return e->override_value;
    if (e && e->file_value)
        return e->file_value;
    if (e && e->runtime_value)
        return e->runtime_value;
    return default_of(name, false);
}

const char *config_default_value(const char *name)
{
    return default_of(name, true);
}

static const char *lookup_current(const char *name, void *ctx)
{
    (void) ctx;
    return config_raw_value(name);
}

static const char *lookup_defaults(const char *name, void *ctx)
{
    (void) ctx;
    return default_of(name, true);
}

int config_expanded(const char *name, const char **value, char **err)
{
    cfg_entry_t *e;
    buf_t out;

    if (config_raw_value(name) == NULL)
        return 0;
    e = get_entry(name, true);
    if (e->expanded == NULL || e->gen != cfg.gen) {
        buf_init(&out);
        if (cfg_expand_param(name, lookup_current, NULL, &out, err) < 0) {
            buf_dispose(&out);
            return -1;
        }
        xfree(e->expanded);
        e->expanded = buf_detach(&out);
        buf_dispose(&out);
        e->gen = cfg.gen;
    }
    *value = e->expanded;
    return 1;
}

int config_expand_text(const char *text, bool defaults_only, buf_t *out, char **err)
{
    init_store();
    return cfg_expand(text, defaults_only ? lookup_defaults : lookup_current, NULL, out, err);
}

/* ---- overrides ---- */

void config_set(const char *name, const char *raw_value)
{
    cfg_entry_t *e = get_entry(name, true);

    xfree(e->override_value);
    e->override_value = xstrdup(raw_value);
    changed();
}

int config_override(const char *name_eq_value)
{
    const char *eq = strchr(name_eq_value, '=');
    char *name, *value;

    if (eq == NULL)
        return -1;
    name = str_trim(xstrndup(name_eq_value, (size_t) (eq - name_eq_value)));
    value = str_trim(xstrdup(eq + 1));
    if (*name == '\0') {
        xfree(name);
        xfree(value);
        return -1;
    }
    config_set(name, value);
    xfree(name);
    xfree(value);
    return 0;
}

/* ---- reading main.cf ---- */

struct assignment {
    char *name;
    char *value;
    int line;
};

struct assignments {
    struct assignment *items;
    size_t count;
};

static void assignments_free(struct assignments *a)
{
    for (size_t i = 0; i < a->count; i++) {
        xfree(a->items[i].name);
        xfree(a->items[i].value);
    }
    xfree(a->items);
}

static bool valid_name(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '_' || c == '-' || c == '.'))
            return false;
    }
    return true;
}

/* Returns NULL when the line is fine, else why it is malformed. */
static const char *parse_assignment(const cf_line_t *line, struct assignment *a)
{
    const char *text = buf_str(&line->text), *eq;
    size_t name_len;

    if (line->has_nul)
        return "NUL byte in line";
    if (line->orphan)
        return "line starts with white space but continues nothing";
    if ((eq = strchr(text, '=')) == NULL)
        return "missing '=' after parameter name";
    name_len = (size_t) (eq - text);
    while (name_len > 0 && (text[name_len - 1] == ' ' || text[name_len - 1] == '\t'))
        name_len--;
    if (!valid_name(text, name_len))
        return "bad parameter name";
    a->name = xstrndup(text, name_len);
    a->value = str_trim(xstrdup(eq + 1));
    a->line = line->first_line;
    return NULL;
}

static int parse_main_cf(const char *text, size_t len, const char *filename, int flags,
                         struct assignments *out, char **err)
{
    cf_reader_t reader;
    cf_line_t line;
    const char *why;
    int rc = 0;

    cf_reader_init(&reader, text, len);
    cf_line_init(&line);
    while (rc == 0 && cf_next_line(&reader, &line)) {
        struct assignment a;
        if ((why = parse_assignment(&line, &a)) == NULL) {
            out->items = array_grow(out->items, out->count, out->count + 1, sizeof(a));
            out->items[out->count++] = a;
        } else if (flags & CONFIG_STRICT) {
            buf_t b;
            buf_init(&b);
            buf_printf(&b, "%s, line %d: %s: \"%.100s\"", filename, line.first_line, why,
                       buf_str(&line.text));
            *err = buf_detach(&b);
            buf_dispose(&b);
            rc = -1;
        } else {
            warnf("%s, line %d: %s: ignored", filename, line.first_line, why);
        }
    }
    cf_line_dispose(&line);
    return rc;
}

static void clear_file_layer(void)
{
    size_t cursor = 0;
    const char *name;
    void *value;

    init_store();
    while (strmap_next(cfg.entries, &cursor, &name, &value)) {
        cfg_entry_t *e = value;
        xfree(e->file_value);
        e->file_value = NULL;
        e->file_line = 0;
    }
}

static void commit(const struct assignments *a)
{
    clear_file_layer();
    for (size_t i = 0; i < a->count; i++) {
        cfg_entry_t *e = get_entry(a->items[i].name, true);
        xfree(e->file_value);
        e->file_value = xstrdup(a->items[i].value);
        e->file_line = a->items[i].line;
    }
    changed();
}

int config_load_text(const char *text, size_t len, const char *filename, int flags,
                     char **err)
{
    struct assignments a = {NULL, 0};

    if (parse_main_cf(text, len, filename, flags, &a, err) < 0) {
        assignments_free(&a);
        return -1;
    }
    commit(&a);
    assignments_free(&a);
    free_services();
    cfg.reported = false;
    return 0;
}

static void set_dir(const char *dir)
{
    buf_t path;
    cfg_entry_t *e;

    xfree(cfg.dir);
    xfree(cfg.main_cf);
    cfg.dir = xstrdup(dir);
    buf_init(&path);
    buf_printf(&path, "%s/main.cf", dir);
    cfg.main_cf = buf_detach(&path);
    buf_dispose(&path);
    e = get_entry("config_directory", true);
    xfree(e->runtime_value);
    e->runtime_value = xstrdup(dir);
}

int config_load_flags(const char *dir, int flags, char **err)
{
    buf_t text;
    int rc;

    if (dir == NULL || *dir == '\0')
        dir = getenv("MAIL_CONFIG");
    if (dir == NULL || *dir == '\0')
        dir = CONFIG_DEFAULT_DIR;
    set_dir(dir);
    buf_init(&text);
    if (cf_read_file(cfg.main_cf, &text, err) < 0) {
        if (errno != ENOENT) {
            buf_dispose(&text);
            return -1;
        }
        xfree(*err);
        *err = NULL;
        buf_reset(&text);
    }
    rc = config_load_text(text.data, text.len, cfg.main_cf, flags, err);
    buf_dispose(&text);
    if (rc == 0)
        load_services();    /* now, while DIR is reachable (before chroot) */
    return rc;
}

int config_load(const char *dir, char **err)
{
    return config_load_flags(dir, 0, err);
}

const char *config_dir(void)
{
    return cfg.dir ? cfg.dir : CONFIG_DEFAULT_DIR;
}

const char *config_main_cf_path(void)
{
    return cfg.main_cf ? cfg.main_cf : CONFIG_DEFAULT_DIR "/main.cf";
}

/* ---- introspection ---- */

const char *config_file_value(const char *name, int *line)
{
    cfg_entry_t *e = get_entry(name, false);

    if (e == NULL || e->file_value == NULL)
        return NULL;
    if (line)
        *line = e->file_line;
    return e->file_value;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

char **config_file_names(void)
{
    char **names = xcalloc(array_grow_cap(1), sizeof(*names));
    size_t n = 0, cursor = 0;
    const char *name;
    void *value;

    init_store();
    while (strmap_next(cfg.entries, &cursor, &name, &value)) {
        if (((cfg_entry_t *) value)->file_value != NULL)
            push_word(&names, &n, name);
    }
    qsort(names, n, sizeof(*names), compare_strings);
    return names;
}

static void mark_referenced(const char *name, void *ctx)
{
    strmap_put(ctx, name, (void *) 1);
}

/* The names listed in smtpd_restriction_classes are parameters that the
 * site defines itself (each holds a restriction list). */
static void mark_restriction_classes(strmap_t *refs)
{
    const char *value;
    char *err = NULL;
    char **names;

    if (config_expanded("smtpd_restriction_classes", &value, &err) <= 0) {
        xfree(err);
        return;
    }
    names = cfg_split_list(value);
    for (char **p = names; *p; p++)
        strmap_put(refs, *p, (void *) 1);
    cfg_list_free(names);
}

static strmap_t *referenced_names(void)
{
    strmap_t *refs = strmap_new();
    size_t cursor = 0, count;
    const char *name;
    void *value;
    const param_def_t *const *defs = param_list(&count);

    while (strmap_next(cfg.entries, &cursor, &name, &value)) {
        cfg_entry_t *e = value;
        if (e->file_value)
            cfg_references(e->file_value, mark_referenced, refs);
        if (e->override_value)
            cfg_references(e->override_value, mark_referenced, refs);
    }
    for (size_t i = 0; i < count; i++) {
        if (defs[i]->dflt)
            cfg_references(defs[i]->dflt, mark_referenced, refs);
    }
    load_services();
    for (char **v = cfg.master_opt_values; v && *v; v++)
        cfg_references(*v, mark_referenced, refs);
    mark_restriction_classes(refs);
    return refs;
}

const char *const *config_unknown_names(void)
{
    char **names;
    strmap_t *refs;
    size_t n = 0;

    if (cfg.unknown != NULL && cfg.unknown_gen == cfg.gen)
        return (const char *const *) cfg.unknown;
    cfg_list_free(cfg.unknown);
    names = config_file_names();
    refs = referenced_names();
    cfg.unknown = xcalloc(array_grow_cap(1), sizeof(*cfg.unknown));
    for (char **p = names; *p; p++) {
        if (!config_is_known(*p, NULL) && strmap_get(refs, *p) == NULL)
            push_word(&cfg.unknown, &n, *p);
    }
    strmap_free(refs, NULL);
    cfg_list_free(names);
    cfg.unknown_gen = cfg.gen;
    return (const char *const *) cfg.unknown;
}

void config_report_unused(void)
{
    char **names;
    bool implemented;

    if (cfg.reported)
        return;
    cfg.reported = true;
    for (const char *const *u = config_unknown_names(); *u; u++)
        msg_warn("%s: unused parameter: %s=%s", config_main_cf_path(), *u,
                 config_file_value(*u, NULL));
    names = config_file_names();
    for (char **p = names; *p; p++) {
        if (config_is_known(*p, &implemented) && !implemented)
            msg_warn("%s: parameter not supported by postern: %s", config_main_cf_path(), *p);
    }
    cfg_list_free(names);
}
