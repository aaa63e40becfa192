/* expand.c - alias, .forward and :include: expansion of one recipient into
 * delivery destinations (rules in expand.h). Table and file errors stop the
 * expansion with a deferral; per-branch problems become error entries. */
#include "local/expand.h"
#include "local/address.h"
#include "local/template.h"
#include "local/value.h"
#include "util/mem.h"
#include "util/strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_FORWARD_PATH "$home/.forward${recipient_delimiter}${extension}, $home/.forward"
#define DEFAULT_MAX_DEPTH 100
#define DEFAULT_MAX_FILE (1024 * 1024)

typedef struct priv {
    bool default_privs;
    const local_user_t *user;   /* when !default_privs */
} priv_t;

typedef struct state {
    const local_expand_cfg_t *cfg;
    local_dests_t *out;
    dlv_result_t *res;
    const char *recipient;
    char **seen;
    size_t nseen;
    local_user_t **users;       /* kept alive for priv_t pointers */
    size_t nusers;
} state_t;

static int expand_items(state_t *st, const local_items_t *items, int depth,
                        const char *owner, int source, priv_t priv,
                        const char *propagate);

bool local_class_parse(const char *text, int *classes)
{
    char *copy = xstrdup(text), *cur = copy, *word;
    bool ok = true;

    *classes = 0;
    while (ok && (word = str_token(&cur, ", \t\r\n")) != NULL) {
        if (str_case_eq(word, "alias"))
            *classes |= LOCAL_CLASS_ALIAS;
        else if (str_case_eq(word, "forward"))
            *classes |= LOCAL_CLASS_FORWARD;
        else if (str_case_eq(word, "include"))
            *classes |= LOCAL_CLASS_INCLUDE;
        else
            ok = false;
    }
    xfree(copy);
    return ok;
}

void local_user_free(local_user_t *u)
{
    xfree(u->name);
    xfree(u->home);
    xfree(u->shell);
    u->name = u->home = u->shell = NULL;
}

static void user_copy(local_user_t *to, const local_user_t *from)
{
    to->name = from->name ? xstrdup(from->name) : NULL;
    to->home = from->home ? xstrdup(from->home) : NULL;
    to->shell = from->shell ? xstrdup(from->shell) : NULL;
    to->uid = from->uid;
    to->gid = from->gid;
}

int local_get_user_passwd(void *ctx, const char *name, local_user_t *out,
                          char **err)
{
    struct passwd pw, *found = NULL;
    char buffer[16384];
    int rc;

    (void) ctx;
    rc = getpwnam_r(name, &pw, buffer, sizeof(buffer), &found);
    if (rc != 0 && rc != ENOENT && rc != ESRCH) {
        if (err) {
            buf_t b = BUF_INIT;

            buf_printf(&b, "user lookup for %s: %s", name, strerror(rc));
            *err = buf_detach(&b);
        }
        return -1;
    }
    if (found == NULL)
        return 0;
    out->name = xstrdup(pw.pw_name);
    out->home = xstrdup(pw.pw_dir);
    out->shell = xstrdup(pw.pw_shell);
    out->uid = pw.pw_uid;
    out->gid = pw.pw_gid;
    return 1;
}

void local_dests_init(local_dests_t *d)
{
    d->items = NULL;
    d->count = 0;
}

void local_dests_free(local_dests_t *d)
{
    for (size_t i = 0; i < d->count; i++) {
        local_dest_t *x = &d->items[i];

        xfree(x->value);
        xfree(x->extension);
        xfree(x->owner);
        local_user_free(&x->user);
        dlv_result_dispose(&x->error);
    }
    xfree(d->items);
    local_dests_init(d);
}

/* ---- bookkeeping ---- */

static bool seen_before(state_t *st, const char *kind, const char *key)
{
    buf_t k = BUF_INIT;

    buf_printf(&k, "%s:%s", kind, key);
    for (size_t i = 0; i < st->nseen; i++) {
        if (strcmp(st->seen[i], k.data) == 0) {
            buf_dispose(&k);
            return true;
        }
    }
    st->seen = xreallocarray(st->seen, st->nseen + 1, sizeof(*st->seen));
    st->seen[st->nseen++] = buf_detach(&k);
    buf_dispose(&k);
    return false;
}

static bool is_seen(const state_t *st, const char *kind, const char *key)
{
    size_t klen = strlen(kind);

    for (size_t i = 0; i < st->nseen; i++)
        if (strncmp(st->seen[i], kind, klen) == 0 && st->seen[i][klen] == ':'
            && strcmp(st->seen[i] + klen + 1, key) == 0)
            return true;
    return false;
}

static local_user_t *keep_user(state_t *st, local_user_t *u)
{
    local_user_t *copy = xmalloc(sizeof(*copy));

    *copy = *u;  /* takes ownership of the strings */
    st->users = xreallocarray(st->users, st->nusers + 1, sizeof(*st->users));
    st->users[st->nusers++] = copy;
    return copy;
}

static local_dest_t *add_dest(state_t *st, local_dest_kind_t kind,
                              const char *value, const char *extension,
                              const char *owner, int source, priv_t priv)
{
    local_dest_t *d;

    for (size_t i = 0; i < st->out->count && kind != LOCAL_DEST_ERROR; i++) {
        d = &st->out->items[i];
        if (d->kind == kind && strcmp(d->value, value) == 0)
            return NULL;  /* delivered once per recipient */
    }
    st->out->items = xreallocarray(st->out->items, st->out->count + 1,
                                   sizeof(*st->out->items));
    d = &st->out->items[st->out->count++];
    memset(d, 0, sizeof(*d));
    d->kind = kind;
    d->value = xstrdup(value);
    d->extension = xstrdup(extension ? extension : "");
    d->owner = owner ? xstrdup(owner) : NULL;
    d->source = source;
    d->default_privs = priv.default_privs;
    if (priv.user)
        user_copy(&d->user, priv.user);
    dlv_result_init(&d->error);
    return d;
}

static void add_error(state_t *st, const char *what, const char *owner,
                      int source, const char *dsn, const char *text)
{
    priv_t none = {true, NULL};
    local_dest_t *d = add_dest(st, LOCAL_DEST_ERROR, what, NULL, owner,
                               source, none);

    dlv_result_set(&d->error, dsn, "%s", text);
}

static int fatal(state_t *st, const char *dsn, const char *text)
{
    dlv_result_set(st->res, dsn, "%s", text);
    return -1;
}

/* ---- files ---- */

static bool may_read(const struct stat *sb, const local_user_t *reader)
{
    if (reader == NULL || reader->uid == 0)
        return true;
    if (sb->st_uid == reader->uid)
        return (sb->st_mode & S_IRUSR) != 0;
    if (sb->st_gid == reader->gid)
        return (sb->st_mode & S_IRGRP) != 0;
    return (sb->st_mode & S_IROTH) != 0;
}

/* Reads a small regular file. Returns 1 with its text, 0 when it does not
 * exist, -1 with *why set (errno text or a rule that failed). */
static int read_small_file(state_t *st, const char *path, struct stat *sb,
                           buf_t *text, const char **why)
{
    off_t max = st->cfg->max_file_size > 0 ? st->cfg->max_file_size
                                           : DEFAULT_MAX_FILE;
    char chunk[4096];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        *why = strerror(errno);
        return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
    }
    *why = NULL;
    if (fstat(fd, sb) < 0)
        *why = strerror(errno);
    else if (!S_ISREG(sb->st_mode))
        *why = "not a regular file";
    else if (sb->st_size > max)
        *why = "file too large";
    while (*why == NULL && (n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0 && errno != EINTR)
            *why = strerror(errno);
        else if (n > 0)
            buf_append(text, chunk, (size_t) n);
        if (text->len > (size_t) max)
            *why = "file too large";
    }
    close(fd);
    return *why ? -1 : 1;
}

/* ---- aliases ---- */

/* Looks key up in the alias maps: 1 found, 0 not, -1 error (fatal set). */
static int alias_lookup(state_t *st, const char *key, buf_t *value)
{
    for (size_t i = 0; i < st->cfg->alias_map_count; i++) {
        char *err = NULL;
        int rc = dict_lookup(st->cfg->alias_maps[i], key, value, &err);

        if (rc == DICT_FOUND)
            return 1;
        if (rc == DICT_ERROR) {
            buf_t msg = BUF_INIT;

            buf_printf(&msg, "alias database unavailable: %s",
                       err ? err : dict_name(st->cfg->alias_maps[i]));
            xfree(err);
            fatal(st, "4.3.0", msg.data);
            buf_dispose(&msg);
            return -1;
        }
    }
    return 0;
}

static int expand_alias_value(state_t *st, const char *key, const buf_t *value,
                              int depth, const char *propagate)
{
    buf_t owner_key = BUF_INIT, owner_value = BUF_INIT;
    priv_t priv = {true, NULL};
    local_items_t items;
    char *err = NULL;
    int rc;

    buf_printf(&owner_key, "owner-%s", key);
    rc = alias_lookup(st, owner_key.data, &owner_value);
    local_items_init(&items);
    if (rc >= 0 && local_value_parse(value->data, value->len, &items, &err) < 0) {
        buf_t msg = BUF_INIT;

        buf_printf(&msg, "alias %s: %s", key, err);
        add_error(st, key, NULL, LOCAL_CLASS_ALIAS, "5.3.5", msg.data);
        buf_dispose(&msg);
        xfree(err);
    } else if (rc >= 0) {
        rc = expand_items(st, &items, depth + 1, rc == 1 ? owner_key.data : NULL,
                          LOCAL_CLASS_ALIAS, priv, propagate);
    }
    local_items_free(&items);
    buf_dispose(&owner_key);
    buf_dispose(&owner_value);
    return rc < 0 ? -1 : 0;
}

/* Tries the aliases for a; 1 when an alias took over, 0 not, -1 fatal. */
static int try_aliases(state_t *st, const local_addr_t *a, int depth)
{
    buf_t value = BUF_INIT, propagate = BUF_INIT;
    const char *keys[2] = {a->local.data, a->user.data};
    int rc = 0;

    for (int i = 0; i < 2 && rc == 0; i++) {
        if (i == 1 && a->extension.len == 0)
            break;
        if (is_seen(st, "alias", keys[i]))
            continue;
        rc = alias_lookup(st, keys[i], &value);
        if (rc != 1)
            continue;
        (void) seen_before(st, "alias", keys[i]);
        if (i == 1)
            buf_printf(&propagate, "%c%s", a->delim, a->extension.data);
        rc = expand_alias_value(st, keys[i], &value, depth,
                                propagate.len ? propagate.data : NULL);
        rc = rc < 0 ? -1 : 1;
    }
    buf_dispose(&value);
    buf_dispose(&propagate);
    return rc;
}

/* ---- .forward ---- */

static int forward_candidates(state_t *st, const local_addr_t *a,
                              const local_user_t *u, char ***paths)
{
    const char *delim = st->cfg->recipient_delimiter;
    char one[2] = {a->delim, 0};
    local_var_t vars[] = {
        {"user", u->name}, {"home", u->home}, {"shell", u->shell},
        {"recipient", a->address.data}, {"extension", a->extension.data},
        {"domain", a->domain.data}, {"local", a->local.data},
        {"recipient_delimiter", a->delim ? one : (delim ? delim : "")},
    };
    char *list = xstrdup(st->cfg->forward_path ? st->cfg->forward_path
                                               : DEFAULT_FORWARD_PATH);
    char *cur = list, *element;
    buf_t path = BUF_INIT;
    int count = 0;

    /* A single configured delimiter is used even without an extension;
     * with several, only the one found in the address makes sense. */
    if (!a->delim && delim && strlen(delim) > 1)
        vars[7].value = "";
    *paths = NULL;
    while ((element = str_token(&cur, ", \t\r\n")) != NULL) {
        bool used_empty;
        char *err = NULL;

        if (local_template_expand(element, vars, sizeof(vars) / sizeof(vars[0]),
                                  &path, &used_empty, &err) < 0) {
            xfree(err);
            continue;
        }
        if (used_empty || path.data[0] != '/')
            continue;
        *paths = xreallocarray(*paths, (size_t) count + 1, sizeof(**paths));
        (*paths)[count++] = xstrdup(path.data);
    }
    buf_dispose(&path);
    xfree(list);
    return count;
}

/* Expands the user's .forward: 1 used, 0 none, -1 fatal. */
static int try_forward(state_t *st, const local_addr_t *a, local_user_t *u,
                       int depth)
{
    char **paths;
    int n = forward_candidates(st, a, u, &paths), rc = 0;
    buf_t text = BUF_INIT;

    for (int i = 0; i < n && rc == 0; i++) {
        local_items_t items;
        struct stat sb;
        const char *why;
        char *err = NULL;
        priv_t priv = {false, u};

        buf_reset(&text);
        rc = read_small_file(st, paths[i], &sb, &text, &why);
        if (rc == 0)
            continue;
        if (rc < 0) {
            buf_t msg = BUF_INIT;

            buf_printf(&msg, "cannot open forward file %s: %s", paths[i], why);
            rc = fatal(st, "4.3.0", msg.data);
            buf_dispose(&msg);
            break;
        }
        if (sb.st_uid != u->uid) {
            rc = 0;  /* not the user's own file: ignored */
            continue;
        }
        local_items_init(&items);
        if (local_file_parse(text.data, text.len, &items, &err) < 0) {
            buf_t msg = BUF_INIT;

            buf_printf(&msg, "forward file %s: %s", paths[i], err);
            add_error(st, paths[i], NULL, LOCAL_CLASS_FORWARD, "5.3.5", msg.data);
            buf_dispose(&msg);
            xfree(err);
            rc = 1;
        } else if (items.count == 0) {
            rc = 0;  /* empty: the mailbox */
            local_items_free(&items);
            break;
        } else {
            rc = expand_items(st, &items, depth + 1, NULL, LOCAL_CLASS_FORWARD,
                              priv, NULL) < 0 ? -1 : 1;
        }
        local_items_free(&items);
    }
    for (int i = 0; i < n; i++)
        xfree(paths[i]);
    xfree(paths);
    buf_dispose(&text);
    return rc;
}

/* ---- one local name ---- */

static int loop_error(state_t *st)
{
    buf_t msg = BUF_INIT;

    buf_printf(&msg, "mail forwarding loop for %s", st->recipient);
    fatal(st, "5.4.6", msg.data);
    buf_dispose(&msg);
    return -1;
}

/* Looks up the user; 1 found (*out kept in st), 0 unknown, -1 fatal. */
static int find_user(state_t *st, const char *name, local_user_t **out)
{
    local_user_t u = {NULL, NULL, NULL, 0, 0};
    char *err = NULL;
    int rc = st->cfg->get_user(st->cfg->ctx, name, &u, &err);

    if (rc < 0) {
        fatal(st, "4.3.0", err ? err : "user lookup failed");
        xfree(err);
        return -1;
    }
    if (rc == 0)
        return 0;
    *out = keep_user(st, &u);
    return 1;
}

static int unknown_user(state_t *st, const char *name, int depth,
                        const char *owner, int source)
{
    buf_t msg = BUF_INIT;

    buf_printf(&msg, "unknown user: \"%s\"", name);
    if (depth == 0)
        fatal(st, "5.1.1", msg.data);
    else
        add_error(st, name, owner, source, "5.1.1", msg.data);
    buf_dispose(&msg);
    return depth == 0 ? -1 : 0;
}

static int expand_local(state_t *st, const local_addr_t *a, int depth,
                        const char *owner, int source, bool mailbox_only)
{
    int max = st->cfg->max_depth > 0 ? st->cfg->max_depth : DEFAULT_MAX_DEPTH;
    priv_t priv = {false, NULL};
    local_user_t *u;
    int rc;

    if (depth > max)
        return loop_error(st);
    if (!mailbox_only && (rc = try_aliases(st, a, depth)) != 0)
        return rc < 0 ? -1 : 0;
    if ((rc = find_user(st, a->user.data, &u)) <= 0)
        return rc < 0 ? -1 : unknown_user(st, a->user.data, depth, owner, source);
    if (!mailbox_only && !seen_before(st, "forward", a->user.data)
        && (rc = try_forward(st, a, u, depth)) != 0)
        return rc < 0 ? -1 : 0;
    priv.user = u;
    add_dest(st, LOCAL_DEST_MAILBOX, u->name, a->extension.data, owner,
             source, priv);
    return 0;
}

/* ---- items ---- */

static bool domain_is_local(state_t *st, const char *domain)
{
    if (*domain == '\0')
        return true;
    return st->cfg->is_local_domain
        && st->cfg->is_local_domain(st->cfg->ctx, domain);
}

/* Adds the unmatched extension to an address without one. */
static void with_extension(state_t *st, const char *address,
                           const char *propagate, buf_t *out)
{
    const char *at = strrchr(address, '@');
    size_t local_len = at ? (size_t) (at - address) : strlen(address);
    const char *delims = st->cfg->recipient_delimiter;

    buf_set(out, address);
    if (propagate == NULL || delims == NULL || *delims == '\0')
        return;
    for (size_t i = 0; i < local_len; i++)
        if (strchr(delims, address[i]))
            return;
    buf_reset(out);
    buf_append(out, address, local_len);
    buf_puts(out, propagate);
    if (at)
        buf_puts(out, at);
}

static int expand_address(state_t *st, const char *address, int depth,
                          const char *owner, int source, priv_t priv,
                          const char *propagate, bool mailbox_only)
{
    buf_t full = BUF_INIT;
    local_addr_t a;
    int rc = 0;

    with_extension(st, address, propagate, &full);
    local_addr_init(&a);
    local_addr_split(&a, full.data, st->cfg->recipient_delimiter);
    if (!mailbox_only && depth > 0 && !domain_is_local(st, a.domain.data))
        add_dest(st, LOCAL_DEST_FORWARD, full.data, NULL, owner, source, priv);
    else
        rc = expand_local(st, &a, depth, owner, source, mailbox_only);
    local_addr_dispose(&a);
    buf_dispose(&full);
    return rc;
}

static int expand_include(state_t *st, const char *path, int depth,
                          const char *owner, priv_t priv)
{
    buf_t text = BUF_INIT, msg = BUF_INIT;
    local_items_t items;
    local_user_t owner_rights = {NULL, NULL, NULL, 0, 0};
    priv_t inc_priv = {true, NULL};
    struct stat sb;
    const char *why;
    char *err = NULL;
    int rc;

    if (seen_before(st, "include", path))
        return 0;
    buf_reset(&text);
    rc = read_small_file(st, path, &sb, &text, &why);
    if (rc > 0 && !may_read(&sb, priv.default_privs ? NULL : priv.user))
        rc = -1, why = strerror(EACCES);
    if (rc <= 0) {
        buf_printf(&msg, "cannot open include file %s: %s", path,
                   rc == 0 ? strerror(ENOENT) : why);
        fatal(st, "4.3.0", msg.data);
        buf_dispose(&msg);
        buf_dispose(&text);
        return -1;
    }
    if (sb.st_uid != 0) {
        owner_rights.uid = sb.st_uid;
        owner_rights.gid = sb.st_gid;
        inc_priv.default_privs = false;
        inc_priv.user = keep_user(st, &owner_rights);
    }
    local_items_init(&items);
    if (local_file_parse(text.data, text.len, &items, &err) < 0) {
        buf_printf(&msg, "include file %s: %s", path, err);
        add_error(st, path, owner, LOCAL_CLASS_INCLUDE, "5.3.5", msg.data);
        xfree(err);
        rc = 0;
    } else {
        rc = expand_items(st, &items, depth + 1, owner, LOCAL_CLASS_INCLUDE,
                          inc_priv, NULL);
    }
    local_items_free(&items);
    buf_dispose(&text);
    buf_dispose(&msg);
    return rc;
}

static int expand_items(state_t *st, const local_items_t *items, int depth,
                        const char *owner, int source, priv_t priv,
                        const char *propagate)
{
    int max = st->cfg->max_depth > 0 ? st->cfg->max_depth : DEFAULT_MAX_DEPTH;

    if (depth > max)
        return loop_error(st);
    for (size_t i = 0; i < items->count; i++) {
        const local_item_t *it = &items->items[i];
        int rc = 0;

        switch (it->kind) {
        case LOCAL_ITEM_ADDRESS:
        case LOCAL_ITEM_MAILBOX:
            rc = expand_address(st, it->value, depth, owner, source, priv,
                                propagate, it->kind == LOCAL_ITEM_MAILBOX);
            break;
        case LOCAL_ITEM_COMMAND:
            if (!(st->cfg->allow_commands & source))
                add_error(st, it->value, owner, source, "5.7.1",
                          "mail to command is restricted");
            else
                add_dest(st, LOCAL_DEST_COMMAND, it->value, NULL, owner,
                         source, priv);
            break;
        case LOCAL_ITEM_FILE:
            if (!(st->cfg->allow_files & source))
                add_error(st, it->value, owner, source, "5.7.1",
                          "mail to file is restricted");
            else
                add_dest(st, LOCAL_DEST_FILE, it->value, NULL, owner, source,
                         priv);
            break;
        case LOCAL_ITEM_INCLUDE:
            rc = expand_include(st, it->value, depth, owner, priv);
            break;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

int local_expand(const local_expand_cfg_t *cfg, const char *recipient,
                 local_dests_t *out, dlv_result_t *res)
{
    state_t st = {cfg, out, res, recipient, NULL, 0, NULL, 0};
    priv_t priv = {true, NULL};
    int rc;

    local_dests_init(out);
    rc = expand_address(&st, recipient, 0, NULL, 0, priv, NULL, false);
    for (size_t i = 0; i < st.nseen; i++)
        xfree(st.seen[i]);
    xfree(st.seen);
    for (size_t i = 0; i < st.nusers; i++) {
        local_user_free(st.users[i]);
        xfree(st.users[i]);
    }
    xfree(st.users);
    if (rc < 0)
        local_dests_free(out);
    return rc;
}
