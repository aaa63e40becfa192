/* access.h - the order in which Postfix's check_*_access restrictions try
 * keys in an access(5) table, and the search that stops at the first hit.
 *
 * Address "user+ext@domain" (fixed-string tables such as hash:, inline:):
 *   user+ext@domain, user@domain (only with a recipient delimiter),
 *   domain and its parents, user+ext@, user@ (only with a delimiter).
 *   Parents are ".example.com" style keys, or "example.com" when
 *   parent_matches_subdomains is set (Postfix's default lists
 *   smtpd_access_maps in parent_domain_matches_subdomains, so a caller
 *   normally passes true). The null sender "" is looked up once as
 *   null_sender_key (smtpd_null_access_lookup_key, default "<>").
 * Host name "a.b.example.com": itself, then its parents as above.
 * Client address: IPv4 "1.2.3.4", "1.2.3", "1.2", "1"; IPv6 in compressed
 *   lower-case form, then repeatedly without its last ":" part; an
 *   IPv4-mapped IPv6 address is treated as the IPv4 address.
 * Client: host name keys (not for "unknown"), then address keys.
 * Pattern tables (DICT_FLAG_PATTERN: regexp, pcre, cidr) get the whole
 *   string once, as in Postfix.
 *
 * The search functions return DICT_FOUND with the value and the key that
 * matched, DICT_NOTFOUND, or DICT_ERROR (with *err) as soon as a lookup
 * fails, so that the caller can answer "451 4.3.0". Case folding is the
 * table's business (DICT_FLAG_FOLD_KEYS). Nothing here reads main.cf. */
#ifndef POSTERN_DICT_ACCESS_H
#define POSTERN_DICT_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "dict/dict.h"
#include "util/buf.h"

struct access_options {
    bool parent_matches_subdomains;  /* "example.com" also matches sub.example.com */
    const char *recipient_delimiter; /* any of these characters; NULL or "" = none */
    const char *null_sender_key;     /* NULL = "<>" */
};

struct access_keys {
    char **keys;
    size_t count;
};

/* Key lists, in search order; pattern: the table is a pattern table. */
void access_keys_address(const char *address, const struct access_options *opts,
                         bool pattern, struct access_keys *out);
void access_keys_domain(const char *domain, const struct access_options *opts,
                        bool pattern, struct access_keys *out);
void access_keys_hostaddr(const char *addr, bool pattern, struct access_keys *out);
void access_keys_client(const char *hostname, const char *addr,
                        const struct access_options *opts, bool pattern,
                        struct access_keys *out);
void access_keys_free(struct access_keys *keys);

/* matched may be NULL. */
int access_search_address(dict_t *d, const char *address, const struct access_options *opts,
                          buf_t *value, buf_t *matched, char **err);
int access_search_domain(dict_t *d, const char *domain, const struct access_options *opts,
                         buf_t *value, buf_t *matched, char **err);
int access_search_hostaddr(dict_t *d, const char *addr, buf_t *value, buf_t *matched,
                           char **err);
int access_search_client(dict_t *d, const char *hostname, const char *addr,
                         const struct access_options *opts, buf_t *value, buf_t *matched,
                         char **err);
/* Tries the keys in order (the common part of the above). */
int access_search_keys(dict_t *d, const struct access_keys *keys, buf_t *value,
                       buf_t *matched, char **err);

#endif
