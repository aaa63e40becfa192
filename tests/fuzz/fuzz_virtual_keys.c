/* fuzz_virtual_keys.c - fuzz target for virtual(8)'s lookup keys. The
 * first byte picks the recipient_delimiter set, the rest (up to a NUL) is
 * the address. Invariants: 1..3 keys, the first is the whole address
 * lower-cased, every later key is no longer than the first, and with a
 * domain the last key is "@domain". */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "virtual/lookup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const delims[] = {"", "+", "+-", "-"};
    char *addr, *keys[4];
    const char *at;
    size_t n = 0;

    if (size < 1)
        return 0;
    addr = xmalloc(size);
    memcpy(addr, data + 1, size - 1);
    addr[size - 1] = '\0';
    virtual_lookup_keys(addr, delims[data[0] & 3], keys);
    while (keys[n])
        n++;
    if (n < 1 || n > 3 || strlen(keys[0]) != strlen(addr))
        abort();
    for (size_t i = 0; keys[0][i]; i++)
        if (keys[0][i] != (char) tolower((unsigned char) addr[i]))
            abort();
    at = strrchr(addr, '@');
    for (size_t i = 1; i < n; i++)
        if (strlen(keys[i]) > strlen(keys[0]))
            abort();
    if (at && at[1] && (n < 2 || strcasecmp(keys[n - 1], at) != 0))
        abort();
    virtual_lookup_keys_free(keys);
    xfree(addr);
    return 0;
}
