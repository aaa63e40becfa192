/* fuzz_attr.c - fuzz target for the attribute protocol decoder.
 * The input is decoded as one frame with small limits; when it decodes,
 * re-encoding must give back exactly the input (the format has a single
 * form), and the typed getters run over every attribute. The same bytes
 * are also read as a stream of frames through a 1..7-byte chunked memory
 * transport, which must stop cleanly (end or error) without crashing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/attr.h"
#include "util/mem.h"
#include "util/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const attr_limits_t limits = {65536, 16384, 64};

static void exercise_getters(const attr_list_t *l)
{
    for (size_t i = 0; i < attr_count(l); i++) {
        const char *name = attr_name_at(l, i), *s;
        const void *d;
        size_t len;
        long v;
        int n;

        if (!attr_valid_name(name) || attr_get_data(l, name, &d, &len) < 0)
            abort();
        (void) attr_get_str(l, name, &s);
        (void) attr_get_long(l, name, &v);
        (void) attr_get_int(l, name, &n);
    }
}

static void decode_whole(const uint8_t *data, size_t size)
{
    attr_list_t *l = attr_list_new();
    buf_t again = BUF_INIT;
    char *err = NULL;

    if (attr_decode(data, size, &limits, l, &err) == 0) {
        exercise_getters(l);
        buf_init(&again);
        attr_encode(l, &again);
        if (again.len != size || memcmp(again.data, data, size) != 0)
            abort();
        buf_dispose(&again);
    } else {
        if (err == NULL || attr_count(l) != 0)
            abort();
        xfree(err);
    }
    attr_list_free(l);
}

static void read_stream(const uint8_t *data, size_t size)
{
    stream_t *s = stream_open_memory(data, size, size ? data[0] % 7 + 1 : 1, NULL);
    attr_list_t *l = attr_list_new();
    char *err = NULL;
    int r, frames = 0;

    while ((r = attr_recv(s, l, &limits, &err)) == 1) {
        exercise_getters(l);
        if (++frames > (int) size)
            abort();            /* a frame is at least 8 bytes */
    }
    if (r < 0)
        xfree(err);
    attr_list_free(l);
    stream_close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode_whole(data, size);
    read_stream(data, size);
    return 0;
}
