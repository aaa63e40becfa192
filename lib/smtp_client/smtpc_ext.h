/* smtpc_ext.h - the service extensions a server announces in its EHLO
 * reply (RFC 5321 4.1.1.1): PIPELINING (RFC 2920), SIZE [limit] (RFC
 * 1870), 8BITMIME (RFC 6152), DSN (RFC 3461), STARTTLS (RFC 3207), AUTH
 * mechanisms (RFC 4954, also the old "AUTH=" form), ENHANCEDSTATUSCODES,
 * SMTPUTF8. Keywords are matched without regard to case; unknown ones are
 * ignored; a SIZE argument that is not a decimal number counts as "no
 * limit announced". Cannot fail. */
#ifndef POSTERN_SMTP_CLIENT_EXT_H
#define POSTERN_SMTP_CLIENT_EXT_H

#include <stdint.h>

#include "smtp/mailcmd.h"   /* SMTP_EXT_* bits */
#include "util/buf.h"

#define SMTP_EXT_STARTTLS (1u << 16)

typedef struct smtpc_ext {
    unsigned flags;        /* SMTP_EXT_* */
    uint64_t size_limit;   /* 0: none announced */
    buf_t auth_mechs;      /* "PLAIN LOGIN", upper case, space separated */
} smtpc_ext_t;

void smtpc_ext_init(smtpc_ext_t *e);
void smtpc_ext_dispose(smtpc_ext_t *e);
/* lines: the EHLO reply texts, one per '\n'-terminated line; the first
 * line (the server's name) is skipped. Replaces what e held. */
void smtpc_ext_parse(smtpc_ext_t *e, const char *lines);

#endif
