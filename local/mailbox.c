/* mailbox.c - deliver to a user's Maildir or mbox, to mailbox_command, or
 * to a /file, and phrase the outcome like Postfix's local(8). */
#include "local/mailbox.h"
#include "maildir/maildir.h"
#include "util/mem.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static mbox_opts_t mbox_opts(const local_mailbox_cfg_t *cfg, int extra_locks)
{
    mbox_opts_t o;

    if (cfg->mbox)
        o = *cfg->mbox;
    else
        mbox_opts_default(&o);
    o.locks |= extra_locks;
    o.size_limit = cfg->mailbox_size_limit;
    return o;
}

static bool ends_with_slash(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && s[n - 1] == '/';
}

static void to_maildir(const local_mailbox_cfg_t *cfg, const char *dir,
                       const local_message_t *msg, dlv_result_t *res)
{
    maildir_opts_t opts = {cfg->mailbox_size_limit, NULL, NULL, NULL};
    char *err = NULL;

    if (maildir_deliver(dir, &opts, msg->produce, msg->ctx, NULL, &err) == 0) {
        dlv_result_set(res, "2.0.0", "delivered to maildir");
        return;
    }
    dlv_result_set(res, dlv_dsn_for_errno(errno, "4.2.0"),
                     "maildir delivery failed: %s", err);
    xfree(err);
}

static void to_mbox(const local_mailbox_cfg_t *cfg, const char *path,
                    const char *user, uid_t uid, gid_t gid,
                    const local_message_t *msg, dlv_result_t *res)
{
    mbox_opts_t o = mbox_opts(cfg, 0);
    char *err = NULL;

    if (geteuid() == 0) {  /* a root-owned spool: the new file is the user's */
        o.chown_new = true;
        o.owner_uid = uid;
        o.owner_gid = gid;
    }
    if (mbox_append(path, msg->sender, msg->arrival, &o, msg->produce,
                    msg->ctx, &err) == 0) {
        dlv_result_set(res, "2.0.0", "delivered to mailbox");
        return;
    }
    dlv_result_set(res, dlv_dsn_for_errno(errno, "4.2.0"),
                     "cannot update mailbox %s for user %s. %s", path, user,
                     err);
    xfree(err);
}

void local_deliver_mailbox(const local_mailbox_cfg_t *cfg,
                           const local_user_t *user,
                           const local_command_env_t *env,
                           const local_message_t *msg, dlv_result_t *res)
{
    buf_t path = BUF_INIT;

    if (cfg->mailbox_command && *cfg->mailbox_command) {
        local_command_t cmd = {cfg->mailbox_command, user->uid, user->gid,
                               user->home, env, cfg->command_time_limit,
                               msg->produce, msg->ctx};

        local_deliver_command(&cmd, res);
        return;
    }
    if (cfg->home_mailbox && *cfg->home_mailbox) {
        buf_printf(&path, "%s/%s", user->home, cfg->home_mailbox);
    } else {
        const char *spool = cfg->mail_spool_directory
                          ? cfg->mail_spool_directory : "/var/mail";

        buf_printf(&path, "%s%s%s", spool, ends_with_slash(spool) ? "" : "/",
                   user->name);
        if (ends_with_slash(spool))
            buf_putc(&path, '/');
    }
    if (ends_with_slash(path.data))
        to_maildir(cfg, path.data, msg, res);
    else
        to_mbox(cfg, path.data, user->name, user->uid, user->gid, msg, res);
    buf_dispose(&path);
}

bool local_mailbox_as_user(const local_mailbox_cfg_t *cfg)
{
    const char *spool = cfg->mail_spool_directory
                      ? cfg->mail_spool_directory : "/var/mail";

    if (cfg->mailbox_command && *cfg->mailbox_command)
        return false;
    if (cfg->home_mailbox && *cfg->home_mailbox)
        return true;
    return ends_with_slash(spool);
}

void local_deliver_file(const local_mailbox_cfg_t *cfg, const char *path,
                        const local_message_t *msg, dlv_result_t *res)
{
    mbox_opts_t o = mbox_opts(cfg, MBOX_DOTLOCK_MAY_FAIL);
    char *err = NULL;

    if (strcmp(path, "/dev/null") == 0) {
        dlv_result_set(res, "2.0.0", "delivered to file: %s", path);
        return;
    }
    if (ends_with_slash(path)) {
        to_maildir(cfg, path, msg, res);
        return;
    }
    if (mbox_append(path, msg->sender, msg->arrival, &o, msg->produce,
                    msg->ctx, &err) == 0) {
        dlv_result_set(res, "2.0.0", "delivered to file: %s", path);
        return;
    }
    /* Not a regular file (directory, symlink, device): will not change. */
    dlv_result_set(res, dlv_dsn_for_errno(errno, errno == EPERM
                                              || errno == EISDIR
                                              || errno == ELOOP
                                              ? "5.2.0" : "4.2.0"),
                     "cannot append message to file %s: %s", path, err);
    xfree(err);
}
