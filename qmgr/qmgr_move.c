/* qmgr_move.c - qmgr's moves between queues without directory fsyncs.
 *
 * qmgr moves files incoming -> active, deferred -> active and active ->
 * deferred. None of these needs the directories synced: a rename is
 * atomic, and a rename lost in a crash leaves the file in its old queue,
 * from where qmgr takes it again (active/ is recovered at start-up), so
 * at worst a delivery is repeated; Postfix does not sync them either. The
 * two directory fsyncs of queue_move() per message were qmgr's largest
 * cost on a full queue. Anything unusual (a hashed directory that does
 * not exist yet, no renameat2) falls back to queue_move(). Returns 0, or
 * -1 with *err as queue_move(). */
#include "qmgr.h"
#include "util/buf.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

int qmgr_move(const queue_t *q, const char *id, const char *from, const char *to, char **err)
{
    buf_t src = BUF_INIT, dir = BUF_INIT;
    char *ignored = NULL;
    int rc = -1;

    if (queue_find(q, from, id, &src, &ignored) == 1
        && queue_dir_of(q, to, id, &dir, &ignored) == 0) {
        buf_putc(&dir, '/');
        buf_puts(&dir, id);
        rc = renameat2(AT_FDCWD, src.data, AT_FDCWD, dir.data, RENAME_NOREPLACE);
    }
    xfree(ignored);
    buf_dispose(&src);
    buf_dispose(&dir);
    return rc == 0 ? 0 : queue_move(q, id, from, to, err);
}
