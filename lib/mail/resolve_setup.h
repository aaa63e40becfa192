/* resolve_setup.h - builds a resolve_config_t from main.cf parameter
 * values, and owns everything in it (domain lists, opened tables, local
 * addresses, strings).
 *
 * Parameter values come from a getter (pass cfg_str from lib/config) and
 * tables are opened by an opener (pass resolve_open_dict from
 * resolve_dict.h), so this module itself depends on neither. Parameters
 * read: myhostname, mydestination, inet_interfaces, proxy_interfaces,
 * virtual_alias_domains, virtual_mailbox_domains, relay_domains,
 * parent_domain_matches_subdomains (for relay_domains), relayhost,
 * default_transport, relay_transport, local_transport, virtual_transport,
 * transport_maps, recipient_delimiter, allow_percent_hack, swap_bangpath.
 * show_user_unknown_table_name is taken as "yes" (Postfix's default).
 *
 * inet_interfaces "all" means every address of this host's interfaces
 * (getifaddrs), "loopback-only" 127.0.0.1 and ::1; other words are
 * addresses or host names (resolved once, here).
 * Fails (NULL, *err) for a table that cannot be opened, an unreadable
 * list file, a bad yes/no value, or an interface name that does not
 * resolve. */
#ifndef POSTERN_MAIL_RESOLVE_SETUP_H
#define POSTERN_MAIL_RESOLVE_SETUP_H

#include "mail/resolve.h"

typedef const char *(*resolve_param_fn)(const char *name);
typedef struct resolve_setup resolve_setup_t;

resolve_setup_t *resolve_setup_new(resolve_param_fn param,
                                   resolve_open_table_fn open_table,
                                   void *open_ctx, char **err);
const resolve_config_t *resolve_setup_config(const resolve_setup_t *rs);
/* true when a table behind the configuration changed on disk: finish the
 * current client and let a fresh process load it again. */
bool resolve_setup_changed(const resolve_setup_t *rs);
void resolve_setup_free(resolve_setup_t *rs);   /* NULL ok */

#endif
