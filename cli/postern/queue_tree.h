/* queue_tree.h - create or repair the queue directory tree for "postern
 * check". Stand-in until lib/queue's queue_layout_repair() is on main;
 * the one call site in postern_check.c is the place to swap.
 *
 * Creates missing directories under queue_directory and, when running as
 * root, sets their owner and mode (mail_owner for the queues and
 * private/, setgid_group for maildrop/ and public/, root for pid/).
 * Returns 0, or -1 with an allocated message in *err. */
#ifndef POSTERN_CLI_POSTERN_QUEUE_TREE_H
#define POSTERN_CLI_POSTERN_QUEUE_TREE_H

#include <sys/types.h>

int queue_tree_repair(const char *queue_dir, uid_t owner, gid_t group,
                      gid_t setgid_group, int *changed, char **err);

#endif
