/* queue_layout.c - create or repair the queue directory tree: every queue,
 * private/ public/ pid/ and the hashed subdirectories, with their modes and
 * (only when running as root) their ownership. Fails through char **err
 * on the first directory that cannot be made right. */
#include "queue/queue.h"
#include "queue/qfs.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum owner_kind { OWN_MAIL, OWN_MAIL_SETGID, OWN_ROOT };

struct dir_spec {
    const char *name;
    mode_t mode;
    enum owner_kind owner;
};

static const struct dir_spec tree[] = {
    {QUEUE_MAILDROP, 01730, OWN_MAIL_SETGID},
    {QUEUE_INCOMING, 0700, OWN_MAIL},
    {QUEUE_ACTIVE, 0700, OWN_MAIL},
    {QUEUE_DEFERRED, 0700, OWN_MAIL},
    {QUEUE_HOLD, 0700, OWN_MAIL},
    {QUEUE_CORRUPT, 0700, OWN_MAIL},
    {QUEUE_BOUNCE, 0700, OWN_MAIL},
    {QUEUE_DEFER, 0700, OWN_MAIL},
    {QUEUE_TRACE, 0700, OWN_MAIL},
    {"private", 0700, OWN_MAIL},
    {"public", 0710, OWN_MAIL_SETGID},
    {"pid", 0755, OWN_ROOT},
    {NULL, 0, OWN_ROOT},
};

struct owners {
    uid_t uid;
    gid_t gid;
    gid_t setgid_group;
    bool as_root;
};

static void wanted_owner(const struct owners *o, enum owner_kind kind,
                         uid_t *uid, gid_t *gid)
{
    *uid = kind == OWN_ROOT ? 0 : o->uid;
    *gid = kind == OWN_ROOT ? 0 : kind == OWN_MAIL_SETGID ? o->setgid_group : o->gid;
}

/* Makes one directory exist with the given mode and owner. */
static int fix_dir(const char *path, mode_t mode, enum owner_kind kind,
                   const struct owners *o, int *changed, char **err)
{
    struct stat st;
    uid_t uid;
    gid_t gid;

    if (lstat(path, &st) < 0) {
        if (errno != ENOENT)
            return qfs_err(err, "%s: %s", path, strerror(errno));
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
            return qfs_err(err, "mkdir %s: %s", path, strerror(errno));
        if (lstat(path, &st) < 0)
            return qfs_err(err, "%s: %s", path, strerror(errno));
        (*changed)++;
    }
    if (!S_ISDIR(st.st_mode))
        return qfs_err(err, "%s: exists and is not a directory", path);
    wanted_owner(o, kind, &uid, &gid);
    if (o->as_root && (st.st_uid != uid || st.st_gid != gid)) {
        if (lchown(path, uid, gid) < 0)
            return qfs_err(err, "chown %s: %s", path, strerror(errno));
        (*changed)++;
    }
    /* chmod after chown: chown clears the set-id bits. */
    if ((st.st_mode & 07777) != mode || (o->as_root && (st.st_uid != uid || st.st_gid != gid))) {
        if (chmod(path, mode) < 0)
            return qfs_err(err, "chmod %s: %s", path, strerror(errno));
        if ((st.st_mode & 07777) != mode)
            (*changed)++;
    }
    return 0;
}

/* Hashed subdirectories below base, depth levels of 0-F. */
static int fix_hash_levels(buf_t *path, int depth, mode_t mode,
                           enum owner_kind kind, const struct owners *o,
                           int *changed, char **err)
{
    size_t keep = path->len;

    if (depth == 0)
        return 0;
    for (unsigned h = 0; h < 16; h++) {
        buf_truncate(path, keep);
        buf_printf(path, "/%X", h);
        if (fix_dir(buf_str(path), mode, kind, o, changed, err) < 0
            || fix_hash_levels(path, depth - 1, mode, kind, o, changed, err) < 0)
            return -1;
    }
    buf_truncate(path, keep);
    return 0;
}

int queue_layout_repair(const queue_t *q, uid_t owner, gid_t group,
                        gid_t setgid_group, int *changed, char **err)
{
    struct owners o = {owner, group, setgid_group, geteuid() == 0};
    buf_t path = BUF_INIT;
    int count = 0, rc = 0;

    if (qfs_mkdir(queue_root(q), 0755) < 0)
        return qfs_err(err, "queue_directory %s: %s", queue_root(q), strerror(errno));
    for (const struct dir_spec *d = tree; d->name != NULL && rc == 0; d++) {
        mode_t hashed_mode = d->mode;
        buf_reset(&path);
        buf_printf(&path, "%s/%s", queue_root(q), d->name);
        rc = fix_dir(buf_str(&path), d->mode, d->owner, &o, &count, err);
        if (rc == 0 && queue_name_valid(d->name))
            rc = fix_hash_levels(&path, queue_hash_depth(q, d->name), hashed_mode,
                                 d->owner, &o, &count, err);
    }
    buf_dispose(&path);
    if (changed != NULL)
        *changed = count;
    return rc;
}
