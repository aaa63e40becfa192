/* fuzz_dict_inline.c - fuzz target for the inline:{...} and static:{...}
 * table names (the brace syntax): the input, cut at its first NUL, is the
 * name; a few keys are looked up and the table is iterated. */
#include <stdint.h>
#include <stddef.h>
#include <fcntl.h>
#include <string.h>

#include "dict/dict.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_open(const char *type, const uint8_t *data, size_t size)
{
    buf_t name = BUF_INIT, key = BUF_INIT, value = BUF_INIT;
    char *err = NULL;
    dict_t *d;

    buf_printf(&name, "%s:", type);
    buf_append(&name, data, strnlen((const char *) data, size));
    if ((d = dict_open(name.data, O_RDONLY, DICT_FLAG_FOLD_KEYS, &err)) == NULL) {
        xfree(err);
    } else {
        (void) dict_lookup(d, "a", &value, &err);
        (void) dict_lookup(d, "", &value, &err);
        for (int rc = dict_sequence(d, true, &key, &value, &err); rc == DICT_FOUND;
             rc = dict_sequence(d, false, &key, &value, &err))
            (void) dict_lookup(d, key.data, &value, &err);
        xfree(err);
        dict_close(d);
    }
    buf_dispose(&name);
    buf_dispose(&key);
    buf_dispose(&value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    msg_set_sinks(0);
    try_open("inline", data, size);
    try_open("static", data, size);
    if (size > 0 && data[0] == '{')
        try_open("cidr", data, size);     /* inline rules, never a file */
    return 0;
}
