/* queue_scan.c - list the queue files of one queue, hashed subdirectories
 * included, sorted by id (= by creation time); find one id. Unreadable
 * directories fail through char **err; a missing hashed subdirectory is
 * simply empty. */
#include "queue/queue.h"
#include "queue/qfs.h"
#include "util/mem.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool is_hash_dir_name(const char *name)
{
    return name[0] != '\0' && name[1] == '\0'
        && ((name[0] >= '0' && name[0] <= '9') || (name[0] >= 'A' && name[0] <= 'F'));
}

static void list_add(queue_list_t *list, size_t *cap, const char *id,
                     const char *path)
{
    if (list->count == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        list->items = xreallocarray(list->items, *cap, sizeof(*list->items));
    }
    strcpy(list->items[list->count].id, id);
    list->items[list->count].path = xstrdup(path);
    list->count++;
}

static int scan_dir(buf_t *path, int levels_left, queue_list_t *list,
                    size_t *cap, char **err)
{
    DIR *dir = opendir(buf_str(path));
    struct dirent *de;
    size_t keep = path->len;
    int rc = 0;

    if (dir == NULL) {
        if (errno == ENOENT && levels_left < QUEUE_HASH_MAX_DEPTH)
            return 0;
        return qfs_err(err, "open directory %s: %s", buf_str(path), strerror(errno));
    }
    while (rc == 0 && (errno = 0, de = readdir(dir)) != NULL) {
        buf_truncate(path, keep);
        buf_printf(path, "/%s", de->d_name);
        if (queue_id_valid(de->d_name)) {
            list_add(list, cap, de->d_name, buf_str(path));
        } else if (levels_left > 0 && is_hash_dir_name(de->d_name)) {
            rc = scan_dir(path, levels_left - 1, list, cap, err);
        }
    }
    if (rc == 0 && errno != 0)
        rc = qfs_err(err, "read directory %s: %s", buf_str(path), strerror(errno));
    buf_truncate(path, keep);
    if (closedir(dir) < 0 && rc == 0)
        rc = qfs_err(err, "close directory %s: %s", buf_str(path), strerror(errno));
    return rc;
}

static int by_id(const void *a, const void *b)
{
    const queue_entry_t *x = a, *y = b;
    int c = strncmp(x->id, y->id, QUEUE_ID_TIME_LEN);

    if (c != 0)
        return c;
    if (strlen(x->id) != strlen(y->id))
        return strlen(x->id) < strlen(y->id) ? -1 : 1;
    return strcmp(x->id, y->id);
}

int queue_scan(const queue_t *q, const char *queue_name, queue_list_t *out,
               char **err)
{
    buf_t path = BUF_INIT;
    size_t cap = 0;
    int rc;

    out->items = NULL;
    out->count = 0;
    if (!queue_name_valid(queue_name))
        return qfs_err(err, "invalid queue name \"%s\"", queue_name ? queue_name : "(null)");
    buf_printf(&path, "%s/%s", queue_root(q), queue_name);
    rc = scan_dir(&path, QUEUE_HASH_MAX_DEPTH, out, &cap, err);
    buf_dispose(&path);
    if (rc < 0) {
        queue_list_free(out);
        return -1;
    }
    if (out->count > 1)
        qsort(out->items, out->count, sizeof(*out->items), by_id);
    return 0;
}

void queue_list_free(queue_list_t *list)
{
    for (size_t i = 0; i < list->count; i++)
        xfree(list->items[i].path);
    xfree(list->items);
    list->items = NULL;
    list->count = 0;
}

/* Tries ROOT/QUEUE/<depth levels of the id's hash>/ID for each depth. */
int queue_find(const queue_t *q, const char *queue_name, const char *id,
               buf_t *out, char **err)
{
    struct stat st;
    buf_t hashed = BUF_INIT;
    int rc = 0;

    if (queue_path(q, queue_name, id, out, err) < 0)
        return -1;
    if (lstat(buf_str(out), &st) == 0)
        return 1;
    if (errno != ENOENT)
        return qfs_err(err, "%s: %s", buf_str(out), strerror(errno));
    /* The full hash path at maximum depth; shorter depths are its prefixes. */
    queue_t *deep = queue_new(queue_root(q), queue_name, QUEUE_HASH_MAX_DEPTH, err);
    if (deep == NULL)
        return -1;
    rc = queue_dir_of(deep, queue_name, id, &hashed, err);
    queue_free(deep);
    for (int depth = 0; rc == 0 && depth <= QUEUE_HASH_MAX_DEPTH; depth++) {
        size_t base = strlen(queue_root(q)) + 1 + strlen(queue_name);
        buf_reset(out);
        buf_append(out, hashed.data, base + 2 * (size_t) depth);
        buf_printf(out, "/%s", id);
        if (lstat(buf_str(out), &st) == 0)
            rc = 1;
        else if (errno != ENOENT)
            rc = qfs_err(err, "%s: %s", buf_str(out), strerror(errno));
    }
    buf_dispose(&hashed);
    return rc;
}
