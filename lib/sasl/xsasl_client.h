/* xsasl_client.h - the SMTP client's SASL side (relayhost
 * authentication) on Cyrus libsasl2's client API: a session is created
 * with the user name and password to use (from smtp_sasl_password_maps),
 * the server's host name and smtp_sasl_security_options; it chooses a
 * mechanism among the server's (already filtered by
 * smtp_sasl_mechanism_filter) and answers the server's challenges.
 * Challenges and responses are raw bytes here; base64 is the SMTP
 * layer's business.
 *
 * Errors: -1 with an allocated message in *err (no mechanism acceptable,
 * libsasl2 failure). Security options: words noplaintext, noactive,
 * nodictionary, noanonymous, mutual_auth (separated by commas or blanks);
 * an unknown word is an error. */
#ifndef POSTERN_SASL_XSASL_CLIENT_H
#define POSTERN_SASL_XSASL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef struct xsasl_client xsasl_client_t;

/* Once per process (sasl_client_init). 0 or -1. */
int xsasl_client_init(char **err);

/* Parses smtp_sasl_security_options words into libsasl2's SASL_SEC_*
 * flags. 0 or -1. */
int xsasl_client_security_flags(const char *options, unsigned *flags, char **err);

xsasl_client_t *xsasl_client_new(const char *server_host, const char *user,
                                 const char *password, unsigned sec_flags, char **err);
void xsasl_client_free(xsasl_client_t *c);   /* NULL ok */

/* Chooses a mechanism among mechs ("PLAIN LOGIN"); *mech points into the
 * session (valid until it is freed); initial gets the initial response
 * and *has_initial says whether there is one (it may be empty). */
int xsasl_client_first(xsasl_client_t *c, const char *mechs, const char **mech,
                       buf_t *initial, bool *has_initial, char **err);
/* Answers one challenge. */
int xsasl_client_next(xsasl_client_t *c, const char *challenge, size_t len,
                      buf_t *response, char **err);

#endif
