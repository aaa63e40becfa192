/* instance_lock.h - the pid file of a running master, locked while it
 * runs, so that a second master on the same queue refuses to start and
 * "postern status" can tell whether the mail system is running.
 *
 * The lock is an fcntl() write lock on the whole file; it vanishes when
 * the holder exits, however it exits, so a stale pid file is harmless.
 * Failure: -1 with an allocated message in *err. */
#ifndef POSTERN_SERVER_INSTANCE_LOCK_H
#define POSTERN_SERVER_INSTANCE_LOCK_H

#include <sys/types.h>

/* Creates/opens path, locks it and writes our pid. Returns the open
 * descriptor (close-on-exec; keep it open), -2 when another process holds
 * the lock (nothing written), -1 on error. */
int instance_lock_acquire(const char *path, char **err);
/* Returns the pid holding the lock, 0 when nobody does (or the file does
 * not exist), -1 on error. */
pid_t instance_lock_holder(const char *path, char **err);

#endif
