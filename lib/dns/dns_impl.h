/* dns_impl.h - what the files of lib/dns share and nobody else uses: the
 * resolver structure, one CNAME-following query, name checks, time and
 * the reason texts. */
#ifndef POSTERN_DNS_DNS_IMPL_H
#define POSTERN_DNS_DNS_IMPL_H

#include <ares.h>

#include "dns/dns.h"
#include "dns/dns_reply.h"

struct dns_resolver {
    dns_options_t opts;
    ares_channel channel;
};

/* The answer to one question after CNAME chains were followed. */
typedef struct dns_answer {
    dns_reply_t reply;       /* the last reply */
    const dns_rr_t **rrs;    /* records of the asked type, into reply */
    size_t count;
    buf_t canon;             /* the name that owns them */
} dns_answer_t;

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
