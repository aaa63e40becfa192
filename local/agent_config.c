/* agent_config.c - local_agent_t from main.cf, and mailbox_command
 * expansion with the command expansion filter. */
#include "local/agent_config.h"
#include "config/config.h"
#include "deliver/locks.h"
#include "local/template.h"
#include "mail/resolve_dict.h"
#include "util/mem.h"
#include "util/strutil.h"

#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#define EXPANSION_FILTER "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

typedef struct agent_private {
    resolve_domains_t *mydestination;
    mbox_opts_t mbox;
    char *cleanup_socket;
} agent_private_t;

static int set_err(char **err, const char *fmt, const char *a, const char *b)
{
    if (err) {
        buf_t m = BUF_INIT;

        buf_printf(&m, fmt, a, b ? b : "");
        *err = buf_detach(&m);
    }
    return -1;
}

static bool in_mydestination(void *ctx, const char *domain)
{
    char *err = NULL;
    int rc = resolve_domains_match(ctx, domain, &err);

    xfree(err);
    return rc == 1;
}

static int open_alias_maps(local_agent_t *a, char **err)
{
    char **names = cfg_list("alias_maps");
    size_t n = 0;
    int rc = 0;

    while (names[n])
        n++;
    a->expand.alias_maps = xcalloc(n ? n : 1, sizeof(dict_t *));
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *why = NULL;
        dict_t *d = dict_open(names[i], O_RDONLY, DICT_FLAG_FOLD_KEYS, &why);

        if (d == NULL) {
            rc = set_err(err, "alias_maps: %s%s", why ? why : names[i], NULL);
            xfree(why);
        } else {
            a->expand.alias_maps[a->expand.alias_map_count++] = d;
        }
    }
    cfg_list_free(names);
    return rc;
}

static int lookup_default_privs(local_agent_t *a, char **err)
{
    const char *name = cfg_str("default_privs");
    struct passwd *pw = getpwnam(name);

    if (pw == NULL)
        return set_err(err, "default_privs: unknown user \"%s\"%s", name, NULL);
    if (pw->pw_uid == 0)
        return set_err(err, "default_privs: \"%s\" is root%s", name, NULL);
    a->default_privs.name = xstrdup(pw->pw_name);
    a->default_privs.home = xstrdup(pw->pw_dir);
    a->default_privs.shell = xstrdup(pw->pw_shell);
    a->default_privs.uid = pw->pw_uid;
    a->default_privs.gid = pw->pw_gid;
    return 0;
}

static int read_classes(const char *param, int *out, char **err)
{
    if (!local_class_parse(cfg_str(param), out))
        return set_err(err, "%s: expected alias, forward, include: \"%s\"",
                       param, cfg_str(param));
    return 0;
}

int local_agent_from_config(local_agent_t *a, const queue_t *q, char **err)
{
    agent_private_t *p = xcalloc(1, sizeof(*p));
    const char *raw;
    buf_t path = BUF_INIT;

    memset(a, 0, sizeof(*a));
    a->queue = q;
    a->priv = p;
    mbox_opts_default(&p->mbox);
    a->expand.recipient_delimiter = cfg_str("recipient_delimiter");
    raw = config_raw_value("forward_path");
    a->expand.forward_path = raw ? raw : "";
    a->expand.get_user = local_get_user_passwd;
    a->mailbox.home_mailbox = cfg_str("home_mailbox");
    a->mailbox.mail_spool_directory = cfg_str("mail_spool_directory");
    raw = config_raw_value("mailbox_command");
    a->mailbox.mailbox_command = raw ? raw : "";
    a->mailbox.mailbox_size_limit = (off_t) cfg_size("mailbox_size_limit");
    a->mailbox.command_time_limit = cfg_time("command_time_limit");
    p->mbox.lock_attempts = (int) cfg_int("deliver_lock_attempts");
    p->mbox.lock_delay_ms = (int) (cfg_time("deliver_lock_delay") * 1000);
    p->mbox.stale_lock_time = (int) cfg_time("stale_lock_time");
    a->mailbox.mbox = &p->mbox;
    a->switch_privileges = geteuid() == 0;
    buf_printf(&path, "%s/public/%s", cfg_str("queue_directory"), cfg_str("cleanup_service_name"));
    p->cleanup_socket = buf_detach(&path);
    a->cleanup_socket = p->cleanup_socket;
    if (read_classes("allow_mail_to_commands", &a->expand.allow_commands, err) < 0
        || read_classes("allow_mail_to_files", &a->expand.allow_files, err) < 0
        || dlv_parse_locks("mailbox_delivery_lock", cfg_str("mailbox_delivery_lock"),
                           &p->mbox.locks, err) < 0
        || lookup_default_privs(a, err) < 0
        || open_alias_maps(a, err) < 0)
        goto fail;
    p->mydestination = resolve_domains_new(cfg_str("mydestination"), false,
                                           resolve_open_dict, NULL, err);
    if (p->mydestination == NULL)
        goto fail;
    a->expand.is_local_domain = in_mydestination;
    a->expand.ctx = p->mydestination;
    return 0;
fail:
    local_agent_dispose(a);
    return -1;
}

void local_agent_dispose(local_agent_t *a)
{
    agent_private_t *p = a->priv;

    for (size_t i = 0; i < a->expand.alias_map_count; i++)
        dict_close(a->expand.alias_maps[i]);
    xfree(a->expand.alias_maps);
    local_user_free(&a->default_privs);
    if (p) {
        resolve_domains_free(p->mydestination);
        xfree(p->cleanup_socket);
        xfree(p);
    }
    memset(a, 0, sizeof(*a));
}

static char *filtered(const char *value)
{
    char *copy = xstrdup(value ? value : "");

    for (char *c = copy; *c; c++)
        if (!strchr(EXPANSION_FILTER, *c))
            *c = '_';
    return copy;
}

int local_expand_command(const char *tmpl, const local_command_env_t *env,
                         const char *delimiter, buf_t *out, char **err)
{
    const char *names[] = {"user", "home", "shell", "recipient", "extension",
                           "domain", "local", "sender", "recipient_delimiter"};
    const char *values[] = {env->user, env->home, env->shell, env->recipient,
                            env->extension, env->domain, env->local,
                            env->sender, delimiter};
    local_var_t vars[9];
    char *clean[9];
    int rc;

    for (size_t i = 0; i < 9; i++) {
        clean[i] = filtered(values[i]);
        vars[i].name = names[i];
        vars[i].value = clean[i];
    }
    rc = local_template_expand(tmpl, vars, 9, out, NULL, err);
    for (size_t i = 0; i < 9; i++)
        xfree(clean[i]);
    return rc;
}
