/* master_sweep.c - removes what killed queue writers leave behind: the
 * temporary files "tmp.PID.SEQ" (lib/queue/qwriter.c) in incoming/,
 * hold/ and maildrop/ whose last change is more than an hour old and
 * whose writer process no longer exists (a live writer is never touched,
 * however slow its client). Runs when master starts and every hour after
 * (master_loop.c), in queue_directory (master's working directory).
 * Logs "removed stale temporary file QUEUE/NAME"; problems are warnings. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "master.h"
#include "util/msg.h"

#define SWEEP_AGE_SECONDS 3600

static const char *const sweep_queues[] = {"incoming", "hold", "maildrop"};

/* The writer's pid from "tmp.PID.SEQ", or 0 when the name is not one. */
static pid_t writer_pid(const char *name)
{
    char *end;
    long pid;

    if (strncmp(name, "tmp.", 4) != 0)
        return 0;
    errno = 0;
    pid = strtol(name + 4, &end, 10);
    if (errno != 0 || end == name + 4 || *end != '.' || pid <= 0)
        return 0;
    return (pid_t) pid;
}

static bool process_exists(pid_t pid)
{
    return kill(pid, 0) == 0 || errno != ESRCH;
}

static void sweep_one(int dirfd, const char *queue, const char *name, time_t now)
{
    struct stat st;
    pid_t pid = writer_pid(name);

    if (pid == 0 || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return;
    if (!S_ISREG(st.st_mode) || st.st_mtime > now - SWEEP_AGE_SECONDS || process_exists(pid))
        return;
    if (unlinkat(dirfd, name, 0) < 0) {
        if (errno != ENOENT)
            msg_warn("remove stale temporary file %s/%s: %m", queue, name);
        return;
    }
    msg_info("removed stale temporary file %s/%s", queue, name);
}

void master_sweep_temp(void)
{
    time_t now = time(NULL);

    for (size_t i = 0; i < sizeof(sweep_queues) / sizeof(sweep_queues[0]); i++) {
        DIR *dir = opendir(sweep_queues[i]);
        struct dirent *de;

        if (dir == NULL) {
            if (errno != ENOENT)
                msg_warn("open directory %s: %m", sweep_queues[i]);
            continue;
        }
        while ((de = readdir(dir)) != NULL)
            sweep_one(dirfd(dir), sweep_queues[i], de->d_name, now);
        (void) closedir(dir);
    }
}
