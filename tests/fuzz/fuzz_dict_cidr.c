/* fuzz_dict_cidr.c - fuzz target for the cidr table file parser and its
 * lookups: the input is a table file; a few fixed keys are looked up. */
#include <stdint.h>
#include <stddef.h>

#include "dict/dict_cidr.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *keys[] = {"1.2.3.4", "10.0.0.1", "::1", "2001:db8::1", "::ffff:1.2.3.4",
                                 "junk"};
    dict_t *d = xcalloc(1, sizeof(*d));
    buf_t value = BUF_INIT;
    char *err = NULL;

    msg_set_sinks(0);
    d->type = xstrdup("cidr");
    d->name = xstrdup("fuzz");
    d->type_name = xstrdup("cidr:fuzz");
    dict_cidr_load(d, (const char *) data, size);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (dict_lookup(d, keys[i], &value, &err) == DICT_ERROR)
            xfree(err);
        err = NULL;
    }
    buf_dispose(&value);
    dict_close(d);
    return 0;
}
