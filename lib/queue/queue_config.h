/* queue_config.h - a queue_t from the loaded main.cf: queue_directory,
 * hash_queue_names and hash_queue_depth. In its own small library
 * (postern_queue_config) so that lib/queue itself needs no configuration.
 * Errors: NULL and *err (bad hash settings). */
#ifndef POSTERN_QUEUE_QUEUE_CONFIG_H
#define POSTERN_QUEUE_QUEUE_CONFIG_H

#include "queue/queue.h"

/* config_load() must have been called. */
queue_t *queue_from_config(char **err);

#endif
