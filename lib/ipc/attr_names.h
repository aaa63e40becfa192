/* attr_names.h - every attribute name spoken between Postern services,
 * in one place (see attr.h for the protocol). Names are [a-z0-9_], at
 * most 64 bytes. Add a service's names here in its own section; never
 * reuse a name with a different meaning or type. */
#ifndef POSTERN_IPC_ATTR_NAMES_H
#define POSTERN_IPC_ATTR_NAMES_H

/* Generic, used by every protocol. */
#define ATTR_PROTOCOL  "protocol"   /* str: announcement, server's name */
#define ATTR_REQUEST   "request"    /* str: the operation a request asks for */
#define ATTR_STATUS    "status"     /* int: response status, 0 = success */
#define ATTR_REASON    "reason"     /* str: why a request failed (for logs) */
#define ATTR_FLAGS     "flags"      /* int: request-specific flag bits */
#define ATTR_SIZE      "size"       /* long: a byte count */
#define ATTR_COUNT     "count"      /* long: an item count */
#define ATTR_DATA      "data"       /* data: an opaque payload or chunk */
#define ATTR_NAME      "name"       /* str: the name an operation is about */
#define ATTR_VALUE     "value"      /* str: the value that goes with it */

#endif
