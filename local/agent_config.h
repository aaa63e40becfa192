/* agent_config.h - build a local_agent_t from main.cf (lib/config):
 * alias_maps (opened read-only, keys folded), recipient_delimiter,
 * forward_path and mailbox_command (raw: their $user, $home, ... are
 * expanded per delivery), allow_mail_to_commands, allow_mail_to_files,
 * home_mailbox, mail_spool_directory, mailbox_size_limit,
 * command_time_limit, mailbox_delivery_lock (fcntl, dotlock; flock is
 * refused), deliver_lock_attempts, deliver_lock_delay, stale_lock_time,
 * default_privs (must not be root), mydestination (local domains), and
 * the cleanup socket queue_directory/private/cleanup. Privileges are
 * switched per delivery when running as root.
 *
 * Errors: -1 with *err (a table that cannot be opened, a bad value, an
 * unknown default_privs user); the daemon treats that as fatal. */
#ifndef POSTERN_LOCAL_AGENT_CONFIG_H
#define POSTERN_LOCAL_AGENT_CONFIG_H

#include "local/agent.h"

int local_agent_from_config(local_agent_t *a, const queue_t *q, char **err);
void local_agent_dispose(local_agent_t *a);

/* The mailbox_command expansion: $user $home $shell $recipient $extension
 * $domain $local $sender $recipient_delimiter, each value first passed
 * through Postfix's default command_expansion_filter (bytes other than
 * letters, digits and !@%-_=+:,./ become '_'), so an address cannot
 * inject shell syntax. */
int local_expand_command(const char *tmpl, const local_command_env_t *env,
                         const char *delimiter, buf_t *out, char **err);

#endif
