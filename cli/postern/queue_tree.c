/* queue_tree.c - create/repair the queue directory tree (see
 * queue_tree.h). A path that exists but is not a directory is an error. */
#include "queue_tree.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"

enum owner_kind { OWN_ROOT, OWN_MAIL, OWN_MAIL_SETGID, OWN_ROOT_SETGID };

struct tree_dir {
    const char *name;
    mode_t mode;
    enum owner_kind owner;
};

static const struct tree_dir tree[] = {
    {"", 0755, OWN_ROOT},
    {"maildrop", 01730, OWN_MAIL_SETGID},
    {"incoming", 0700, OWN_MAIL},
    {"active", 0700, OWN_MAIL},
    {"deferred", 0700, OWN_MAIL},
    {"hold", 0700, OWN_MAIL},
    {"corrupt", 0700, OWN_MAIL},
    {"bounce", 0700, OWN_MAIL},
    {"defer", 0700, OWN_MAIL},
    {"trace", 0700, OWN_MAIL},
    {"saved", 0700, OWN_MAIL},
    {"private", 0700, OWN_MAIL},
    {"public", 0710, OWN_ROOT_SETGID},
    {"pid", 0755, OWN_ROOT},
};

static int fail(char **err, const char *what, const char *path)
{
    buf_t b = BUF_INIT;

    buf_printf(&b, "%s %s: %s", what, path, strerror(errno));
    *err = buf_detach(&b);
    buf_dispose(&b);
    return -1;
}

static void wanted_owner(const struct tree_dir *d, uid_t owner, gid_t group,
                         gid_t setgid_group, uid_t *uid, gid_t *gid)
{
    *uid = (d->owner == OWN_MAIL || d->owner == OWN_MAIL_SETGID) ? owner : 0;
    *gid = d->owner == OWN_MAIL ? group : 0;
    if (d->owner == OWN_MAIL_SETGID || d->owner == OWN_ROOT_SETGID)
        *gid = setgid_group;
}

static int repair_one(const char *path, const struct tree_dir *d, bool root,
                      uid_t uid, gid_t gid, int *changed, char **err)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
        if (errno != ENOENT || mkdir(path, d->mode & 0777) < 0)
            return fail(err, "mkdir", path);
        (*changed)++;
        if (lstat(path, &st) < 0)
            return fail(err, "stat", path);
    }
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return fail(err, "check", path);
    }
    if (root && (st.st_uid != uid || st.st_gid != gid)) {
        if (chown(path, uid, gid) < 0)
            return fail(err, "chown", path);
        (*changed)++;
    }
    /* Modes are only enforced as root: a developer's instance keeps its
     * own (a group it does not have cannot be set anyway). */
    if (root && (st.st_mode & 07777) != d->mode) {
        if (chmod(path, d->mode) < 0)
            return fail(err, "chmod", path);
        (*changed)++;
    }
    return 0;
}

int queue_tree_repair(const char *queue_dir, uid_t owner, gid_t group,
                      gid_t setgid_group, int *changed, char **err)
{
    bool root = geteuid() == 0;
    int count = 0;

    for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
        char path[4096];
        uid_t uid;
        gid_t gid;

        snprintf(path, sizeof(path), "%s%s%s", queue_dir,
                 tree[i].name[0] ? "/" : "", tree[i].name);
        wanted_owner(&tree[i], owner, group, setgid_group, &uid, &gid);
        if (repair_one(path, &tree[i], root, uid, gid, &count, err) < 0)
            return -1;
    }
    if (changed)
        *changed = count;
    return 0;
}
