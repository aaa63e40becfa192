/* mailcmd.h - arguments of MAIL FROM: and RCPT TO: with their ESMTP
 * parameters: SIZE (RFC 1870), BODY=7BIT|8BITMIME|BINARYMIME (RFC 6152,
 * RFC 3030), SMTPUTF8 (RFC 6531), RET, ENVID, NOTIFY, ORCPT (RFC 3461)
 * and AUTH= (RFC 4954).
 *
 * args: the command arguments after the verb ("FROM:<a@b> SIZE=10").
 * ext: the SMTP_EXT_* extensions this session announced; a parameter of
 * an extension not announced is refused like an unknown one.
 *
 * Checks run in Postfix's order and give Postfix's replies: the
 * "FROM:"/"TO:" syntax (501 5.5.4 Syntax: ...), the address (501 5.1.7 /
 * 501 5.1.3, 500 5.5.2 for malformed UTF-8), then each parameter (unknown
 * 555 5.5.4 Unsupported option: X; bad or repeated 501 5.5.4 ...; SIZE
 * beyond 2^63-1 552 5.3.4; DSN parameters without DSN 501 5.7.1), then a
 * non-ASCII address without SMTPUTF8 (553 5.6.7). The size limit itself
 * (552 5.3.4 Message size exceeds fixed limit) is left to the caller.
 *
 * Return 0, or -1 with the complete reply (CRLF-terminated) in *reply. */
#ifndef POSTERN_SMTP_MAILCMD_H
#define POSTERN_SMTP_MAILCMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mail/address.h"
#include "util/buf.h"

#define SMTP_EXT_SIZE (1u << 0)
#define SMTP_EXT_8BITMIME (1u << 1)
#define SMTP_EXT_DSN (1u << 2)
#define SMTP_EXT_SMTPUTF8 (1u << 3)
#define SMTP_EXT_CHUNKING (1u << 4)
#define SMTP_EXT_BINARYMIME (1u << 5)
#define SMTP_EXT_AUTH (1u << 6)
#define SMTP_EXT_PIPELINING (1u << 7)
#define SMTP_EXT_ENHANCEDSTATUSCODES (1u << 8)

enum smtp_body { SMTP_BODY_NONE, SMTP_BODY_7BIT, SMTP_BODY_8BITMIME, SMTP_BODY_BINARYMIME };
enum smtp_ret { SMTP_RET_NONE, SMTP_RET_FULL, SMTP_RET_HDRS };

#define SMTP_NOTIFY_NEVER (1u << 0)
#define SMTP_NOTIFY_SUCCESS (1u << 1)
#define SMTP_NOTIFY_FAILURE (1u << 2)
#define SMTP_NOTIFY_DELAY (1u << 3)

typedef struct smtp_mail_args {
    mail_addr_t sender;
    bool has_size;
    uint64_t size;
    enum smtp_body body;
    bool smtputf8;
    enum smtp_ret ret;
    bool has_envid;
    buf_t envid;          /* decoded, printable ASCII */
    bool has_auth;
    buf_t auth;           /* decoded; "<>" for the empty identity */
} smtp_mail_args_t;

typedef struct smtp_rcpt_args {
    mail_addr_t rcpt;
    unsigned notify;      /* SMTP_NOTIFY_*, 0 if not given */
    bool has_orcpt;
    buf_t orcpt_type;     /* e.g. "rfc822" as given */
    buf_t orcpt_addr;     /* decoded, no control characters */
} smtp_rcpt_args_t;

/* Parse options. */
#define SMTP_PARSE_STRICT (1u << 0)     /* strict_rfc821_envelopes */
#define SMTP_PARSE_SMTPUTF8 (1u << 1)   /* RCPT: the MAIL had SMTPUTF8 */

void smtp_mail_args_init(smtp_mail_args_t *m);
void smtp_mail_args_dispose(smtp_mail_args_t *m);
void smtp_rcpt_args_init(smtp_rcpt_args_t *r);
void smtp_rcpt_args_dispose(smtp_rcpt_args_t *r);

int smtp_mail_parse(const char *args, size_t len, unsigned ext, unsigned opts,
                    smtp_mail_args_t *out, buf_t *reply);
int smtp_rcpt_parse(const char *args, size_t len, unsigned ext, unsigned opts,
                    smtp_rcpt_args_t *out, buf_t *reply);

/* NOTIFY value ("SUCCESS,DELAY") to a mask; 0 if malformed. */
unsigned smtp_notify_parse(const char *value, size_t len);

#endif
