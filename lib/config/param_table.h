/* param_table.h - the table of known main.cf parameters (from params.def).
 *
 * Offers lookup by name, the list in name order, computed defaults
 * (myhostname, mydomain, mail_version), and the per-transport parameter
 * names of Postfix ("TRANSPORT_destination_concurrency_limit" and
 * friends), whose default is the matching default_* parameter. Nothing
 * here fails; unknown names give NULL. */
#ifndef POSTERN_CONFIG_PARAM_TABLE_H
#define POSTERN_CONFIG_PARAM_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

typedef struct param_def {
    const char *name;
    param_type_t type;
    const char *dflt;       /* NULL: computed (see param_computed_default) */
    bool implemented;
    long min, max;          /* PARAM_INT range */
    char time_unit;         /* PARAM_TIME unit of a bare number */
} param_def_t;

const param_def_t *param_find(const char *name);
/* All parameters sorted by name; *count set. */
const param_def_t *const *param_list(size_t *count);
/* Default text of a computed parameter. myhostname_value: the current
 * value of myhostname (mydomain derives from it), NULL for the default. */
const char *param_computed_default(const char *name, const char *myhostname_value);

/* Per-transport parameters: when name is TRANSPORT + one of the known
 * suffixes, returns the known parameter that gives its type and default
 * (e.g. "default_destination_concurrency_limit") and sets *transport_len;
 * else NULL. The caller decides whether TRANSPORT is a master.cf service. */
const param_def_t *param_transport_base(const char *name, size_t *transport_len);

#endif
