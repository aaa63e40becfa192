/* qfs.h - internal file-system helpers of lib/queue (not a public API):
 * error messages through char **err, directory fsync, rename that never
 * replaces, retrying write/pwrite. All return -1 with errno kept. */
#ifndef POSTERN_QUEUE_QFS_H
#define POSTERN_QUEUE_QFS_H

#include <stddef.h>
#include <sys/types.h>

/* Sets *err (if err != NULL) to a formatted allocated message; returns -1. */
int qfs_err(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* open(O_DIRECTORY) + fsync + close. */
int qfs_fsync_dir(const char *dir);
/* rename(2) that fails with EEXIST instead of replacing the target
 * (renameat2 RENAME_NOREPLACE, else link + unlink). */
int qfs_rename_noreplace(const char *from, const char *to);
/* write()/pwrite() the whole buffer, retrying on EINTR and short writes. */
int qfs_write_all(int fd, const void *data, size_t len);
int qfs_pwrite_all(int fd, const void *data, size_t len, off_t offset);
/* pread() exactly len bytes; returns bytes read (< len only at EOF) or -1. */
ssize_t qfs_pread_full(int fd, void *data, size_t len, off_t offset);
/* mkdir with mode; an existing directory is success. */
int qfs_mkdir(const char *path, mode_t mode);

#endif
