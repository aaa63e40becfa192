/* attr_impl.h - internals shared by attr.c and attr_codec.c; not for
 * users of the protocol. */
#ifndef POSTERN_IPC_ATTR_IMPL_H
#define POSTERN_IPC_ATTR_IMPL_H

#include "ipc/attr.h"

/* Adds an attribute; -1 for an invalid or duplicate name. */
int attr_list_add(attr_list_t *l, const char *name, size_t name_len,
                  const void *value, size_t value_len);
/* The i-th value (i < attr_count). */
const buf_t *attr_value_at(const attr_list_t *l, size_t i);

#endif
