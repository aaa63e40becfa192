/* fuzz_smtp_nexthop.c - fuzz target for the smtp agent's next hop parser
 * ("[host]:port" and friends, from transport_maps and relayhost). The
 * input is one next hop (a NUL byte ends it). A parsed next hop must
 * have a non-empty host and port without blanks, control bytes or
 * brackets; a refused one must come with a message. Any violation aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/nexthop.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_clean(const char *s)
{
    if (*s == '\0')
        abort();
    for (; *s; s++)
        if ((unsigned char) *s <= ' ' || *s == '[' || *s == ']' || *s == 127)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *) data, size);
    smtp_nexthop_t hop;
    char *err = NULL;

    if (smtp_nexthop_parse(text, "smtp", &hop, &err) == 0) {
        check_clean(hop.host);
        check_clean(hop.port);
        if (strchr(hop.port, ':') != NULL || (!hop.no_mx && strchr(hop.host, ':') != NULL))
            abort();
        smtp_nexthop_free(&hop);
    } else if (err == NULL) {
        abort();
    }
    xfree(err);
    xfree(text);
    return 0;
}
