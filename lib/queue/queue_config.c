/* queue_config.c - build a queue_t from main.cf (see queue_config.h). */
#include "queue/queue_config.h"
#include "config/config.h"

#include <limits.h>

queue_t *queue_from_config(char **err)
{
    const char *root, *names;
    long depth;

    if (cfg_try_str("queue_directory", &root, err) < 0
        || cfg_try_str("hash_queue_names", &names, err) < 0
        || cfg_try_int("hash_queue_depth", &depth, err) < 0)
        return NULL;
    return queue_new(root, names, depth > INT_MAX ? INT_MAX : (int) depth, err);
}
