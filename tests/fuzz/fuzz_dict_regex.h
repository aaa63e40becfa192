/* fuzz_dict_regex.h - the shared body of the regexp and pcre fuzz targets:
 * the input is a table file, looked up with fixed keys and with a key made
 * from the input's first line. Inputs are capped (lines, key length) so
 * that a pathological pattern cannot turn a run into a timeout; tables
 * are trusted configuration, the parser is what is being fuzzed. */
#ifndef POSTERN_FUZZ_DICT_REGEX_H
#define POSTERN_FUZZ_DICT_REGEX_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "dict/dict_pattern_regex.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#define FUZZ_MAX_LINES 8
#define FUZZ_MAX_KEY 24

static size_t count_lines(const uint8_t *data, size_t size)
{
    size_t n = 0;

    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

static void fuzz_regex_table(const char *type, const struct regex_backend *be,
                             const uint8_t *data, size_t size)
{
    static const char *keys[] = {"user@example.com", "ABC", ""};
    char first[FUZZ_MAX_KEY + 1];
    size_t n = 0;
    buf_t value = BUF_INIT;
    char *err = NULL;
    dict_t *d;

    if (count_lines(data, size) > FUZZ_MAX_LINES)
        return;
    while (n < size && n < FUZZ_MAX_KEY && data[n] != '\n' && data[n] != '\0') {
        first[n] = (char) data[n];
        n++;
    }
    first[n] = '\0';
    msg_set_sinks(0);
    d = xcalloc(1, sizeof(*d));
    d->type = xstrdup(type);
    d->name = xstrdup("fuzz");
    d->type_name = xstrdup(type);
    regex_table_load(d, be, (const char *) data, size);
    for (size_t i = 0; i <= sizeof(keys) / sizeof(keys[0]); i++) {
        const char *key = i < sizeof(keys) / sizeof(keys[0]) ? keys[i] : first;

        if (dict_lookup(d, key, &value, &err) == DICT_ERROR)
            xfree(err);
        err = NULL;
    }
    buf_dispose(&value);
    dict_close(d);
}

#endif
