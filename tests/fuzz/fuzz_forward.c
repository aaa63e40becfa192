/* fuzz_forward.c - fuzz the .forward / :include: file parser and the
 * Delivered-To header scan with the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deliver/headers.h"
#include "local/value.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    local_items_t items;
    char *err = NULL;

    local_items_init(&items);
    if (local_file_parse((const char *) data, size, &items, &err) < 0
        && err == NULL)
        abort();
    for (size_t i = 0; i < items.count; i++)
        if (items.items[i].value[0] == '\0')
            abort();
    xfree(err);
    local_items_free(&items);
    (void) dlv_has_delivered_to((const char *) data, size, "joe@example.com");
    return 0;
}
