/* privs.h - privilege handling for master and the daemons: look up the
 * unprivileged user, chroot, and drop root for good.
 *
 * Only meaningful when running as root; callers skip these when started as
 * an ordinary user (a developer's instance). All functions return 0, or -1
 * with an allocated message in *err (the caller decides whether it is
 * fatal). */
#ifndef POSTERN_SERVER_PRIVS_H
#define POSTERN_SERVER_PRIVS_H

#include <sys/types.h>

struct priv_user {
    uid_t uid;
    gid_t gid;
    char *name;   /* allocated; free with priv_user_free() */
};

/* Looks up a user by name (or decimal uid). Refuses uid 0: an
 * unprivileged user that is root is a configuration error. */
int priv_lookup_user(const char *name, struct priv_user *out, char **err);
void priv_user_free(struct priv_user *u);
/* Looks up a group by name (or decimal gid). */
int priv_lookup_group(const char *name, gid_t *out, char **err);

/* chroot(dir) and chdir("/"). */
int priv_chroot(const char *dir, char **err);

/* Sets supplementary groups (initgroups, falling back to just the primary
 * group), chroots into chroot_dir when not NULL (after initgroups, which
 * needs /etc/group), sets gid and uid, then checks that neither root uid
 * nor root gid can be regained. */
int priv_drop(const struct priv_user *u, const char *chroot_dir, char **err);

#endif
