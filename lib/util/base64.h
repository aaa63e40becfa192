/* base64.h - RFC 4648 base64 (standard alphabet, '=' padding), as SASL
 * exchanges in SMTP, POP3, IMAP and the Dovecot auth protocol use it.
 *
 * base64_encode appends the encoding of len bytes to out.
 * base64_decode is strict: it appends the decoded bytes to out and
 * returns 0, or returns -1 (out left as it was) for any byte outside the
 * alphabet (white space included), a length that is not a multiple of
 * four, padding anywhere but at the end, or non-zero bits in the last
 * character before the padding. Empty input decodes to nothing. */
#ifndef POSTERN_UTIL_BASE64_H
#define POSTERN_UTIL_BASE64_H

#include <stddef.h>

#include "util/buf.h"

void base64_encode(buf_t *out, const void *data, size_t len);
int base64_decode(buf_t *out, const char *text, size_t len);
/* Bytes that decoding len characters can produce at most. */
size_t base64_decoded_max(size_t len);

#endif
