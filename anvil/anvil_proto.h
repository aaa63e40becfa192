/* anvil_proto.h - the server side of the anvil protocol (request names
 * and attributes in lib/ipc/attr_names.h, description in docs/ANVIL.md):
 * one decoded request in, one response out, applied to the counters of
 * anvil_table.h. A peer is one client connection; it remembers the
 * connections it announced so that they end when the peer goes away
 * (a client process that died cannot leave counts behind).
 *
 * A request that is malformed (unknown operation, missing or unexpected
 * attribute, bad ident) gets status 1 and a reason; the counters are
 * left alone and the conversation may go on. */
#ifndef POSTERN_ANVIL_PROTO_H
#define POSTERN_ANVIL_PROTO_H

#include "anvil_table.h"
#include "ipc/attr.h"

#define ANVIL_IDENT_MAX 512
#define ANVIL_TIME_MAX (10L * 366 * 86400)  /* longest window or lockout, seconds */

typedef struct anvil_peer anvil_peer_t;

anvil_peer_t *anvil_peer_new(void);
/* Ends every connection the peer announced and did not end; frees it. */
void anvil_peer_close(anvil_peer_t *peer, anvil_table_t *t, long now);

/* Fills resp (reset first) with the answer to req. */
void anvil_proto_handle(anvil_table_t *t, anvil_peer_t *peer, const attr_list_t *req,
                        long now, attr_list_t *resp);

#endif
