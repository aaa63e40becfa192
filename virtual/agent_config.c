/* agent_config.c - virtual_agent_t from main.cf (see agent_config.h). */
#include "virtual/agent_config.h"
#include "config/config.h"
#include "deliver/locks.h"
#include "util/mem.h"
#include "util/msg.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int fail(char **err, const char *param, const char *why)
{
    if (err) {
        buf_t m = BUF_INIT;

        buf_printf(&m, "%s: %s", param, why);
        *err = buf_detach(&m);
    }
    return -1;
}

static int open_maps(virtual_maps_t *m, const char *param, bool required,
                     char **err)
{
    char **names = cfg_list(param);
    size_t n = 0;
    int rc = 0;

    while (names[n])
        n++;
    m->param = param;
    m->tables = xcalloc(n ? n : 1, sizeof(dict_t *));
    m->count = 0;
    if (n == 0 && required)
        rc = fail(err, param, "is empty");
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *why = NULL;
        dict_t *d = dict_open(names[i], O_RDONLY, DICT_FLAG_FOLD_KEYS, &why);

        if (d == NULL)
            rc = fail(err, param, why ? why : names[i]);
        else
            m->tables[m->count++] = d;
        xfree(why);
    }
    cfg_list_free(names);
    return rc;
}

static void close_maps(virtual_maps_t *m)
{
    for (size_t i = 0; i < m->count; i++)
        dict_close(m->tables[i]);
    xfree(m->tables);
    m->tables = NULL;
    m->count = 0;
}

int virtual_agent_from_config(virtual_agent_t *a, const queue_t *q, char **err)
{
    memset(a, 0, sizeof(*a));
    a->queue = q;
    a->mailbox_base = cfg_str("virtual_mailbox_base");
    a->recipient_delimiter = cfg_str("recipient_delimiter");
    a->minimum_uid = cfg_int("virtual_minimum_uid");
    a->mailbox_limit = (off_t) cfg_size("virtual_mailbox_limit");
    a->switch_privileges = geteuid() == 0;
    mbox_opts_default(&a->mbox);
    a->mbox.lock_attempts = (int) cfg_int("deliver_lock_attempts");
    a->mbox.lock_delay_ms = (int) (cfg_time("deliver_lock_delay") * 1000);
    a->mbox.stale_lock_time = (int) cfg_time("stale_lock_time");
    if (a->minimum_uid < 1)
        a->minimum_uid = 1;   /* never deliver as root */
    if (a->mailbox_base[0] != '/') {
        fail(err, "virtual_mailbox_base", "must be an absolute path");
        return -1;
    }
    if (dlv_parse_locks("virtual_mailbox_lock", cfg_str("virtual_mailbox_lock"),
                        &a->mbox.locks, err) < 0
        || open_maps(&a->mailbox_maps, "virtual_mailbox_maps", false, err) < 0
        || open_maps(&a->uid_maps, "virtual_uid_maps", true, err) < 0
        || open_maps(&a->gid_maps, "virtual_gid_maps", true, err) < 0) {
        virtual_agent_dispose(a);
        return -1;
    }
    return 0;
}

void virtual_agent_dispose(virtual_agent_t *a)
{
    close_maps(&a->mailbox_maps);
    close_maps(&a->uid_maps);
    close_maps(&a->gid_maps);
}

bool virtual_tables_changed(const virtual_agent_t *a)
{
    const virtual_maps_t *all[] = {&a->mailbox_maps, &a->uid_maps,
                                   &a->gid_maps};

    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < all[k]->count; i++) {
            if (dict_changed(all[k]->tables[i])) {
                msg_info("table %s has changed -- restarting",
                         dict_name(all[k]->tables[i]));
                return true;
            }
        }
    }
    return false;
}
