/* address.h - RFC 5321 envelope address (reverse-path / forward-path)
 * parsing, the internal unquoted form, and quoting back to RFC 5321 form.
 *
 * Accepted: "<>", "<local@domain>", source routes "<@a,@b:u@c>" (route
 * dropped, MAIL_ADDR_F_ROUTE set so policy can refuse), quoted local parts
 * with quoted-pairs, address literals "[1.2.3.4]", "[IPv6:...]" and
 * general "[tag:text]", dot-strings, "<postmaster>" without a domain
 * (MAIL_ADDR_F_NO_DOMAIN; refused if its local part holds '@', which
 * the internal form could not tell from a domain). Without MAIL_ADDR_OPT_STRICT the angle brackets
 * may be missing ("MAIL FROM: user@x"), as with Postfix's
 * strict_rfc821_envelopes = no; the address then ends at white space.
 *
 * Leniency, as in Postfix: dots in odd places ("a..b", ".a") are accepted
 * in the local part, and the RFC 5321 size limits (local part 64, domain
 * 255, path 256 octets) are not enforced, only reported with
 * MAIL_ADDR_F_TOO_LONG. Path text longer than MAIL_ADDR_HARD_LIMIT is
 * refused outright. Domains are accepted with letters, digits, '-', '_'
 * and '.' (and UTF-8 with SMTPUTF8); their label structure is checked by
 * mail_hostname_valid() (address_domain.h) when policy asks for it.
 *
 * The internal form is Postfix's: the local part unquoted (quotes and
 * quoted-pair backslashes removed), then '@' and the domain; "" for <>.
 * Split it at the LAST '@' (a quoted local part may hold '@').
 *
 * Failures: parse functions return a negative MAIL_ADDR_ERR_* code and an
 * allocated message in *err (free with xfree); the caller picks the reply
 * (501 5.1.7 / 501 5.1.3 for syntax, 553 5.6.7 for unicode without
 * SMTPUTF8, 500 5.5.2 for malformed UTF-8). */
#ifndef POSTERN_MAIL_ADDRESS_H
#define POSTERN_MAIL_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define MAIL_ADDR_HARD_LIMIT 2048   /* bytes of path text, brackets included */
#define MAIL_ADDR_LOCAL_MAX 64      /* RFC 5321 4.5.3.1.1 */
#define MAIL_ADDR_DOMAIN_MAX 255    /* RFC 5321 4.5.3.1.2 */
#define MAIL_ADDR_PATH_MAX 256      /* RFC 5321 4.5.3.1.3, brackets included */

/* Parse options. */
#define MAIL_ADDR_OPT_STRICT (1u << 0)  /* brackets required */
#define MAIL_ADDR_OPT_UTF8 (1u << 1)    /* SMTPUTF8: UTF-8 allowed */

/* Result flags. */
#define MAIL_ADDR_F_NULL (1u << 0)        /* "<>" */
#define MAIL_ADDR_F_ROUTE (1u << 1)       /* source route was present */
#define MAIL_ADDR_F_QUOTED (1u << 2)      /* local part was a quoted string */
#define MAIL_ADDR_F_LITERAL (1u << 3)     /* domain is an address literal */
#define MAIL_ADDR_F_UTF8 (1u << 4)        /* holds non-ASCII (UTF-8) bytes */
#define MAIL_ADDR_F_NO_BRACKETS (1u << 5) /* given without <> */
#define MAIL_ADDR_F_NO_DOMAIN (1u << 6)   /* no '@domain' part */
#define MAIL_ADDR_F_TOO_LONG (1u << 7)    /* beyond RFC 5321 size limits */
#define MAIL_ADDR_F_PERCENT (1u << 8)     /* local part has '%' (user%host@) */
#define MAIL_ADDR_F_BANG (1u << 9)        /* local part has '!' (host!user@) */
#define MAIL_ADDR_F_AT_IN_LOCAL (1u << 10) /* local part has '@' ("a@b"@c) */

/* Return codes. */
#define MAIL_ADDR_OK 0
#define MAIL_ADDR_ERR_SYNTAX (-1)
#define MAIL_ADDR_ERR_8BIT (-2)   /* non-ASCII without MAIL_ADDR_OPT_UTF8 */
#define MAIL_ADDR_ERR_UTF8 (-3)   /* malformed UTF-8 */

typedef struct mail_addr {
    buf_t addr;      /* internal form, "" for <> */
    size_t at;       /* offset of the last '@' in addr, addr.len if none */
    unsigned flags;  /* MAIL_ADDR_F_* */
} mail_addr_t;

void mail_addr_init(mail_addr_t *a);
void mail_addr_dispose(mail_addr_t *a);

/* Parses the path at the start of text[0..len) (leading blanks skipped).
 * On success *used is the offset just past the path; the byte there is
 * the end or a blank (anything else is a syntax error, so "<a@b>junk" is
 * refused while "<a@b> SIZE=1" leaves " SIZE=1" to the caller). */
int mail_addr_parse_path(const char *text, size_t len, unsigned opts,
                         mail_addr_t *out, size_t *used, char **err);

/* The local part / domain of a parsed address (domain "" if none). */
size_t mail_addr_local_len(const mail_addr_t *a);
const char *mail_addr_domain(const mail_addr_t *a);

/* Offset of the last '@' in addr[0..len), or len if there is none. */
size_t mail_addr_split(const char *addr, size_t len);

/* True if s[0..len) is an RFC 5321 Dot-string (atoms separated by single
 * dots); with utf8, well-formed non-ASCII counts as atom text. */
bool mail_local_is_dot_string(const char *s, size_t len, bool utf8);

/* Appends the RFC 5321 form of an internal address (no brackets): the
 * local part quoted when it is not a Dot-string, '"' and '\' escaped. */
void mail_addr_quote(const char *addr, size_t len, buf_t *out);

/* Convenience: "<" + quoted form + ">" (the form to send in MAIL FROM). */
void mail_addr_quote_path(const char *addr, size_t len, buf_t *out);

#endif
