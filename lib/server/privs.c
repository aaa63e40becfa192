/* privs.c - look up the unprivileged user, chroot, drop root for good
 * (see privs.h). */
#include "server/privs.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/mem.h"
#include "util/strutil.h"

static int fail(char **err, const char *fmt, const char *arg, int errnum)
{
    buf_t b = BUF_INIT;

    buf_printf(&b, fmt, arg);
    if (errnum)
        buf_printf(&b, ": %s", strerror(errnum));
    *err = buf_detach(&b);
    buf_dispose(&b);
    return -1;
}

int priv_lookup_user(const char *name, struct priv_user *out, char **err)
{
    struct passwd *pw;
    long id;

    errno = 0;
    if (str_to_long(name, 0, 0x7fffffffL, &id))
        pw = getpwuid((uid_t) id);
    else
        pw = getpwnam(name);
    if (pw == NULL)
        return fail(err, "unknown user name or uid: %s", name, errno);
    if (pw->pw_uid == 0)
        return fail(err, "user %s has privileged uid 0", name, 0);
    out->uid = pw->pw_uid;
    out->gid = pw->pw_gid;
    out->name = xstrdup(pw->pw_name);
    return 0;
}

void priv_user_free(struct priv_user *u)
{
    xfree(u->name);
    u->name = NULL;
}

int priv_lookup_group(const char *name, gid_t *out, char **err)
{
    struct group *gr;
    long id;

    errno = 0;
    if (str_to_long(name, 0, 0x7fffffffL, &id))
        gr = getgrgid((gid_t) id);
    else
        gr = getgrnam(name);
    if (gr == NULL)
        return fail(err, "unknown group name or gid: %s", name, errno);
    *out = gr->gr_gid;
    return 0;
}

int priv_chroot(const char *dir, char **err)
{
    if (chroot(dir) < 0)
        return fail(err, "chroot(%s)", dir, errno);
    if (chdir("/") < 0)
        return fail(err, "chdir(/) after chroot(%s)", dir, errno);
    return 0;
}

static int cannot_regain_root(const struct priv_user *u, char **err)
{
    if (getuid() != u->uid || geteuid() != u->uid)
        return fail(err, "uid is not %s after setuid", u->name, 0);
    if (getgid() != u->gid || getegid() != u->gid)
        return fail(err, "gid is not that of %s after setgid", u->name, 0);
    if (setuid(0) == 0 || seteuid(0) == 0)
        return fail(err, "root privileges could be regained after dropping to %s",
                    u->name, 0);
    if (u->gid != 0 && (setgid(0) == 0 || setegid(0) == 0))
        return fail(err, "root group could be regained after dropping to %s",
                    u->name, 0);
    return 0;
}

int priv_drop(const struct priv_user *u, const char *chroot_dir, char **err)
{
    if (initgroups(u->name, u->gid) < 0 && setgroups(1, &u->gid) < 0)
        return fail(err, "setgroups for %s", u->name, errno);
    if (chroot_dir && priv_chroot(chroot_dir, err) < 0)
        return -1;
    if (setgid(u->gid) < 0)
        return fail(err, "setgid for %s", u->name, errno);
    if (setuid(u->uid) < 0)
        return fail(err, "setuid for %s", u->name, errno);
    return cannot_regain_root(u, err);
}
