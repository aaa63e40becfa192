/* tls_params.h - parsers for the TLS parameter values of main.cf, in
 * Postfix's syntax, without OpenSSL: protocol lists and cipher grades.
 *
 * Protocol lists (smtpd_tls_protocols, smtp_tls_mandatory_protocols ...):
 * words separated by white space, commas or colons. A word is a protocol
 * name (SSLv2 SSLv3 TLSv1 TLSv1.1 TLSv1.2 TLSv1.3, any case), or a name
 * after "!" (excluded), ">=" (lower bound) or "<=" (upper bound). When
 * plain names are given only they are enabled, otherwise all are; then
 * exclusions and bounds remove protocols. An empty list enables all.
 * Errors (-1, *err set): an unknown name, an empty word after an operator,
 * or a list that leaves no protocol this library can speak (TLSv1 or
 * later).
 *
 * Cipher grades (smtpd_tls_ciphers ...): "high", "medium", "null" (any
 * case); "low" and "export" are obsolete and mean "medium", as in newer
 * Postfix. Anything else is an error. */
#ifndef POSTERN_TLS_PARAMS_H
#define POSTERN_TLS_PARAMS_H

#define TLS_PROTO_SSLv2   (1u << 0)
#define TLS_PROTO_SSLv3   (1u << 1)
#define TLS_PROTO_TLSv1   (1u << 2)
#define TLS_PROTO_TLSv1_1 (1u << 3)
#define TLS_PROTO_TLSv1_2 (1u << 4)
#define TLS_PROTO_TLSv1_3 (1u << 5)
#define TLS_PROTO_ALL     0x3fu
/* What OpenSSL 3 can still negotiate. */
#define TLS_PROTO_USABLE  (TLS_PROTO_TLSv1 | TLS_PROTO_TLSv1_1 | TLS_PROTO_TLSv1_2 \
                           | TLS_PROTO_TLSv1_3)

/* Sets *mask to the enabled TLS_PROTO_* bits. */
int tls_protocols_parse(const char *text, unsigned *mask, char **err);
/* "TLSv1.2" for TLS_PROTO_TLSv1_2 (one bit), NULL for anything else. */
const char *tls_protocol_name(unsigned bit);

enum tls_cipher_grade {
    TLS_GRADE_HIGH,
    TLS_GRADE_MEDIUM,
    TLS_GRADE_NULL,
};

int tls_cipher_grade_parse(const char *text, enum tls_cipher_grade *grade, char **err);

/* Security levels of the SMTP client and server (smtp_tls_security_level,
 * smtpd_tls_security_level): none may encrypt verify secure (any case;
 * the server uses only the first three). An empty text is an error. */
enum tls_level {
    TLS_LEV_NONE,
    TLS_LEV_MAY,
    TLS_LEV_ENCRYPT,
    TLS_LEV_VERIFY,
    TLS_LEV_SECURE,
};

int tls_level_parse(const char *text, enum tls_level *level, char **err);
const char *tls_level_name(enum tls_level level);

#endif
