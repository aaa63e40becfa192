/* fuzz_alias_value.c - fuzz the alias right-hand-side parser: any input
 * must parse or fail cleanly, and every item must be non-empty, free of
 * NUL and within LOCAL_ITEM_MAX. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "local/value.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    local_items_t items;
    char *err = NULL;

    local_items_init(&items);
    if (local_value_parse((const char *) data, size, &items, &err) == 0) {
        for (size_t i = 0; i < items.count; i++) {
            size_t len = strlen(items.items[i].value);

            if (len == 0 || len > LOCAL_ITEM_MAX)
                abort();
        }
    } else if (err == NULL) {
        abort();
    }
    xfree(err);
    local_items_free(&items);
    return 0;
}
