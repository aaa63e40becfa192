/* dns_reply.h - the wire format of a DNS reply (RFC 1035 4.1), read by
 * Postern itself rather than by c-ares so that CNAME chains, owner names
 * and null MX records are seen exactly as sent. Offers a strict parser of
 * the header and answer section and the CNAME-following selection of the
 * records that answer a question.
 *
 * Names are returned in presentation form, lower-cased, without the
 * trailing dot (the root is ""); a byte that is a dot, a backslash or not
 * printable ASCII inside a label is written as \DDD, so such a name never
 * passes a host name check. Records of classes other than IN and of
 * types this module does not know are skipped.
 *
 * Fails (-1 with *err) for anything malformed: a short header, a count
 * that runs past the end, a compression pointer loop or forward chain
 * longer than DNS_REPLY_MAX_JUMPS, a name over 255 bytes, rdata of the
 * wrong size. Allocation failure is fatal (mem.h). */
#ifndef POSTERN_DNS_DNS_REPLY_H
#define POSTERN_DNS_DNS_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_PTR 12
#define DNS_TYPE_MX 15
#define DNS_TYPE_TXT 16
#define DNS_TYPE_AAAA 28

#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP 4
#define DNS_RCODE_REFUSED 5

#define DNS_REPLY_MAX_JUMPS 64

typedef struct dns_rr {
    char *name;          /* owner */
    int type;            /* DNS_TYPE_* */
    unsigned long ttl;
    unsigned pref;       /* MX */
    char *target;        /* MX exchange, CNAME, PTR ("" for the root);
                          * NULL for other types */
    buf_t data;          /* A: 4 bytes, AAAA: 16 bytes, TXT: the record's
                          * strings concatenated */
} dns_rr_t;

typedef struct dns_reply {
    int rcode;           /* DNS_RCODE_* */
    bool truncated;      /* TC bit */
    bool authoritative;  /* AA bit */
    dns_rr_t *answers;
    size_t count;
} dns_reply_t;

/* Parses msg into r (r need not be initialized; on failure it holds
 * nothing to dispose). Returns 0, or -1 with *err. */
int dns_reply_parse(const unsigned char *msg, size_t len, dns_reply_t *r, char **err);
void dns_reply_dispose(dns_reply_t *r);

/* Follows the CNAME chain from qname through the answers (at most
 * max_links links; a longer chain or a loop stops there) and returns
 * the records of type owned by the name at its end, in reply order, as
 * an allocated array of pointers into r (caller xfree()s the array);
 * *count gets their number. canon receives the name at the end of the
 * chain; *links the number of links followed. With type DNS_TYPE_CNAME
 * nothing is followed. */
const dns_rr_t **dns_reply_select(const dns_reply_t *r, const char *qname, int type,
                                  int max_links, buf_t *canon, int *links,
                                  size_t *count);

/* "A", "AAAA", "MX", "TXT", "PTR", "CNAME", or the number as text in buf. */
const char *dns_type_name(int type, char *buf, size_t len);

#endif
