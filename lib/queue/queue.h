/* queue.h - the queue directory: names, paths, layout, scans, moves, locks.
 *
 * A queue_t describes one queue_directory and its hashing parameters
 * (hash_queue_names, hash_queue_depth). It holds no open files and no global
 * state; every function takes it explicitly.
 *
 * Paths: ROOT/QUEUE/ID, or ROOT/QUEUE/H1/.../ID for a queue listed in
 * hash_queue_names, where H1.. are the first hash_queue_depth hex digits
 * (0-F) of a 32-bit FNV-1a hash of the id.
 *
 * Errors: functions return -1 and an allocated message through *err (the
 * caller frees it); nothing here logs. Invalid queue names or ids given to
 * the path functions are refused the same way (never turned into a path). */
#ifndef POSTERN_QUEUE_QUEUE_H
#define POSTERN_QUEUE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "queue/queue_id.h"
#include "util/buf.h"

/* Message queues (files named by queue id). */
#define QUEUE_MAILDROP "maildrop"
#define QUEUE_INCOMING "incoming"
#define QUEUE_ACTIVE "active"
#define QUEUE_DEFERRED "deferred"
#define QUEUE_HOLD "hold"
#define QUEUE_CORRUPT "corrupt"
/* Per-message log queues (bounce/defer/trace logs, named by queue id). */
#define QUEUE_BOUNCE "bounce"
#define QUEUE_DEFER "defer"
#define QUEUE_TRACE "trace"

#define QUEUE_HASH_MAX_DEPTH 4
#define QUEUE_DEFAULT_HASH_NAMES "deferred, defer"
#define QUEUE_DEFAULT_HASH_DEPTH 1

typedef struct queue queue_t;

/* hash_names: the hash_queue_names value (comma/space separated; NULL means
 * the default); depth: hash_queue_depth (1..QUEUE_HASH_MAX_DEPTH). */
queue_t *queue_new(const char *root, const char *hash_names, int depth,
                   char **err);
void queue_free(queue_t *q);
const char *queue_root(const queue_t *q);
/* True for the nine queue names above. */
bool queue_name_valid(const char *name);
/* Hash depth used for this queue: 0 when the queue is not hashed. */
int queue_hash_depth(const queue_t *q, const char *queue_name);

/* ROOT/QUEUE/[H1/..]ID into out (reset first). */
int queue_path(const queue_t *q, const char *queue_name, const char *id,
               buf_t *out, char **err);
/* The directory that holds the file: ROOT/QUEUE/[H1/..] without the id. */
int queue_dir_of(const queue_t *q, const char *queue_name, const char *id,
                 buf_t *out, char **err);

/* Creates missing directories and repairs modes (and, when running as root,
 * ownership) of the whole tree: the queues above plus private/ public/ pid/
 * and the hashed subdirectories. owner/group: mail_owner's uid and gid;
 * setgid_group: the postdrop group (maildrop/ 1730, public/ 0710). A path
 * that exists but is not a directory (or is a symlink) is an error.
 * *changed (may be NULL) counts what was created or fixed. */
int queue_layout_repair(const queue_t *q, uid_t owner, gid_t group,
                        gid_t setgid_group, int *changed, char **err);

/* Every queue file of one queue, including hashed subdirectories at any
 * depth up to QUEUE_HASH_MAX_DEPTH (so files stay visible after a change of
 * hash_queue_depth), sorted by id = by time. Names that are not ids (the
 * writer's temporary files) are not listed. */
typedef struct queue_entry {
    char id[QUEUE_ID_SIZE];
    char *path;                 /* full path where it was found */
} queue_entry_t;

typedef struct queue_list {
    queue_entry_t *items;
    size_t count;
} queue_list_t;

int queue_scan(const queue_t *q, const char *queue_name, queue_list_t *out,
               char **err);
void queue_list_free(queue_list_t *list);
/* Finds one id in a queue (configured place first, then any hash level).
 * Returns 1 found (path in out), 0 not there, -1 error. */
int queue_find(const queue_t *q, const char *queue_name, const char *id,
               buf_t *out, char **err);

/* Moves ID from one queue to another: rename without replacing an existing
 * file, then fsync of the target and source directories. Creates a missing
 * hashed subdirectory. The source is looked up with queue_find(). */
int queue_move(const queue_t *q, const char *id, const char *from,
               const char *to, char **err);
/* Removes ID from a queue; sync=true also fsyncs the directory.
 * Returns 1 removed, 0 not there, -1 error. */
int queue_remove(const queue_t *q, const char *queue_name, const char *id,
                 bool sync, char **err);
/* Removes writer temporary files (not ids) in QUEUE whose mtime is older
 * than now - max_age seconds: what a writer killed mid-write leaves.
 * *removed (may be NULL) counts them. */
int queue_sweep_temp(const queue_t *q, const char *queue_name, time_t max_age,
                     int *removed, char **err);

/* Locking convention (see docs/QUEUE.md): a process delivering from or
 * updating a queue file holds a SHARED lock on it for that time (qmgr while
 * it reads/updates, delivery agents during delivery); postsuper takes an
 * EXCLUSIVE lock without waiting before it deletes, holds, requeues or
 * repairs a file, and skips the file when that fails. Open-file-description
 * locks (F_OFD_SETLK): closing another descriptor of the same file does not
 * drop them. Returns 0 locked, 1 busy (only when !wait), -1 error. */
enum { QUEUE_LOCK_SHARED, QUEUE_LOCK_EXCLUSIVE, QUEUE_LOCK_NONE };
int queue_lock(int fd, int how, bool wait, char **err);

#endif
