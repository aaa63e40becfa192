/* dict_unix.c - the system databases as tables: unix:passwd.byname (the
 * value is the passwd line "name:passwd:uid:gid:gecos:dir:shell") and
 * unix:group.byname ("name:passwd:gid:member,member"). Lookups use
 * getpwnam_r/getgrnam_r; a failing name service is DICT_ERROR, an unknown
 * name DICT_NOTFOUND. Any other map name makes the open fail. */
#include "dict/dict_builtin.h"
#include "util/mem.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>

#define UNIX_MAX_BUFFER (1 << 20)

/* getpwnam_r and getgrnam_r report "no such entry" in several ways. */
static bool is_absent(int rc)
{
    return rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM;
}

static int passwd_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    struct passwd pw, *found = NULL;
    size_t size = 1024;
    char *space;
    int rc;

    for (;;) {
        space = xmalloc(size);
        rc = getpwnam_r(key, &pw, space, size, &found);
        if (rc != ERANGE || size >= UNIX_MAX_BUFFER)
            break;
        xfree(space);
        size *= 2;
    }
    if (found) {
        buf_reset(value);
        buf_printf(value, "%s:%s:%ld:%ld:%s:%s:%s", pw.pw_name, pw.pw_passwd,
                   (long) pw.pw_uid, (long) pw.pw_gid, pw.pw_gecos, pw.pw_dir,
                   pw.pw_shell);
    }
    xfree(space);
    if (found)
        return DICT_FOUND;
    if (is_absent(rc))
        return DICT_NOTFOUND;
    *err = dict_errorf("%s: lookup of \"%s\": %s", d->type_name, key, strerror(rc));
    return DICT_ERROR;
}

static void format_group(const struct group *gr, buf_t *value)
{
    buf_reset(value);
    buf_printf(value, "%s:%s:%ld:", gr->gr_name, gr->gr_passwd, (long) gr->gr_gid);
    for (char **m = gr->gr_mem; m && *m; m++) {
        if (m != gr->gr_mem)
            buf_putc(value, ',');
        buf_puts(value, *m);
    }
}

static int group_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    struct group gr, *found = NULL;
    size_t size = 1024;
    char *space;
    int rc;

    for (;;) {
        space = xmalloc(size);
        rc = getgrnam_r(key, &gr, space, size, &found);
        if (rc != ERANGE || size >= UNIX_MAX_BUFFER)
            break;
        xfree(space);
        size *= 2;
    }
    if (found)
        format_group(&gr, value);
    xfree(space);
    if (found)
        return DICT_FOUND;
    if (is_absent(rc))
        return DICT_NOTFOUND;
    *err = dict_errorf("%s: lookup of \"%s\": %s", d->type_name, key, strerror(rc));
    return DICT_ERROR;
}

int dict_unix_open(dict_t *d, int open_flags, char **err)
{
    (void) open_flags;
    if (strcmp(d->name, "passwd.byname") == 0)
        d->lookup = passwd_lookup;
    else if (strcmp(d->name, "group.byname") == 0)
        d->lookup = group_lookup;
    else {
        *err = dict_errorf("unknown table: %s (need unix:passwd.byname or unix:group.byname)",
                           d->type_name);
        return -1;
    }
    d->flags |= DICT_FLAG_FIXED;
    return 0;
}
