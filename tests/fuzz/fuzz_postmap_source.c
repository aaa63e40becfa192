/* fuzz_postmap_source.c - fuzz target for the table source reader and the
 * postmap "key whitespace value" entry parser (lib/dict/dict_file.c). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dict/dict_file.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dict_file_reader_t r;
    buf_t line = BUF_INIT;
    char *err = NULL, *key, *value;
    const char *why;
    int lineno, rc;
    FILE *fp;

    if (size == 0 || (fp = fmemopen((void *) data, size, "r")) == NULL)
        return 0;
    dict_file_reader_init(&r, fp, "fuzz", 256);
    while ((rc = dict_file_next(&r, &line, &lineno, &err)) != DICT_FILE_EOF) {
        if (rc < 0) {
            xfree(err);
            if (rc == DICT_FILE_IOERR)
                break;
            continue;
        }
        if (line.len > 256 || memchr(line.data, '\0', line.len) != NULL)
            __builtin_trap();
        if (dict_file_parse_entry(line.data, &key, &value, &why) == 0
            && (*key == '\0' || *value == '\0'))
            __builtin_trap();
    }
    buf_dispose(&line);
    dict_file_reader_done(&r);
    fclose(fp);
    return 0;
}
