/* fuzz_config_main.c - fuzz target for the main.cf reader and $name
 * expansion: loads the input as main.cf, expands every name it sets and
 * every known parameter it may refer to, splits lists, and parses typed
 * values, then forgets it all. */
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "config/param_table.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore_warning(const char *text)
{
    (void) text;
}

static void exercise(const char *name)
{
    const param_def_t *def = param_find(name);
    const char *value;
    char *err = NULL;
    long l;
    bool b;
    long long ll;

    if (cfg_get(name, &value, &err) == 1) {
        cfg_list_free(cfg_split_list(value));
    }
    xfree(err);
    err = NULL;
    if (def == NULL)
        return;
    switch (def->type) {
    case PARAM_INT: (void) cfg_try_int(name, &l, &err); break;
    case PARAM_BOOL: (void) cfg_try_bool(name, &b, &err); break;
    case PARAM_TIME: (void) cfg_try_time(name, &l, &err); break;
    case PARAM_SIZE: (void) cfg_try_size(name, &ll, &err); break;
    case PARAM_STR: (void) cfg_try_str(name, &value, &err); break;
    }
    xfree(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *err = NULL;
    char **names;

    config_set_warning_handler(ignore_warning);
    if (config_load_text((const char *) data, size, "main.cf", 0, &err) == 0) {
        names = config_file_names();
        for (char **p = names; *p; p++)
            exercise(*p);
        cfg_list_free(names);
        exercise("mydestination");
        exercise("myhostname");
        exercise("smtpd_timeout");
        (void) config_unknown_names();
    }
    xfree(err);
    config_reset();
    return 0;
}
