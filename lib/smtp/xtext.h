/* xtext.h - RFC 3461 section 4 "xtext" encoding, used by the ENVID,
 * ORCPT and AUTH= parameters: printable ASCII except '+' and '=' stands
 * for itself, anything else is "+XX" with two hex digits.
 * Decoding accepts upper- and lower-case hex (senders differ); encoding
 * writes upper case. Decode fails (-1) on a bad "+XX", a bare '=', or a
 * byte outside 33..126; the output may then hold a partial result. */
#ifndef POSTERN_SMTP_XTEXT_H
#define POSTERN_SMTP_XTEXT_H

#include <stddef.h>

#include "util/buf.h"

int xtext_decode(const char *in, size_t len, buf_t *out);   /* replaces out */
void xtext_encode(const char *in, size_t len, buf_t *out);  /* appends */

#endif
