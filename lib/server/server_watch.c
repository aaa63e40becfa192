/* server_watch.c - "exit after this client" requests: explicit ones from
 * the daemon and changes of watched files (main.cf, lookup tables), so
 * that a fresh process picks up the new contents (see server.h). */
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "server/server.h"
#include "util/mem.h"

struct watched {
    char *path;
    bool existed;
    struct stat st;
};

static struct watched *watched;
static size_t watched_count;
static bool retire_requested;

void server_retire(void)
{
    retire_requested = true;
}

bool server_retire_requested(void)
{
    return retire_requested;
}

void server_watch_path(const char *path)
{
    struct watched *w;

    watched = xreallocarray(watched, watched_count + 1, sizeof(*watched));
    w = &watched[watched_count++];
    w->path = xstrdup(path);
    w->existed = stat(path, &w->st) == 0;
}

static bool changed(const struct watched *w)
{
    struct stat now;
    bool exists = stat(w->path, &now) == 0;

    if (exists != w->existed)
        return true;
    if (!exists)
        return false;
    return now.st_ino != w->st.st_ino || now.st_dev != w->st.st_dev
        || now.st_size != w->st.st_size
        || now.st_mtim.tv_sec != w->st.st_mtim.tv_sec
        || now.st_mtim.tv_nsec != w->st.st_mtim.tv_nsec;
}

bool server_watched_paths_changed(void)
{
    for (size_t i = 0; i < watched_count; i++)
        if (changed(&watched[i]))
            return true;
    return false;
}
