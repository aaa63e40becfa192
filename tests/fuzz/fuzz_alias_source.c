/* fuzz_alias_source.c - fuzz target for the aliases(5) entry parser and
 * value normalizer (lib/dict/dict_alias.c), fed through the source reader.
 * Also checks that normalizing is stable: the normal form of a normal form
 * is itself. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dict/dict_alias.h"
#include "dict/dict_file.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dict_file_reader_t r;
    buf_t line = BUF_INIT, key = BUF_INIT, value = BUF_INIT, again = BUF_INIT;
    char *err = NULL;
    const char *why;
    int lineno, rc;
    FILE *fp;

    if (size == 0 || (fp = fmemopen((void *) data, size, "r")) == NULL)
        return 0;
    dict_file_reader_init(&r, fp, "fuzz", 512);
    while ((rc = dict_file_next(&r, &line, &lineno, &err)) != DICT_FILE_EOF) {
        if (rc < 0) {
            xfree(err);
            if (rc == DICT_FILE_IOERR)
                break;
            continue;
        }
        if (dict_alias_parse_entry(line.data, &key, &value, &why) < 0)
            continue;
        if (key.len == 0 || value.len == 0)
            __builtin_trap();
        dict_alias_normalize_value(value.data, &again);
        if (strcmp(again.data, value.data) != 0)
            __builtin_trap();
    }
    buf_dispose(&line);
    buf_dispose(&key);
    buf_dispose(&value);
    buf_dispose(&again);
    dict_file_reader_done(&r);
    fclose(fp);
    return 0;
}
