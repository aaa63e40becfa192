/* policy_networks.h - the mynetworks address list: which client
 * addresses are "ours" for permit_mynetworks.
 *
 * Value syntax (mynetworks, Postfix's address match list): entries
 * separated by commas and/or blanks, each one of
 *   192.0.2.0/24, 192.0.2.7      IPv4 network or address
 *   [2001:db8::]/32, [::1]       IPv6 network or address (brackets
 *                                optional without a prefix length)
 *   /path/file                   more entries, read from the file
 *                                (blank- or comma-separated, # comments)
 *   type:name                    a table: the client address is looked
 *                                up, any value is a match (cidr: tables
 *                                do the network matching themselves)
 *   !entry                       a match means "not in the list"
 * The first entry that matches decides. An IPv4-mapped IPv6 client
 * address (::ffff:192.0.2.1) is also tried as IPv4.
 * When mynetworks is not set, policy_networks_from_style() builds the
 * list from mynetworks_style: host (the loopback networks and each
 * interface address), subnet (each interface's network), class (each
 * interface's class A/B/C network; IPv6 like subnet).
 * Errors (-1/NULL with *err): a malformed entry, an unreadable file, a
 * table that cannot be opened, an unknown style. */
#ifndef POSTERN_POLICY_POLICY_NETWORKS_H
#define POSTERN_POLICY_POLICY_NETWORKS_H

#include <stdbool.h>

#include "util/buf.h"

typedef struct policy_networks policy_networks_t;

policy_networks_t *policy_networks_new(const char *value, char **err);
/* style: "host", "subnet" or "class". The interface addresses come from
 * getifaddrs(). */
policy_networks_t *policy_networks_from_style(const char *style, char **err);
/* The entries of a style as text (for postconf and tests): appended to out. */
int policy_networks_style_text(const char *style, buf_t *out, char **err);
void policy_networks_free(policy_networks_t *n);
/* 1 listed, 0 not, -1 table failure or malformed address (*err). */
int policy_networks_match(const policy_networks_t *n, const char *addr, char **err);
bool policy_networks_changed(const policy_networks_t *n);

#endif
