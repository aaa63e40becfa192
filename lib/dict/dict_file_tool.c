/* dict_file_tool.c - the table operations of postmap(1) and postalias(1)
 * (see dict_file_tool.h): atomic builds from a source file, incremental
 * additions, queries, deletions and listings. Reports its own warnings
 * and errors with msg_*; returns statuses for the exit code. */
#include "dict/dict_file_tool.h"
#include "dict/dict_alias.h"
#include "dict/dict_file.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Called for every well-formed entry; < 0 stops the reading. */
typedef int (*entry_fn)(void *ctx, const char *key, const char *value,
                        int lineno);

static char *detach(buf_t *b)
{
    char *text = xstrdup(b->data);

    buf_dispose(b);
    return text;
}

char *dict_tool_map_name(const struct dict_tool *t, const char *arg)
{
    buf_t b = BUF_INIT;

    if (strchr(arg, ':') != NULL)
        buf_set(&b, arg);
    else
        buf_printf(&b, "%s:%s", t->default_type, arg);
    return detach(&b);
}

/* Splits "type:name" in place; returns name. */
static char *split_map(char *map)
{
    char *colon = strchr(map, ':');

    *colon = '\0';
    return colon + 1;
}

static int parse_line(const struct dict_tool *t, buf_t *line, buf_t *key,
                      buf_t *value, const char **why)
{
    char *k, *v;

    if (t->aliases)
        return dict_alias_parse_entry(line->data, key, value, why);
    if (dict_file_parse_entry(line->data, &k, &v, why) < 0)
        return -1;
    buf_set(key, k);
    buf_set(value, v);
    return 0;
}

/* Reads all entries of in. Returns the number of malformed lines, or -1
 * after a read error or when fn failed. */
static int read_entries(const struct dict_tool *t, FILE *in, const char *path,
                        entry_fn fn, void *ctx)
{
    dict_file_reader_t r;
    buf_t line = BUF_INIT, key = BUF_INIT, value = BUF_INIT;
    const char *why;
    char *msg;
    int rc, lineno, bad = 0;

    dict_file_reader_init(&r, in, path, 0);
    while ((rc = dict_file_next(&r, &line, &lineno, &msg)) != DICT_FILE_EOF) {
        if (rc == DICT_FILE_IOERR) {
            msg_error("%s", msg);
            xfree(msg);
            bad = -1;
            break;
        }
        if (rc == DICT_FILE_BAD) {
            msg_warn("%s", msg);
            xfree(msg);
            bad++;
        } else if (parse_line(t, &line, &key, &value, &why) < 0) {
            msg_warn("%s, line %d: %s", path, lineno, why);
            bad++;
        } else if (fn(ctx, key.data, value.data, lineno) < 0) {
            bad = -1;
            break;
        }
    }
    buf_dispose(&line);
    buf_dispose(&key);
    buf_dispose(&value);
    dict_file_reader_done(&r);
    return bad;
}

struct add_ctx {
    const struct dict_tool *tool;
    dict_t *dict;
    const char *path;
};

/* Names the key as stored (folded unless -f), as Postfix does. */
static void warn_duplicate(const struct add_ctx *a, const char *key,
                           int lineno)
{
    char *stored = xstrdup(key);

    if (a->tool->dict_flags & DICT_FLAG_FOLD_KEYS)
        str_lower(stored);
    msg_warn("%s, line %d: duplicate entry: \"%s\"", a->path, lineno, stored);
    xfree(stored);
}

static int add_entry(void *ctx, const char *key, const char *value, int lineno)
{
    struct add_ctx *a = ctx;
    char *err = NULL;
    int rc = dict_update(a->dict, key, value, &err);

    if (rc < 0) {
        msg_error("%s", err);
        xfree(err);
        return -1;
    }
    if (rc == DICT_FOUND && (a->tool->dict_flags & DICT_FLAG_DUP_WARN)
        && !(a->tool->dict_flags
             & (DICT_FLAG_DUP_IGNORE | DICT_FLAG_DUP_REPLACE)))
        warn_duplicate(a, key, lineno);
    return 0;
}

/* The "@" entry tells sendmail-style readers that the aliases database is
 * complete; Postfix's postalias writes it too. */
static int add_signature(const struct dict_tool *t, dict_t *d)
{
    char *err = NULL;

    if (!t->aliases)
        return 0;
    if (dict_update(d, "@", "@", &err) < 0) {
        msg_error("%s", err);
        xfree(err);
        return -1;
    }
    return 0;
}

/* As root, builds run as the owner of the source file (unless -o), the
 * way Postfix does; effective ids only, restored afterwards. */
static int become_owner(const struct dict_tool *t, const struct stat *st,
                        bool *changed)
{
    *changed = false;
    if (t->keep_root || geteuid() != 0 || st->st_uid == 0)
        return 0;
    if (setegid(st->st_gid) < 0 || seteuid(st->st_uid) < 0) {
        msg_error("cannot become uid %ld gid %ld: %s", (long) st->st_uid,
                  (long) st->st_gid, strerror(errno));
        return -1;
    }
    *changed = true;
    return 0;
}

static void become_root(bool changed)
{
    if (changed && (seteuid(0) < 0 || setegid(0) < 0))
        msg_fatal("cannot restore root privileges: %s", strerror(errno));
}

/* Entries held in memory: strict incremental additions are checked in
 * full before anything is written, and btree builds insert in key order
 * (pages are then filled left to right instead of split at random). */
struct pending_entry {
    char *key, *value;
    int lineno;
};

struct collect_ctx {
    struct pending_entry *v;
    size_t n, cap;
    bool fold;           /* store keys lower-cased (sort as stored) */
};

static int collect_entry(void *ctx, const char *key, const char *value,
                         int lineno)
{
    struct collect_ctx *c = ctx;

    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
    }
    c->v[c->n].key = xstrdup(key);
    if (c->fold)
        str_lower(c->v[c->n].key);
    c->v[c->n].value = xstrdup(value);
    c->v[c->n].lineno = lineno;
    c->n++;
    return 0;
}

static void free_collected(struct collect_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        xfree(c->v[i].key);
        xfree(c->v[i].value);
    }
    xfree(c->v);
}

/* Key order; equal keys stay in input order, so the first still wins. */
static int entry_order(const void *x, const void *y)
{
    const struct pending_entry *a = x, *b = y;
    int diff = strcmp(a->key, b->key);

    return diff ? diff : (a->lineno > b->lineno) - (a->lineno < b->lineno);
}

static int apply_collected(struct collect_ctx *c, struct add_ctx *a)
{
    int rc = 0;

    for (size_t i = 0; i < c->n; i++) {
        if (rc == 0 && add_entry(a, c->v[i].key, c->v[i].value,
                                 c->v[i].lineno) < 0)
            rc = -1;
        xfree(c->v[i].key);
        xfree(c->v[i].value);
    }
    xfree(c->v);
    return rc;
}

/* Reads all entries, then adds them in key order. Returns the number of
 * malformed lines or -1 (as read_entries). */
static int read_sorted(const struct dict_tool *t, FILE *src, const char *path,
                       struct add_ctx *ctx)
{
    struct collect_ctx col = {NULL, 0, 0, false};
    int bad;

    col.fold = (t->dict_flags & DICT_FLAG_FOLD_KEYS) != 0;
    bad = read_entries(t, src, path, collect_entry, &col);
    if (bad < 0 || (bad > 0 && t->strict)) {
        free_collected(&col);
        return bad;
    }
    if (col.n > 0)
        qsort(col.v, col.n, sizeof(*col.v), entry_order);
    return apply_collected(&col, ctx) < 0 ? -1 : bad;
}

static int build_from(const struct dict_tool *t, const char *type,
                      const char *path, FILE *src, const struct stat *st)
{
    mode_t mode = t->default_perms ? 0644 : (0600 | (st->st_mode & 044));
    struct add_ctx ctx = {t, NULL, path};
    dict_build_t *b;
    char *err = NULL;
    int bad;

    b = dict_build_begin(type, path, t->dict_flags, mode,
                         (long) (st->st_size / 24), &err);
    if (b == NULL) {
        msg_error("%s", err);
        xfree(err);
        return -1;
    }
    ctx.dict = dict_build_dict(b);
    bad = strcmp(type, "btree") == 0 ? read_sorted(t, src, path, &ctx)
        : read_entries(t, src, path, add_entry, &ctx);
    if (bad == 0 || (bad > 0 && !t->strict))
        bad = add_signature(t, ctx.dict) < 0 ? -1 : 0;
    if (bad != 0) {
        dict_build_abort(b);
        if (bad > 0)
            msg_error("%s: %d malformed line%s; %s:%s left unchanged", path,
                      bad, bad == 1 ? "" : "s", type, path);
        return -1;
    }
    if (dict_build_commit(b, &err) < 0) {
        msg_error("%s", err);
        xfree(err);
        return -1;
    }
    return 0;
}

int dict_tool_build(const struct dict_tool *t, const char *arg)
{
    char *map = dict_tool_map_name(t, arg);
    char *path = split_map(map);
    struct stat st;
    bool changed;
    FILE *src;
    int rc = -1;

    if ((src = fopen(path, "r")) == NULL) {
        msg_error("open %s: %s", path, strerror(errno));
    } else if (fstat(fileno(src), &st) < 0) {
        msg_error("fstat %s: %s", path, strerror(errno));
    } else if (become_owner(t, &st, &changed) == 0) {
        rc = build_from(t, map, path, src, &st);
        become_root(changed);
    }
    if (src)
        (void) fclose(src);
    xfree(map);
    return rc;
}

int dict_tool_add_stream(const struct dict_tool *t, const char *arg, FILE *in)
{
    char *map = dict_tool_map_name(t, arg);
    struct add_ctx ctx = {t, NULL, "-"};
    struct collect_ctx col = {NULL, 0, 0, false};
    char *err = NULL;
    int bad;

    ctx.dict = dict_open(map, O_RDWR | O_CREAT, t->dict_flags, &err);
    if (ctx.dict == NULL) {
        msg_error("%s", err);
        xfree(err);
        xfree(map);
        return -1;
    }
    if (t->strict) {
        bad = read_entries(t, in, "-", collect_entry, &col);
        if (bad != 0) {
            free_collected(&col);
            if (bad > 0)
                msg_error("-: %d malformed line%s; %s left unchanged", bad,
                          bad == 1 ? "" : "s", map);
        } else {
            bad = apply_collected(&col, &ctx);
        }
    } else {
        bad = read_entries(t, in, "-", add_entry, &ctx);
        bad = bad < 0 ? -1 : 0;
    }
    dict_close(ctx.dict);
    xfree(map);
    return bad == 0 ? 0 : -1;
}

/* Opens every map read-only (or read-write); NULL after an error. */
static dict_t **open_maps(const struct dict_tool *t, char **args, int nargs,
                          int open_flags)
{
    dict_t **maps = xcalloc((size_t) nargs + 1, sizeof(*maps));
    char *err = NULL;

    for (int i = 0; i < nargs; i++) {
        char *map = dict_tool_map_name(t, args[i]);
        maps[i] = dict_open(map, open_flags, t->dict_flags, &err);
        xfree(map);
        if (maps[i] == NULL) {
            msg_error("%s", err);
            xfree(err);
            for (int j = 0; j < i; j++)
                dict_close(maps[j]);
            xfree(maps);
            return NULL;
        }
    }
    return maps;
}

static void close_maps(dict_t **maps)
{
    for (dict_t **m = maps; *m; m++)
        dict_close(*m);
    xfree(maps);
}

/* First map with the key: 1 found, 0 not, -1 error (reported). */
static int lookup_maps(dict_t **maps, const char *key, buf_t *value)
{
    char *err = NULL;

    for (dict_t **m = maps; *m; m++) {
        int rc = dict_lookup(*m, key, value, &err);
        if (rc == DICT_FOUND)
            return 1;
        if (rc == DICT_ERROR) {
            msg_error("%s", err);
            xfree(err);
            return -1;
        }
    }
    return 0;
}

int dict_tool_query(const struct dict_tool *t, char **args, int nargs,
                    const char *key, FILE *out)
{
    dict_t **maps = open_maps(t, args, nargs, O_RDONLY);
    buf_t value = BUF_INIT;
    int rc;

    if (maps == NULL)
        return -1;
    rc = lookup_maps(maps, key, &value);
    if (rc == 1)
        fprintf(out, "%s\n", value.data);
    buf_dispose(&value);
    close_maps(maps);
    return rc;
}

/* Reads one line without its newline; false at the end. */
static bool read_key(FILE *in, buf_t *line)
{
    int c;

    buf_reset(line);
    while ((c = getc_unlocked(in)) != EOF && c != '\n') {
        if (line->len + 1 >= line->cap)
            buf_reserve(line, 1);
        line->data[line->len++] = (char) c;
    }
    line->data[line->len] = '\0';
    return c != EOF || line->len > 0;
}

int dict_tool_query_stream(const struct dict_tool *t, char **args, int nargs,
                           FILE *in, FILE *out)
{
    dict_t **maps = open_maps(t, args, nargs, O_RDONLY);
    buf_t key = BUF_INIT, value = BUF_INIT;
    const char *sep = t->aliases ? ":\t" : "\t";
    int rc = 0, found = 0;

    if (maps == NULL)
        return -1;
    buf_init(&key);
    while (rc >= 0 && read_key(in, &key)) {
        if ((rc = lookup_maps(maps, key.data, &value)) == 1) {
            found = 1;
            fputs(key.data, out);
            fputs(sep, out);
            fputs(value.data, out);
            putc_unlocked('\n', out);
        }
    }
    buf_dispose(&key);
    buf_dispose(&value);
    close_maps(maps);
    return rc < 0 ? -1 : found;
}

static int delete_maps(dict_t **maps, const char *key)
{
    char *err = NULL;
    int found = 0;

    for (dict_t **m = maps; *m; m++) {
        int rc = dict_delete(*m, key, &err);
        if (rc == DICT_ERROR) {
            msg_error("%s", err);
            xfree(err);
            return -1;
        }
        found |= rc == DICT_FOUND;
    }
    return found;
}

int dict_tool_delete(const struct dict_tool *t, char **args, int nargs,
                     const char *key)
{
    dict_t **maps = open_maps(t, args, nargs, O_RDWR);
    int rc;

    if (maps == NULL)
        return -1;
    rc = delete_maps(maps, key);
    close_maps(maps);
    return rc;
}

int dict_tool_delete_stream(const struct dict_tool *t, char **args,
                            int nargs, FILE *in)
{
    dict_t **maps = open_maps(t, args, nargs, O_RDWR);
    buf_t key = BUF_INIT;
    int rc = 0, found = 0;

    if (maps == NULL)
        return -1;
    buf_init(&key);
    while (rc >= 0 && read_key(in, &key))
        if ((rc = delete_maps(maps, key.data)) == 1)
            found = 1;
    buf_dispose(&key);
    close_maps(maps);
    return rc < 0 ? -1 : found;
}

int dict_tool_dump(const struct dict_tool *t, char **args, int nargs,
                   FILE *out)
{
    dict_t **maps = open_maps(t, args, nargs, O_RDONLY);
    buf_t key = BUF_INIT, value = BUF_INIT;
    const char *sep = t->aliases ? ":\t" : "\t";
    char *err = NULL;
    int rc = 0;

    if (maps == NULL)
        return -1;
    for (dict_t **m = maps; *m && rc == 0; m++) {
        bool first = true;
        int got;
        while ((got = dict_sequence(*m, first, &key, &value, &err))
               == DICT_FOUND) {
            first = false;
            fprintf(out, "%s%s%s\n", key.data, sep, value.data);
        }
        if (got == DICT_ERROR) {
            msg_error("%s", err);
            xfree(err);
            rc = -1;
        }
    }
    buf_dispose(&key);
    buf_dispose(&value);
    close_maps(maps);
    return rc;
}
