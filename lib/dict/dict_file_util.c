/* dict_file_util.c - small helpers shared by the indexed table types:
 * whole-file fcntl locks, "has the file changed" checks, and the
 * trailing-NUL policy for keys and values (see dict_file.h). */
#include "dict/dict_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int dict_file_lock(int fd, short type)
{
    struct flock fl;

    memset(&fl, 0, sizeof(fl));
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    while (fcntl(fd, F_SETLKW, &fl) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

int dict_file_access_lock(const dict_t *d, int fd, bool held, const char *path,
                          short type, char **err)
{
    if (!(dict_flags(d) & DICT_FLAG_LOCK) || held)
        return 0;
    if (dict_file_lock(fd, type) < 0) {
        *err = dict_errorf("%s: lock: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

void dict_file_access_unlock(const dict_t *d, int fd, bool held)
{
    if ((dict_flags(d) & DICT_FLAG_LOCK) && !held)
        (void) dict_file_lock(fd, F_UNLCK);
}

bool dict_file_changed(const char *path, const struct stat *st)
{
    struct stat now;

    if (stat(path, &now) < 0)
        return true;
    return now.st_dev != st->st_dev || now.st_ino != st->st_ino
        || now.st_mtim.tv_sec != st->st_mtim.tv_sec
        || now.st_mtim.tv_nsec != st->st_mtim.tv_nsec
        || now.st_size != st->st_size;
}

int dict_file_nul_tries(int dict_flags)
{
    int tries = 0;

    if (!(dict_flags & DICT_FLAG_NO_NUL_KEY))
        tries |= DICT_TRY_NUL;
    if (!(dict_flags & DICT_FLAG_NUL_KEY))
        tries |= DICT_TRY_NO_NUL;
    return tries ? tries : DICT_TRY_NUL | DICT_TRY_NO_NUL;
}

bool dict_file_write_nul(int dict_flags)
{
    return !(dict_flags & DICT_FLAG_NO_NUL_KEY);
}
