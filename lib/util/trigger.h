/* trigger.h - wake a trigger service: connect to its UNIX socket, write a
 * few bytes, close (the qmgr and pickup wake-up convention: one byte "W").
 * Errors: -1 and an allocated *err; callers usually only log them, since
 * the woken service also scans periodically. */
#ifndef POSTERN_UTIL_TRIGGER_H
#define POSTERN_UTIL_TRIGGER_H

#include <stddef.h>

int trigger_unix(const char *path, const void *data, size_t len, int timeout_ms,
                 char **err);

#endif
