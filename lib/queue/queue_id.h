/* queue_id.h - queue ids: unique across restarts, sortable by time, safe as
 * file names.
 *
 * An id is made when a queue file is created, from the creation time and the
 * inode number of the file:
 *
 *     SSSSSS UUUU I...I
 *     6 chars   seconds since the epoch, base 52, fixed width
 *     4 chars   microseconds (0..999999), base 52, fixed width
 *     1-12 ch.  inode number, base 52, no leading '0'
 *
 * The base-52 digits are "0-9A-Za-p" in ASCII order, so strcmp() of two ids
 * orders them by creation time (the fixed-width time part comes first).
 * Example: "3ZK8aB0bHW4Kd". Length 11..22 characters. Two files never share
 * an id while both exist: a live file keeps its inode, and the writer never
 * replaces an existing name (see qwriter.h).
 *
 * queue_id_parse() is the gate for ids typed by users (postsuper,
 * postqueue): it accepts only the canonical form above, so "../x", "",
 * overlong or foreign-alphabet strings are refused and never reach a path. */
#ifndef POSTERN_QUEUE_QUEUE_ID_H
#define POSTERN_QUEUE_QUEUE_ID_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define QUEUE_ID_TIME_LEN 10          /* seconds + microseconds part */
#define QUEUE_ID_MIN_LEN 11
#define QUEUE_ID_MAX_LEN 22
#define QUEUE_ID_SIZE (QUEUE_ID_MAX_LEN + 1)   /* buffer size with NUL */

typedef struct queue_id_parts {
    int64_t seconds;
    long microseconds;
    uint64_t inode;
} queue_id_parts_t;

/* Formats an id from a creation time and an inode number into out. Returns
 * false when the time is outside 0..52^6-1 seconds or inode is 0. */
bool queue_id_make(char out[QUEUE_ID_SIZE], const struct timespec *when,
                   uint64_t inode);
/* Parses a canonical id; false for anything else (parts may be NULL). */
bool queue_id_parse(const char *id, queue_id_parts_t *parts);
static inline bool queue_id_valid(const char *id)
{
    return queue_id_parse(id, (queue_id_parts_t *) 0);
}

#endif
