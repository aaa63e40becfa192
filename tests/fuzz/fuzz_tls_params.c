/* fuzz_tls_params.c - fuzz target for the TLS parameter parsers (protocol
 * lists, cipher grades, security levels). The input up to the first NUL
 * is the text. Invariants: success gives a non-empty mask of usable
 * protocols, and that mask written back as a list of names parses to the
 * same mask; failure always comes with a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls/tls_params.h"
#include "util/buf.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_protocols(const char *text)
{
    unsigned mask = 0, again = 0;
    char *err = NULL;
    buf_t names = BUF_INIT;

    if (tls_protocols_parse(text, &mask, &err) < 0) {
        if (err == NULL)
            abort();
        xfree(err);
        return;
    }
    if (err != NULL || mask == 0 || (mask & ~TLS_PROTO_USABLE) != 0)
        abort();
    for (unsigned bit = 1; bit <= TLS_PROTO_TLSv1_3; bit <<= 1)
        if (mask & bit)
            buf_printf(&names, "%s, ", tls_protocol_name(bit));
    if (tls_protocols_parse(names.data, &again, &err) < 0 || again != mask)
        abort();
    buf_dispose(&names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmalloc(size + 1);
    enum tls_cipher_grade grade;
    enum tls_level level;
    char *err = NULL;

    memcpy(text, data, size);
    text[size] = 0;
    check_protocols(text);
    if (tls_cipher_grade_parse(text, &grade, &err) < 0 && err == NULL)
        abort();
    xfree(err);
    err = NULL;
    if (tls_level_parse(text, &level, &err) < 0 && err == NULL)
        abort();
    xfree(err);
    xfree(text);
    return 0;
}
