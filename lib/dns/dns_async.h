/* dns_async.h - single DNS queries answered through lib/util/events, for
 * daemons that run an event loop (smtpd's DNSBL and SPF checks later):
 * many queries in flight at once on one resolver, each answered by a
 * callback from event_loop_once().
 *
 * A resolver that has asynchronous queries in flight must not be used
 * for the synchronous lookups of dns.h at the same time (that is a
 * panic): give each use its own resolver.
 *
 * Each query ends exactly once: its callback runs from the event loop,
 * never from inside dns_async_query(), with the status and reason of
 * dns.h; CNAME chains are followed as the synchronous lookups do; the
 * resolver's timeout_ms limits each query. The answer and everything in
 * it belong to lib/dns and are valid during the callback only.
 * dns_resolver_free() with queries in flight ends them with DNS_TEMPFAIL
 * first. Allocation failure is fatal (mem.h). */
#ifndef POSTERN_DNS_DNS_ASYNC_H
#define POSTERN_DNS_DNS_ASYNC_H

#include "dns/dns.h"

typedef struct dns_async_answer {
    const char *name;          /* as asked */
    int type;                  /* DNS_TYPE_A ... (dns_reply.h) */
    dns_status_t status;
    const char *why;           /* reason when status != DNS_OK, else NULL */
    dns_addr_list_t addrs;     /* A, AAAA: in answer order (not filtered) */
    dns_mx_list_t mx;          /* MX: sorted and shuffled as dns_lookup_mx;
                                * a null MX gives DNS_NULLMX */
    dns_txt_list_t txt;        /* TXT */
    dns_name_list_t names;     /* PTR (and CNAME) targets */
} dns_async_answer_t;

typedef void (*dns_async_fn)(const dns_async_answer_t *answer, void *ctx);

/* Starts a query for name and type (DNS_TYPE_A, _AAAA, _MX, _TXT, _PTR;
 * for PTR the name is the in-addr.arpa/ip6.arpa name). */
void dns_async_query(dns_resolver_t *r, const char *name, int type, dns_async_fn fn,
                     void *ctx);
/* Queries whose callback has not run yet. */
size_t dns_async_pending(const dns_resolver_t *r);

#endif
