/* fuzz_config_main.c - fuzz target for the main.cf reader, $name
 * expansion and postconf's main.cf editor: loads the input as main.cf,
 * expands every name it sets and every known parameter it may refer to,
 * splits lists, and parses typed values. Then checks two properties of
 * the editor: an edit without changes gives the input back (plus a final
 * newline), and after setting a parameter, reading the result gives the
 * new value. */
#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include "config/config.h"
#include "main_cf_edit.h"
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

static void check_editor(const char *text, size_t size)
{
    static const main_cf_change_t change = {"myhostname", "fuzz.example", false};
    buf_t out;
    char *err = NULL;
    const char *value;

    buf_init(&out);
    main_cf_edit(text, size, NULL, 0, &out);
    if (out.len != size + (size > 0 && text[size - 1] != '\n')
        || memcmp(out.data, text, size) != 0)
        __builtin_trap();
    main_cf_edit(text, size, &change, 1, &out);
    config_reset();
    if (config_load_text(out.data, out.len, "main.cf", 0, &err) != 0)
        __builtin_trap();
    value = config_file_value("myhostname", NULL);
    if (value == NULL || strcmp(value, "fuzz.example") != 0)
        __builtin_trap();
    buf_dispose(&out);
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
    check_editor((const char *) data, size);
    config_reset();
    return 0;
}
