/* config_store.h - internal interface between the parts of lib/config:
 * the layered value store (config.c) and the typed accessors
 * (config_values.c). Not for use outside lib/config. */
#ifndef POSTERN_CONFIG_CONFIG_STORE_H
#define POSTERN_CONFIG_CONFIG_STORE_H

#include "config/param_table.h"

/* The definition that gives name its type and default: the params.def
 * entry, or for a per-transport name of a master.cf service its base. */
const param_def_t *config_def_of(const char *name);
/* Expanded current value of any name, cached until the next change.
 * 1 found, 0 undefined, -1 error (*err set). */
int config_expanded(const char *name, const char **value, char **err);

#endif
