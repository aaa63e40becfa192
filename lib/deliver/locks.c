/* locks.c - parse a mailbox lock list (see locks.h). */
#include "deliver/locks.h"
#include "config/config.h"
#include "mbox/mbox.h"
#include "util/buf.h"
#include "util/strutil.h"

int dlv_parse_locks(const char *param, const char *value, int *locks,
                    char **err)
{
    char **words = cfg_split_list(value);
    int rc = 0;

    *locks = 0;
    for (size_t i = 0; words[i] && rc == 0; i++) {
        if (str_case_eq(words[i], "fcntl")) {
            *locks |= MBOX_LOCK_FCNTL;
        } else if (str_case_eq(words[i], "dotlock")) {
            *locks |= MBOX_LOCK_DOTLOCK;
        } else {
            if (err) {
                buf_t m = BUF_INIT;

                buf_printf(&m, "%s: unsupported lock \"%s\"", param, words[i]);
                *err = buf_detach(&m);
            }
            rc = -1;
        }
    }
    cfg_list_free(words);
    return rc;
}
