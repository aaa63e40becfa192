/* dns_impl.h - what the files of lib/dns share and nobody else uses: the
 * resolver structure, one CNAME-following query, name checks, time and
 * the reason texts. */
#ifndef POSTERN_DNS_DNS_IMPL_H
#define POSTERN_DNS_DNS_IMPL_H

#include <ares.h>

#include "dns/dns.h"
#include "dns/dns_reply.h"

#define DNS_WATCH_MAX ARES_GETSOCK_MAXNUM

struct aquery;

struct dns_resolver {
    dns_options_t opts;
    ares_channel channel;
    size_t async_pending;             /* dns_async queries not answered */
    struct aquery *async_queries;     /* every dns_async query still known */
    int watched[DNS_WATCH_MAX];       /* fds registered with lib/util/events */
    int watched_how[DNS_WATCH_MAX];   /* 1 read, 2 write */
    size_t nwatched;
};

/* The answer to one question after CNAME chains were followed. */
typedef struct dns_answer {
    dns_reply_t reply;       /* the last reply */
    const dns_rr_t **rrs;    /* records of the asked type, into reply */
    size_t count;
    buf_t canon;             /* the name that owns them */
} dns_answer_t;

/* ares_getsock() bits, tested without c-ares' macros (which shift a
 * signed 1 into the sign bit for the last socket). */
static inline bool sock_readable(int bits, int i)
{
    return ((unsigned) bits >> i) & 1u;
}

static inline bool sock_writable(int bits, int i)
{
    return ((unsigned) bits >> (i + ARES_GETSOCK_MAXNUM)) & 1u;
}

/* Milliseconds of CLOCK_MONOTONIC. */
long long dns_now_ms(void);
long long dns_deadline(const dns_resolver_t *r);

/* Asks for name/type (following CNAMEs across queries until deadline).
 * DNS_OK: ans->count > 0. Otherwise *why is set (Postfix's "Name service
 * error for name=... type=...: ..." text) and *nxdomain tells NXDOMAIN
 * apart from no data. ans must be disposed in every case. */
dns_status_t dns_query(dns_resolver_t *r, const char *name, int type,
                       long long deadline, dns_answer_t *ans, bool *nxdomain,
                       char **why);
void dns_answer_dispose(dns_answer_t *ans);

/* One reply of c-ares (status ARES_*, abuf/alen may be NULL/0) for
 * name/type: 1 with records in ans (*st DNS_OK), 0 when a CNAME chain
 * leads to another name to ask for (copied to next), -1 when done with
 * the failure *st and *why. links_left counts down the CNAME links. */
int dns_interpret(int status, const unsigned char *abuf, size_t alen, const char *name,
                  int type, dns_answer_t *ans, int *links_left, buf_t *next,
                  bool *nxdomain, char **why, dns_status_t *st);

/* The MX list of an answer (null MX, bad targets, order and duplicates
 * as dns_lookup_mx); *why set unless DNS_OK. */
dns_status_t dns_mx_from_answer(const dns_answer_t *ans, const char *domain,
                                dns_mx_list_t *out, char **why);

/* Ends every asynchronous query (dns_resolver_free, after ares_destroy). */
void dns_async_shutdown(dns_resolver_t *r);

/* "Name service error for name=NAME type=TYPE: TEXT" */
char *dns_error_text(const char *name, int type, const char *text);

/* Checks a name to be queried (1..253 bytes of printable ASCII without
 * blanks or backslashes, labels 1..63) and copies it without a trailing
 * dot into out. Returns false for a bad name. */
bool dns_query_name(const char *name, buf_t *out);
/* A host name: letters, digits, '-' and '_' in labels of 1..63 bytes. */
bool dns_valid_hostname(const char *name);
/* Parses an IPv4 or IPv6 address text into a (family, bytes, text). */
bool dns_parse_addr(const char *text, dns_addr_t *a);

/* A random number in [0, n). */
unsigned dns_random(unsigned n);

#endif
