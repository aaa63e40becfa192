/* master_env.c - the environment master gives its children: only what
 * import_environment lists ("NAME" copies master's value when it has one,
 * "NAME=value" sets it), plus MAIL_CONFIG, as Postfix does. Rebuilt at
 * start and on every reload; never fails (a listed name master lacks is
 * simply absent). */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "master.h"
#include "util/buf.h"
#include "util/mem.h"

char **master_env;
static size_t env_count;

static void env_free(void)
{
    for (size_t i = 0; i < env_count; i++)
        xfree(master_env[i]);
    xfree(master_env);
    master_env = NULL;
    env_count = 0;
}

static void env_add(const char *name, size_t name_len, const char *value)
{
    buf_t b = BUF_INIT;

    for (size_t i = 0; i < env_count; i++)
        if (strncmp(master_env[i], name, name_len) == 0
            && master_env[i][name_len] == '=')
            return;     /* the first mention wins */
    buf_append(&b, name, name_len);
    buf_printf(&b, "=%s", value);
    master_env = xreallocarray(master_env, env_count + 2, sizeof(*master_env));
    master_env[env_count++] = buf_detach(&b);
    master_env[env_count] = NULL;
    buf_dispose(&b);
}

void master_env_build(void)
{
    char **list = cfg_list("import_environment");

    env_free();
    master_env = xcalloc(1, sizeof(*master_env));
    env_add("MAIL_CONFIG", strlen("MAIL_CONFIG"), master_config_dir);
    for (size_t i = 0; list[i]; i++) {
        const char *eq = strchr(list[i], '=');
        const char *value;

        if (eq)
            env_add(list[i], (size_t) (eq - list[i]), eq + 1);
        else if ((value = getenv(list[i])) != NULL)
            env_add(list[i], strlen(list[i]), value);
    }
    cfg_list_free(list);
}
