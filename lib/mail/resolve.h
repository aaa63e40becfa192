/* resolve.h - recipient address resolution, as Postfix's trivial-rewrite
 * resolves: classify the recipient domain (local, virtual alias, virtual
 * mailbox, relay, default), pick transport and nexthop from the matching
 * *_transport parameter, relayhost and transport_maps, and flag addresses
 * with routing operators for the relay check.
 *
 * The configuration is passed in (resolve_config_t), so this module reads
 * no files and keeps no global state; resolve_setup.h builds one from
 * main.cf parameter values. Lookup tables (transport_maps and
 * tables inside domain lists) are reached through resolve_table_t, a
 * lookup function plus context; resolve_table_dict() in resolve_dict.h
 * adapts a dict_t.
 * A table that fails (DICT_ERROR) makes the result RESOLVE_FLAG_FAIL with
 * the table's message, so callers answer "try again later".
 * Allocation failure is fatal (mem.h). */
#ifndef POSTERN_MAIL_RESOLVE_H
#define POSTERN_MAIL_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Table lookup: returns 1 found (value set), 0 not found, -1 error with an
 * allocated message in *err. Keys are passed already lower-cased.
 * close and changed are optional (NULL): close releases ctx when the
 * owner (a domain list, a resolve_setup) is freed; changed tells whether
 * the file behind the table changed since it was opened. */
typedef struct resolve_table {
    int (*lookup)(void *ctx, const char *key, buf_t *value, char **err);
    void *ctx;
    void (*close)(void *ctx);
    bool (*changed)(void *ctx);
} resolve_table_t;

/* --- domain lists (mydestination, relay_domains, virtual_*_domains) --- */

typedef struct resolve_domains resolve_domains_t;

/* Opens "type:name" entries of a domain list (NULL: tables refused).
 * The list owns what it gets: resolve_domains_free calls table.close. */
typedef int (*resolve_open_table_fn)(void *ctx, const char *type_name,
                                     resolve_table_t *table, char **err);

/* Parses a list value: names separated by commas and/or white space.
 *   example.com      that domain (and, with match_subdomains, any
 *                    subdomain: Postfix's parent_domain_matches_subdomains)
 *   .example.com     any subdomain of example.com
 *   !pattern         a match of pattern means "not in the list"
 *   /path/file       the names listed in that file (one or more a line,
 *                    # comments)
 *   type:name        a table: the domain (then its parents as ".parent",
 *                    and as "parent" with match_subdomains) is looked up
 * The first entry that matches decides. Case-insensitive. Returns NULL with
 * *err set for an unreadable file or a table that cannot be opened. */
resolve_domains_t *resolve_domains_new(const char *value, bool match_subdomains,
                                       resolve_open_table_fn open_table,
                                       void *open_ctx, char **err);
void resolve_domains_free(resolve_domains_t *list);
/* true if a table in the list changed on disk (see resolve_table_t). */
bool resolve_domains_changed(const resolve_domains_t *list);
/* 1: listed, 0: not listed, -1: a table failed (*err set). NULL list: 0. */
int resolve_domains_match(const resolve_domains_t *list, const char *domain,
                          char **err);

/* --- resolution ----------------------------------------------------------- */

typedef enum resolve_class {
    RESOLVE_CLASS_LOCAL,     /* mydestination or [our address] */
    RESOLVE_CLASS_ALIAS,     /* virtual_alias_domains */
    RESOLVE_CLASS_VIRTUAL,   /* virtual_mailbox_domains */
    RESOLVE_CLASS_RELAY,     /* relay_domains */
    RESOLVE_CLASS_DEFAULT,   /* anything else */
} resolve_class_t;

#define RESOLVE_FLAG_ROUTED 1  /* local part has @ % or !, or a source route
                                * was stripped: never relay it on trust */
#define RESOLVE_FLAG_ERROR  2  /* the domain is not a valid host name or
                                * address literal */
#define RESOLVE_FLAG_FAIL   4  /* a table or the configuration failed: the
                                * result is unusable, try again later */

typedef struct resolve_config {
    const char *myhostname;                     /* for addresses without @ */
    const resolve_domains_t *mydestination;
    const char *const *local_addresses;         /* inet_interfaces and
                                                 * proxy_interfaces IPs (for
                                                 * user@[192.0.2.1]); NULL-
                                                 * terminated, may be NULL */
    const resolve_domains_t *virtual_alias_domains;
    const resolve_domains_t *virtual_mailbox_domains;
    const resolve_domains_t *relay_domains;
    const char *relayhost;                      /* "" or NULL: none */
    const char *default_transport;              /* "smtp" */
    const char *relay_transport;                /* "relay" */
    const char *local_transport;                /* "local:$myhostname" */
    const char *virtual_transport;              /* "virtual" */
    const resolve_table_t *transport_maps;      /* searched in order */
    size_t transport_maps_count;
    const char *recipient_delimiter;            /* "" or NULL: none; any
                                                 * of these bytes starts the
                                                 * extension (not split off
                                                 * for postmaster, MAILER-
                                                 * DAEMON, double-bounce,
                                                 * and, with '-', owner-*
                                                 * and *-request) */
    bool allow_percent_hack;                    /* Postfix default yes */
    bool swap_bangpath;                         /* Postfix default yes */
    bool show_user_unknown_table_name;          /* Postfix default yes */
} resolve_config_t;

typedef struct resolve_result {
    resolve_class_t klass;
    int flags;            /* RESOLVE_FLAG_* */
    buf_t transport;      /* "smtp", "local", "error" ... */
    buf_t nexthop;        /* "example.com", "[mx.example.com]:587"; for
                           * the error transport: the reason text */
    buf_t recipient;      /* final user@domain (domain lower-cased) */
    char *error;          /* with RESOLVE_FLAG_FAIL: why (allocated) */
} resolve_result_t;

void resolve_result_init(resolve_result_t *r);
void resolve_result_dispose(resolve_result_t *r);

/* Resolves the recipient address (internal, unquoted form:
 * "user@example.com", "user%host@example.com", "@a,@b:user@c").
 * Fills r (reset first). Always returns; check r->flags. */
void resolve_address(const resolve_config_t *cfg, const char *addr,
                     resolve_result_t *r);

/* --- address helpers ------------------------------------------------------ */

/* Splits at the LAST '@': local part and domain (without the '@').
 * Returns false (local = addr, domain empty) when there is no '@'. */
bool resolve_split_addr(const char *addr, buf_t *local, buf_t *domain);
/* Lower-cases the domain part (after the last '@') in place. */
void resolve_lower_domain(char *addr);

/* Routing forms a relay check must refuse to trust: */
#define RESOLVE_ROUTE_PERCENT 1   /* user%host@ourdomain */
#define RESOLVE_ROUTE_BANG    2   /* host!user@ourdomain */
#define RESOLVE_ROUTE_AT      4   /* "user@host"@ourdomain (quoted @) */
#define RESOLVE_ROUTE_SOURCE  8   /* @hop1,@hop2:user@domain */
/* Which routing forms addr uses (0: none). */
int resolve_routing_forms(const char *addr);
/* Removes a source route ("@a,@b:user@c" -> "user@c"); returns true if
 * there was one. */
bool resolve_strip_source_route(buf_t *addr);

/* Splits a transport table value or *_transport parameter
 * "transport:nexthop" at the first ':' ("smtp:[mx]:25" -> "smtp",
 * "[mx]:25"; "smtp" -> "smtp", ""; ":[mx]" -> "", "[mx]"). */
void resolve_split_transport(const char *value, buf_t *transport, buf_t *nexthop);

/* Parses an SMTP/LMTP nexthop: "host", "host:port", "[host]",
 * "[host]:port", "[ipv6:2001:db8::1]:port". *no_mx is true for the
 * bracketed forms (connect to that host, no MX lookup); the "ipv6:"
 * prefix of an address literal is removed. port is "" when absent. Returns 0, or -1 with *err for malformed text. */
int resolve_parse_nexthop(const char *nexthop, buf_t *host, buf_t *port,
                          bool *no_mx, char **err);

#endif
