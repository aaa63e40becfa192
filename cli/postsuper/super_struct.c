/* super_struct.c - postsuper -s (structure check and repair) and -p
 * (purge stale temporary files). Every fix is logged as a warning naming
 * the queue id; errors on one file do not stop the others. */
#include "super_ops.h"

#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const all_queues[] = {
    QUEUE_MAILDROP, QUEUE_INCOMING, QUEUE_ACTIVE, QUEUE_DEFERRED, QUEUE_HOLD,
    QUEUE_CORRUPT, QUEUE_BOUNCE, QUEUE_DEFER, QUEUE_TRACE, NULL,
};

static bool is_log_queue(const char *name)
{
    return strcmp(name, QUEUE_BOUNCE) == 0 || strcmp(name, QUEUE_DEFER) == 0
        || strcmp(name, QUEUE_TRACE) == 0;
}

/* A new id with the old time and the file's real inode (the old time
 * keeps the message's place in time order). */
static bool renamed_id(const char *old, uint64_t inode, char out[QUEUE_ID_SIZE])
{
    queue_id_parts_t parts;
    struct timespec when;

    if (!queue_id_parse(old, &parts))
        return false;
    when.tv_sec = (time_t) parts.seconds;
    when.tv_nsec = parts.microseconds * 1000L;
    return queue_id_make(out, &when, inode);
}

/* Renames a message (and its logs) whose id does not match its inode. */
static int fix_inode(const queue_t *q, const char *queue_name, const queue_entry_t *e)
{
    static const char *const logs[] = {QUEUE_BOUNCE, QUEUE_DEFER, QUEUE_TRACE, NULL};
    queue_id_parts_t parts;
    struct stat st;
    char new_id[QUEUE_ID_SIZE];
    buf_t from = BUF_INIT, to = BUF_INIT;
    int fixed = 0;

    if (lstat(e->path, &st) < 0 || !S_ISREG(st.st_mode) || !queue_id_parse(e->id, &parts)
        || parts.inode == (uint64_t) st.st_ino)
        return 0;
    if (!renamed_id(e->id, (uint64_t) st.st_ino, new_id)
        || queue_path(q, queue_name, new_id, &to, NULL) < 0) {
        msg_warn("%s: file name does not match inode number; cannot make a new id", e->id);
        return 0;
    }
    if (renameat2(AT_FDCWD, e->path, AT_FDCWD, buf_str(&to), RENAME_NOREPLACE) < 0) {
        msg_warn("%s: file name does not match inode number; rename to %s: %s",
                 e->id, new_id, strerror(errno));
    } else {
        msg_warn("%s: file name does not match inode number; renamed to %s", e->id, new_id);
        fixed = 1;
        for (int i = 0; logs[i] != NULL; i++) {
            if (queue_find(q, logs[i], e->id, &from, NULL) != 1
                || queue_path(q, logs[i], new_id, &to, NULL) < 0)
                continue;
            if (renameat2(AT_FDCWD, buf_str(&from), AT_FDCWD, buf_str(&to), RENAME_NOREPLACE) < 0)
                msg_warn("%s: rename %s log: %s", e->id, logs[i], strerror(errno));
        }
    }
    buf_dispose(&from);
    buf_dispose(&to);
    return fixed;
}

/* Moves a file that is not at its configured hash position. */
static int fix_place(const queue_t *q, const char *queue_name, const queue_entry_t *e)
{
    buf_t want = BUF_INIT;
    char *err = NULL;
    int fixed = 0;

    if (queue_path(q, queue_name, e->id, &want, NULL) == 0 && strcmp(buf_str(&want), e->path) != 0) {
        if (queue_move(q, e->id, queue_name, queue_name, &err) < 0) {
            msg_warn("%s: %s", e->id, err);
            xfree(err);
        } else {
            if (msg_verbose)
                msg_info("%s: moved to %s", e->id, buf_str(&want));
            fixed = 1;
        }
    }
    buf_dispose(&want);
    return fixed;
}

int super_structure(const queue_t *q)
{
    int fixed = 0;
    char *err = NULL;

    for (int i = 0; all_queues[i] != NULL; i++) {
        queue_list_t files;
        if (queue_scan(q, all_queues[i], &files, &err) < 0) {
            msg_warn("%s", err);
            xfree(err);
            err = NULL;
            continue;
        }
        for (size_t j = 0; j < files.count; j++) {
            /* logs are renamed with their message, so only placed here */
            if (!is_log_queue(all_queues[i]) && fix_inode(q, all_queues[i], &files.items[j]))
                fixed++;
            else
                fixed += fix_place(q, all_queues[i], &files.items[j]);
        }
        queue_list_free(&files);
    }
    return fixed;
}

int super_purge(const queue_t *q, long max_age)
{
    int total = 0, removed;
    char *err = NULL;

    for (int i = 0; all_queues[i] != NULL; i++) {
        removed = 0;
        if (is_log_queue(all_queues[i]))
            continue;
        if (queue_sweep_temp(q, all_queues[i], (time_t) max_age, &removed, &err) < 0) {
            msg_warn("%s", err);
            xfree(err);
            err = NULL;
        }
        total += removed;
    }
    return total;
}
