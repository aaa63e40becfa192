/* services.h - master.cf resolved into what master runs: for each entry
 * the program to execute (daemon_directory/command), the command line the
 * server skeleton expects (server.h), and whether Postern can run it at
 * all. Shared by master (which starts the services) and "postern check"
 * (which reports the ones it cannot start).
 *
 * A service is not started, with the reason in ->problem, when its type
 * is not inet or unix, or its program is missing from daemon_directory
 * (a Postfix daemon Postern does not have, such as tlsmgr or proxymap,
 * or one not built yet). Callers log each problem once per load; nothing
 * is dropped silently.
 *
 * Failure: service_table_load() returns -1 with an allocated message in
 * *err when master.cf cannot be read or parsed. */
#ifndef POSTERN_SERVER_SERVICES_H
#define POSTERN_SERVER_SERVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "config/master_cf.h"

struct service_def {
    const master_entry_t *entry; /* owned by the table's master_cf */
    char *key;                   /* "name/type", unique in the table */
    char *path;                  /* program to execute */
    char **argv;                 /* exec argument vector, NULL-terminated */
    long maxproc;                /* 0 = no limit */
    char *problem;               /* why it is not started, or NULL */
    char *note;                  /* harmless remark for the log, or NULL */
};

struct service_table {
    master_cf_t *cf;
    struct service_def *defs;
    size_t count;
};

int service_table_load(const char *master_cf_path, const char *daemon_dir,
                       struct service_table **out, char **err);
void service_table_free(struct service_table *t);

#endif
