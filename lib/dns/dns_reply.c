/* dns_reply.c - strict reader of DNS reply messages (see dns_reply.h):
 * header, skipped questions, answer records with their rdata decoded for
 * A, AAAA, CNAME, PTR, MX and TXT, and the CNAME-following selection.
 * Every read is bounds-checked against the message length; failures
 * return -1 with a reason. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns/dns_reply.h"
#include "util/errstr.h"
#include "util/mem.h"

#define HEADER_LEN 12
#define MAX_NAME_WIRE 255

typedef struct reader {
    const unsigned char *msg;
    size_t len;
    size_t pos;
} reader_t;

static unsigned get16(const unsigned char *p)
{
    return (unsigned) p[0] << 8 | p[1];
}

static unsigned long get32(const unsigned char *p)
{
    return (unsigned long) p[0] << 24 | (unsigned long) p[1] << 16
           | (unsigned long) p[2] << 8 | p[3];
}

static void put_label_byte(buf_t *out, unsigned char c)
{
    if (c == '.' || c == '\\' || c <= 0x20 || c >= 0x7f)
        buf_printf(out, "\\%03u", c);
    else
        buf_putc(out, tolower(c));
}

/* Reads a possibly compressed name at *pos; *pos moves past it. */
static int read_name(const unsigned char *msg, size_t len, size_t *pos, buf_t *out)
{
    size_t p = *pos, after = 0, wire = 0;
    int jumps = 0;

    buf_reset(out);
    for (;;) {
        if (p >= len)
            return -1;
        unsigned c = msg[p];
        if ((c & 0xC0) == 0xC0) {
            if (p + 1 >= len || ++jumps > DNS_REPLY_MAX_JUMPS)
                return -1;
            if (jumps == 1)
                after = p + 2;
            p = (c & 0x3F) << 8 | msg[p + 1];
            continue;
        }
        if (c & 0xC0)
            return -1;
        if (c == 0) {
            *pos = jumps ? after : p + 1;
            return 0;
        }
        wire += c + 1;
        if (wire + 1 > MAX_NAME_WIRE || p + 1 + c > len)
            return -1;
        if (out->len)
            buf_putc(out, '.');
        for (unsigned i = 0; i < c; i++)
            put_label_byte(out, msg[p + 1 + i]);
        p += 1 + c;
    }
}

static int read_txt(const unsigned char *rdata, size_t rdlen, buf_t *out)
{
    size_t p = 0;

    while (p < rdlen) {
        size_t n = rdata[p];
        if (p + 1 + n > rdlen)
            return -1;
        buf_append(out, rdata + p + 1, n);
        p += 1 + n;
    }
    return 0;
}

/* Decodes the rdata of rr (type already set) at msg[start..start+rdlen). */
static int read_rdata(const reader_t *rd, size_t start, size_t rdlen, dns_rr_t *rr)
{
    buf_t name = BUF_INIT;
    size_t p = start;

    switch (rr->type) {
    case DNS_TYPE_A:
    case DNS_TYPE_AAAA:
        if (rdlen != (rr->type == DNS_TYPE_A ? 4u : 16u))
            return -1;
        buf_append(&rr->data, rd->msg + start, rdlen);
        return 0;
    case DNS_TYPE_TXT:
        return read_txt(rd->msg + start, rdlen, &rr->data);
    case DNS_TYPE_MX:
        if (rdlen < 3)
            return -1;
        rr->pref = get16(rd->msg + start);
        p += 2;
        /* fall through */
    case DNS_TYPE_CNAME:
    case DNS_TYPE_PTR:
        if (read_name(rd->msg, start + rdlen, &p, &name) < 0 || p != start + rdlen) {
            buf_dispose(&name);
            return -1;
        }
        rr->target = buf_detach(&name);
        return 0;
    default:
        return -1;
    }
}

static bool known_type(unsigned type)
{
    return type == DNS_TYPE_A || type == DNS_TYPE_AAAA || type == DNS_TYPE_TXT
           || type == DNS_TYPE_MX || type == DNS_TYPE_CNAME || type == DNS_TYPE_PTR;
}

static void rr_dispose(dns_rr_t *rr)
{
    xfree(rr->name);
    xfree(rr->target);
    buf_dispose(&rr->data);
}

/* Reads one answer record; returns 1 stored, 0 skipped, -1 malformed. */
static int read_answer(reader_t *rd, dns_rr_t *rr)
{
    buf_t owner = BUF_INIT;
    unsigned type, klass;
    size_t rdlen;

    if (read_name(rd->msg, rd->len, &rd->pos, &owner) < 0 || rd->pos + 10 > rd->len) {
        buf_dispose(&owner);
        return -1;
    }
    type = get16(rd->msg + rd->pos);
    klass = get16(rd->msg + rd->pos + 2);
    memset(rr, 0, sizeof(*rr));
    rr->ttl = get32(rd->msg + rd->pos + 4);
    rdlen = get16(rd->msg + rd->pos + 8);
    rd->pos += 10;
    if (rd->pos + rdlen > rd->len) {
        buf_dispose(&owner);
        return -1;
    }
    if (klass != 1 || !known_type(type)) {
        rd->pos += rdlen;
        buf_dispose(&owner);
        return 0;
    }
    rr->type = (int) type;
    rr->name = buf_detach(&owner);
    if (read_rdata(rd, rd->pos, rdlen, rr) < 0) {
        rr_dispose(rr);
        return -1;
    }
    rd->pos += rdlen;
    return 1;
}

static int skip_questions(reader_t *rd, unsigned count)
{
    buf_t name = BUF_INIT;
    int ret = 0;

    for (unsigned i = 0; i < count && ret == 0; i++) {
        if (read_name(rd->msg, rd->len, &rd->pos, &name) < 0 || rd->pos + 4 > rd->len)
            ret = -1;
        else
            rd->pos += 4;
    }
    buf_dispose(&name);
    return ret;
}

int dns_reply_parse(const unsigned char *msg, size_t len, dns_reply_t *r, char **err)
{
    reader_t rd = {msg, len, HEADER_LEN};
    unsigned flags, qdcount, ancount;

    memset(r, 0, sizeof(*r));
    if (len < HEADER_LEN) {
        errstr_set(err, "reply shorter than a DNS header (%zu bytes)", len);
        return -1;
    }
    flags = get16(msg + 2);
    qdcount = get16(msg + 4);
    ancount = get16(msg + 6);
    r->rcode = (int) (flags & 0xF);
    r->truncated = (flags & 0x0200) != 0;
    r->authoritative = (flags & 0x0400) != 0;
    if (!(flags & 0x8000)) {
        errstr_set(err, "message is not a reply");
        return -1;
    }
    if (skip_questions(&rd, qdcount) < 0) {
        errstr_set(err, "malformed question section");
        return -1;
    }
    /* Each record needs at least 11 bytes, so this bounds the array. */
    if (ancount > (len - rd.pos) / 11) {
        errstr_set(err, "answer count %u runs past the end of the reply", ancount);
        return -1;
    }
    r->answers = xcalloc(ancount ? ancount : 1, sizeof(dns_rr_t));
    for (unsigned i = 0; i < ancount; i++) {
        int got = read_answer(&rd, &r->answers[r->count]);
        if (got < 0) {
            dns_reply_dispose(r);
            errstr_set(err, "malformed answer record %u", i + 1);
            return -1;
        }
        r->count += (size_t) got;
    }
    return 0;
}

void dns_reply_dispose(dns_reply_t *r)
{
    for (size_t i = 0; i < r->count; i++)
        rr_dispose(&r->answers[i]);
    xfree(r->answers);
    memset(r, 0, sizeof(*r));
}

static const dns_rr_t *find_cname(const dns_reply_t *r, const char *owner)
{
    for (size_t i = 0; i < r->count; i++)
        if (r->answers[i].type == DNS_TYPE_CNAME
            && strcasecmp(r->answers[i].name, owner) == 0)
            return &r->answers[i];
    return NULL;
}

const dns_rr_t **dns_reply_select(const dns_reply_t *r, const char *qname, int type,
                                  int max_links, buf_t *canon, int *links,
                                  size_t *count)
{
    const dns_rr_t **out = xcalloc(r->count ? r->count : 1, sizeof(*out));
    const dns_rr_t *cname;

    buf_set(canon, qname);
    *links = 0;
    while (type != DNS_TYPE_CNAME && *links < max_links
           && (cname = find_cname(r, buf_str(canon))) != NULL) {
        buf_set(canon, cname->target);
        (*links)++;
    }
    *count = 0;
    for (size_t i = 0; i < r->count; i++)
        if (r->answers[i].type == type
            && strcasecmp(r->answers[i].name, buf_str(canon)) == 0)
            out[(*count)++] = &r->answers[i];
    return out;
}

const char *dns_type_name(int type, char *buf, size_t len)
{
    switch (type) {
    case DNS_TYPE_A: return "A";
    case DNS_TYPE_AAAA: return "AAAA";
    case DNS_TYPE_MX: return "MX";
    case DNS_TYPE_TXT: return "TXT";
    case DNS_TYPE_PTR: return "PTR";
    case DNS_TYPE_CNAME: return "CNAME";
    default:
        snprintf(buf, len, "%d", type);
        return buf;
    }
}
