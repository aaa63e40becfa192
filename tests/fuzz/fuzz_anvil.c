/* fuzz_anvil.c - fuzz target for the anvil service's request handling:
 * the input is a sequence of length-prefixed frames (as a client sends
 * them) decoded with anvil's limits and handled by one peer against one
 * table, time moving on a little per frame. Every answer must carry
 * status 0, or 1 with a reason; once the peer is gone and every window
 * and lockout is over, the table must be empty (no count left behind). */
#include <stdint.h>
#include <stdlib.h>

#include "anvil_proto.h"
#include "ipc/attr_names.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const attr_limits_t limits = {16384, 16384, 64};

static void check_answer(const attr_list_t *resp)
{
    const char *reason;
    int status;

    if (attr_get_int(resp, ATTR_STATUS, &status) < 0 || (status != 0 && status != 1))
        abort();
    if (status == 1 && attr_get_str(resp, ATTR_REASON, &reason) < 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    anvil_table_t *t = anvil_table_new(60);
    anvil_peer_t *peer = anvil_peer_new();
    attr_list_t *req = attr_list_new(), *resp = attr_list_new();
    long now = 1000;
    size_t at = 0;

    while (size - at >= 4) {
        size_t len = (size_t) data[at] << 24 | (size_t) data[at + 1] << 16
                     | (size_t) data[at + 2] << 8 | data[at + 3];
        char *err = NULL;

        if (len > size - at - 4)
            break;
        if (attr_decode_body(data + at + 4, len, &limits, req, &err) == 0) {
            anvil_proto_handle(t, peer, req, now, resp);
            check_answer(resp);
        } else {
            xfree(err);
        }
        at += 4 + len;
        now += data[at - 1] % 5;
    }
    anvil_peer_close(peer, t, now);
    if (anvil_table_expire(t, now + 2 * ANVIL_TIME_MAX + 120) != 0)
        abort();
    anvil_table_free(t);
    attr_list_free(req);
    attr_list_free(resp);
    return 0;
}
