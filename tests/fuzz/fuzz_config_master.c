/* fuzz_config_master.c - fuzz target for the master.cf reader: parses the
 * input and walks every entry it returns. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config/master_cf.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    master_cf_t *cf = NULL;
    char *err = NULL;
    size_t total = 0;

    if (master_cf_parse((const char *) data, size, "master.cf", &cf, &err) == 0) {
        for (size_t i = 0; i < cf->count; i++) {
            const master_entry_t *e = &cf->entries[i];
            for (size_t j = 0; j < e->nargs; j++)
                total += strlen(e->args[j]);
            for (size_t j = 0; j < e->nrest; j++)
                total += strlen(e->rest[j]);
            if (master_cf_find(cf, e->service, e->type) == NULL)
                __builtin_trap();
            (void) master_entry_opt(e, "syslog_name");
        }
        master_cf_free(cf);
    }
    xfree(err);
    return total == (size_t) -1;
}
