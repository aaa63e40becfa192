/* lookup.c - the recipient search order of virtual(8) (see lookup.h). */
#include "virtual/lookup.h"
#include "util/mem.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *lower_copy(const char *s, size_t len)
{
    char *out = xmalloc(len + 1);

    for (size_t i = 0; i < len; i++)
        out[i] = (char) tolower((unsigned char) s[i]);
    out[len] = '\0';
    return out;
}

void virtual_lookup_keys(const char *address, const char *delimiters,
                         char *keys[4])
{
    const char *at = strrchr(address, '@');
    size_t n = 0, local_len = at ? (size_t) (at - address) : strlen(address);

    keys[n++] = lower_copy(address, strlen(address));
    if (delimiters && *delimiters && local_len > 0) {
        size_t ext = 0;

        while (ext < local_len && strchr(delimiters, address[ext]) == NULL)
            ext++;
        if (ext > 0 && ext < local_len) {
            buf_t b = BUF_INIT;

            buf_append(&b, address, ext);
            if (at)
                buf_puts(&b, at);
            keys[n++] = lower_copy(b.data, b.len);
            buf_dispose(&b);
        }
    }
    if (at && at[1] != '\0')
        keys[n++] = lower_copy(at, strlen(at));
    keys[n] = NULL;
}

void virtual_lookup_keys_free(char *keys[4])
{
    for (size_t i = 0; keys[i]; i++) {
        xfree(keys[i]);
        keys[i] = NULL;
    }
}

int virtual_lookup(const virtual_maps_t *maps, const char *address,
                   const char *delimiters, buf_t *value, char **err)
{
    char *keys[4];
    int rc = 0;

    virtual_lookup_keys(address, delimiters, keys);
    for (size_t k = 0; keys[k] && rc == 0; k++) {
        for (size_t t = 0; t < maps->count && rc == 0; t++) {
            if (k > 0 && (dict_flags(maps->tables[t]) & DICT_FLAG_PATTERN))
                continue;
            rc = dict_lookup(maps->tables[t], keys[k], value, err);
            rc = rc == DICT_FOUND ? 1 : rc == DICT_NOTFOUND ? 0 : -1;
        }
    }
    virtual_lookup_keys_free(keys);
    return rc;
}

static bool only_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0';
}

int virtual_lookup_id(const virtual_maps_t *maps, const char *what,
                      const char *address, const char *delimiters,
                      long min_id, long *id, dlv_result_t *res)
{
    buf_t value = BUF_INIT;
    char *err = NULL, *end;
    int rc = virtual_lookup(maps, address, delimiters, &value, &err);

    if (rc < 0) {
        dlv_result_set(res, "4.3.0", "%s: table lookup problem: %s",
                       maps->param, err ? err : "unknown error");
    } else if (rc == 0) {
        dlv_result_set(res, "4.3.0", "recipient %s: %s not found in %s",
                       address, what, maps->param);
        rc = -1;
    } else {
        errno = 0;
        *id = strtol(value.data, &end, 10);
        if (errno != 0 || end == value.data || !only_blanks(end)
            || *id < min_id || *id > 2147483647L) {
            dlv_result_set(res, "4.3.0", "recipient %s: bad %s %s in %s",
                           address, what, value.data, maps->param);
            rc = -1;
        } else {
            rc = 0;
        }
    }
    xfree(err);
    buf_dispose(&value);
    return rc;
}
