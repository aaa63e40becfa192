/* maildir_list.c - read side of a Maildir: list the messages in new/ and
 * cur/, and change a message's flags by renaming it into cur/. Errors come
 * back as -1 with a message; nothing is logged here. */
#include "maildir/maildir.h"
#include "util/mem.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare_names(const void *a, const void *b)
{
    const maildir_entry_t *x = a, *y = b;
    int rc = strcmp(x->subdir, y->subdir);

    /* "new" sorts before "cur" */
    if (rc != 0)
        return -rc;
    return strcmp(x->name, y->name);
}

static int list_subdir(const char *dir, const char *subdir, maildir_list_t *out,
                       size_t *cap, char **err)
{
    buf_t path = BUF_INIT;
    maildir_name_t parsed;
    struct dirent *de;
    DIR *dp;

    buf_printf(&path, "%s/%s", dir, subdir);
    if ((dp = opendir(path.data)) == NULL) {
        int saved = errno;

        if (err)
            *err = NULL;
        buf_printf(&path, ": %s", strerror(saved));
        if (err)
            *err = buf_detach(&path);
        buf_dispose(&path);
        errno = saved;
        return -1;
    }
    maildir_name_init(&parsed);
    while ((de = readdir(dp)) != NULL) {
        if (!maildir_name_parse(de->d_name, strlen(de->d_name), &parsed))
            continue;
        if (out->count == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            out->items = xreallocarray(out->items, *cap, sizeof(*out->items));
        }
        out->items[out->count].subdir = xstrdup(subdir);
        out->items[out->count].name = xstrdup(de->d_name);
        out->count++;
    }
    maildir_name_dispose(&parsed);
    closedir(dp);
    buf_dispose(&path);
    return 0;
}

int maildir_list(const char *dir, maildir_list_t *out, char **err)
{
    size_t cap = 0;

    out->items = NULL;
    out->count = 0;
    if (list_subdir(dir, "new", out, &cap, err) < 0
        || list_subdir(dir, "cur", out, &cap, err) < 0) {
        int saved = errno;

        maildir_list_free(out);
        errno = saved;
        return -1;
    }
    if (out->count > 1)
        qsort(out->items, out->count, sizeof(*out->items), compare_names);
    return 0;
}

void maildir_list_free(maildir_list_t *list)
{
    for (size_t i = 0; i < list->count; i++) {
        xfree(list->items[i].subdir);
        xfree(list->items[i].name);
    }
    xfree(list->items);
    list->items = NULL;
    list->count = 0;
}

int maildir_set_flags(const char *dir, const char *subdir, const char *name,
                      const char *add, const char *remove, buf_t *new_name,
                      char **err)
{
    buf_t from = BUF_INIT, to = BUF_INIT, renamed = BUF_INIT;
    int rc = 0;

    if (strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0
        || (strcmp(subdir, "new") != 0 && strcmp(subdir, "cur") != 0)) {
        if (err)
            *err = xstrdup("invalid maildir message name");
        errno = EINVAL;
        return -1;
    }
    maildir_name_with_flags(&renamed, name, add, remove);
    buf_printf(&from, "%s/%s/%s", dir, subdir, name);
    buf_printf(&to, "%s/cur/%s", dir, renamed.data);
    if (strcmp(from.data, to.data) != 0 && rename(from.data, to.data) < 0) {
        int saved = errno;

        if (err) {
            buf_t msg = BUF_INIT;

            buf_printf(&msg, "rename %s to %s: %s", from.data, to.data,
                       strerror(saved));
            *err = buf_detach(&msg);
        }
        errno = saved;
        rc = -1;
    }
    if (rc == 0 && new_name)
        buf_set(new_name, renamed.data);
    buf_dispose(&from);
    buf_dispose(&to);
    buf_dispose(&renamed);
    return rc;
}
