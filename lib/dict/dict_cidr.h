/* dict_cidr.h - the address helpers of the cidr table, shared with the
 * access-table search (which normalises client addresses) and tests.
 * cidr_parse_address: a bare IPv4/IPv6 address as inet_pton() takes it;
 * cidr_parse_pattern: "[addr]/prefix" or "addr" as cidr_table(5) allows,
 * -1 with an allocated reason in *why. */
#ifndef POSTERN_DICT_DICT_CIDR_H
#define POSTERN_DICT_DICT_CIDR_H

#include <stdbool.h>
#include <stddef.h>

#include "dict/dict_impl.h"

struct cidr_net {
    int family;               /* AF_INET or AF_INET6 */
    unsigned char addr[16];   /* network byte order */
    int bits;                 /* prefix length */
};

int cidr_parse_address(const char *text, struct cidr_net *net);
int cidr_parse_pattern(const char *text, struct cidr_net *net, char **why);
bool cidr_contains(const struct cidr_net *net, const struct cidr_net *addr);

/* Builds the table from memory into a dict_t set up by the caller (type,
 * name, type_name, flags); for the fuzz target and tests. */
void dict_cidr_load(dict_t *d, const char *data, size_t len);

#endif
