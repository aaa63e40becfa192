/* fuzz_base64.c - fuzz target for the strict base64 decoder.
 * Invariants: decoding either fails leaving the output untouched, or
 * succeeds and encoding the result gives the input back exactly (the
 * decoder accepts only the canonical form). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf_t dec = BUF_INIT, enc = BUF_INIT;

    buf_init(&dec);
    buf_init(&enc);
    buf_puts(&dec, "x");
    if (base64_decode(&dec, (const char *) data, size) < 0) {
        if (dec.len != 1 || dec.data[0] != 'x')
            abort();
    } else {
        if (dec.len - 1 > base64_decoded_max(size))
            abort();
        base64_encode(&enc, dec.data + 1, dec.len - 1);
        if (enc.len != size || memcmp(enc.data, data, size) != 0)
            abort();
    }
    buf_dispose(&dec);
    buf_dispose(&enc);
    return 0;
}
