/* dns.h - DNS lookups for Postern (MX, A/AAAA, TXT, PTR) on c-ares.
 *
 * A dns_resolver_t holds one c-ares channel and the lookup options
 * (name servers, inet_protocols, smtp_address_preference,
 * smtp_host_lookup, a total time limit per lookup). Lookups here are
 * synchronous: each runs its own poll loop until the answer or the time
 * limit (dns_async.h has the event-loop form of single queries; one
 * resolver is used in one of the two ways at a time).
 *
 * Every lookup returns a dns_status_t and, for anything but DNS_OK, an
 * allocated reason in *why (caller frees with xfree), in Postfix's shape
 * so that it can go into a log line or a DSN as it is:
 *   "Name service error for name=example.com type=MX: Host not found, try again"
 * The destination lookups (dns_lookup_mx_hosts) put "Host or domain name
 * not found. " in front of not-found and temporary errors, as Postfix's
 * smtp client does.
 *
 * Names are given without a trailing dot (one is dropped); they are
 * queried as they are (no search list, no default domain). Results are
 * lower-cased. CNAME chains are followed (also across queries when a
 * server returns only the CNAME), at most DNS_CNAME_LIMIT links.
 *
 * Allocation failure is fatal (mem.h); nothing here logs. Not thread-safe:
 * one resolver per thread. */
#ifndef POSTERN_DNS_DNS_H
#define POSTERN_DNS_DNS_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define DNS_CNAME_LIMIT 10

typedef enum dns_status {
    DNS_OK = 0,      /* found (the result lists hold at least one entry) */
    DNS_NOTFOUND,    /* NXDOMAIN or no record of that type: permanent */
    DNS_TEMPFAIL,    /* SERVFAIL, REFUSED, timeout, no server reachable:
                      * try again later */
    DNS_MALFORMED,   /* the reply cannot be parsed, or a CNAME chain
                      * loops or is longer than DNS_CNAME_LIMIT, or the
                      * name asked for is not a valid DNS name. Postfix
                      * defers mail on a malformed reply; a caller that
                      * wants to bounce bad names checks them first */
    DNS_NULLMX,      /* MX lookups only: the domain publishes a null MX
                      * (RFC 7505, "0 ."): it accepts no mail (RFC 7505
                      * suggests 5.1.10 for the bounce) */
} dns_status_t;

/* "OK", "not found", "temporary failure", "malformed", "null MX". */
const char *dns_status_str(dns_status_t status);

/* --- options --------------------------------------------------------------- */

#define DNS_INET_IPV4 1
#define DNS_INET_IPV6 2

typedef enum dns_addr_pref {
    DNS_PREF_ANY,    /* addresses of one host in random order */
    DNS_PREF_IPV4,   /* IPv4 addresses of a host first */
    DNS_PREF_IPV6,   /* IPv6 addresses of a host first */
} dns_addr_pref_t;

#define DNS_HOST_LOOKUP_DNS    1   /* A/AAAA through the DNS */
#define DNS_HOST_LOOKUP_NATIVE 2   /* getaddrinfo() (/etc/hosts, nsswitch) */

typedef struct dns_options {
    char *nameservers;        /* "" or NULL: /etc/resolv.conf; else a list
                               * as dns_parse_nameservers() takes */
    int inet_protocols;       /* DNS_INET_* bits, not 0 */
    dns_addr_pref_t address_preference;
    int host_lookup;          /* DNS_HOST_LOOKUP_* bits, not 0, in the
                               * order "dns" first when both */
    bool mx_lookups;          /* false: disable_dns_lookups = yes (no MX
                               * lookups; hosts by getaddrinfo only) */
    int timeout_ms;           /* total time of one lookup (all queries);
                               * 0: DNS_DEFAULT_TIMEOUT_MS */
} dns_options_t;

#define DNS_DEFAULT_TIMEOUT_MS 10000

/* Defaults: resolv.conf, ipv4+ipv6, any, dns, MX on, 10 s. */
void dns_options_init(dns_options_t *o);
void dns_options_dispose(dns_options_t *o);

/* Fills o from main.cf values got through param(name) (pass cfg_str):
 * inet_protocols (ipv4, ipv6, all; comma/space list), smtp_host_lookup
 * (dns, native, or both in order), disable_dns_lookups (yes/no; yes
 * implies smtp_host_lookup = native), smtp_address_preference (any, ipv4,
 * ipv6) and dns_nameservers. Returns 0, or -1 with *err naming the bad
 * parameter and value. */
typedef const char *(*dns_param_fn)(const char *name);
int dns_options_from_params(dns_options_t *o, dns_param_fn param, char **err);

/* Parsers of the single values (0, or -1 with *err). */
int dns_parse_inet_protocols(const char *text, int *out, char **err);
int dns_parse_host_lookup(const char *text, int *out, char **err);
int dns_parse_address_preference(const char *text, dns_addr_pref_t *out, char **err);

/* dns_nameservers: entries separated by commas and/or white space, each
 * "IPv4", "IPv4:port", "IPv6", "[IPv6]" or "[IPv6]:port" (default port
 * 53; only addresses, no names). At most DNS_MAX_NAMESERVERS. */
#define DNS_MAX_NAMESERVERS 8
typedef struct dns_server_addr {
    int family;                   /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    int port;
} dns_server_addr_t;
/* Returns the number of servers (0 for an empty list), or -1 with *err. */
int dns_parse_nameservers(const char *text, dns_server_addr_t *out, size_t max,
                          char **err);

/* --- the resolver ------------------------------------------------------------ */

typedef struct dns_resolver dns_resolver_t;

/* Copies the options. Fails (NULL, *err) when c-ares cannot be set up or
 * the name server list is bad. */
dns_resolver_t *dns_resolver_new(const dns_options_t *o, char **err);
void dns_resolver_free(dns_resolver_t *r);           /* NULL ok */
const dns_options_t *dns_resolver_options(const dns_resolver_t *r);

/* --- results ----------------------------------------------------------------- */

typedef struct dns_addr {
    int family;                       /* AF_INET or AF_INET6 */
    unsigned char bytes[16];          /* 4 or 16 used, network order */
    char text[INET6_ADDRSTRLEN];      /* "192.0.2.1", "2001:db8::1" */
} dns_addr_t;

typedef struct dns_addr_list {
    dns_addr_t *items;
    size_t count;
} dns_addr_list_t;

typedef struct dns_mx {
    char *host;                       /* lower case, no trailing dot */
    unsigned pref;
} dns_mx_t;

typedef struct dns_mx_list {
    dns_mx_t *items;
    size_t count;
} dns_mx_list_t;

typedef struct dns_txt_list {
    buf_t *items;    /* one per record, its strings concatenated (may hold
                      * any byte, NUL included) */
    size_t count;
} dns_txt_list_t;

typedef struct dns_name_list {
    char **items;
    size_t count;
} dns_name_list_t;

void dns_addr_list_dispose(dns_addr_list_t *l);
void dns_mx_list_dispose(dns_mx_list_t *l);
void dns_txt_list_dispose(dns_txt_list_t *l);
void dns_name_list_dispose(dns_name_list_t *l);

/* --- lookups ------------------------------------------------------------------- */

/* MX records of domain: sorted by preference, random order among equal
 * preferences, each host once (at its lowest preference). A null MX
 * ("0 ." as the only record, or among others) gives DNS_NULLMX. No MX
 * records (NXDOMAIN or no data) gives DNS_NOTFOUND: the caller decides
 * about the implicit MX (dns_lookup_mx_hosts does it). An MX target that
 * is not a valid host name is dropped; one that is an IP address is kept
 * (dns_lookup_host uses it as the address, as Postfix does). */
dns_status_t dns_lookup_mx(dns_resolver_t *r, const char *domain,
                           dns_mx_list_t *out, char **why);

/* Addresses of host, filtered by inet_protocols and ordered by
 * smtp_address_preference, through the DNS (A, AAAA) and/or getaddrinfo
 * as host_lookup says (with both, native is tried when the DNS finds
 * nothing). An IP address as host is returned as it is (when its family
 * is enabled). Duplicates are dropped. */
dns_status_t dns_lookup_host(dns_resolver_t *r, const char *host,
                             dns_addr_list_t *out, char **why);

/* TXT records of name, one entry per record. */
dns_status_t dns_lookup_txt(dns_resolver_t *r, const char *name,
                            dns_txt_list_t *out, char **why);

/* PTR names for an address given as text ("192.0.2.1", "2001:db8::1");
 * a text that is not an address gives DNS_MALFORMED. */
dns_status_t dns_lookup_ptr(dns_resolver_t *r, const char *addr,
                            dns_name_list_t *out, char **why);

/* --- destinations (the smtp client's view) --------------------------------------- */

typedef struct dns_host {
    char *name;              /* MX host, or the domain for an implicit MX
                              * or a no-MX next hop */
    unsigned pref;           /* MX preference (0 without MX) */
    dns_status_t status;     /* of this host's address lookup */
    char *why;               /* reason when status != DNS_OK, else NULL */
    dns_addr_list_t addrs;   /* in the order to try */
} dns_host_t;

typedef struct dns_dest {
    dns_host_t *hosts;       /* in the order to try */
    size_t count;
    bool implicit_mx;        /* no MX: the domain's own addresses */
} dns_dest_t;

/* Where mail for domain goes: with mx (the next hop was not in [brackets]
 * and MX lookups are enabled) the MX hosts by dns_lookup_mx, or the domain
 * itself when it has no MX (implicit MX, RFC 5321 5.1); without mx the
 * host itself. Each host's addresses by dns_lookup_host.
 * Returns DNS_OK when at least one host has an address (hosts whose lookup
 * failed stay in the list with their status and reason); otherwise
 * DNS_NULLMX, DNS_TEMPFAIL if any lookup failed temporarily, DNS_MALFORMED,
 * or DNS_NOTFOUND, with *why as the smtp client logs it:
 *   "Host or domain name not found. Name service error for name=... type=...: ..."
 *   "Domain example.com does not accept mail (nullMX)" */
dns_status_t dns_lookup_mx_hosts(dns_resolver_t *r, const char *domain, bool mx,
                                 dns_dest_t *out, char **why);
void dns_dest_dispose(dns_dest_t *d);

#endif
