/* utf8.h - strict UTF-8 well-formedness check (RFC 3629).
 * Rejects overlong forms, surrogates (U+D800..U+DFFF), code points above
 * U+10FFFF and truncated sequences. No allocation, never fails otherwise. */
#ifndef POSTERN_UTIL_UTF8_H
#define POSTERN_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the well-formed UTF-8 sequence starting at s (1..4), or 0 if
 * the bytes at s (at most len of them) are not one. */
size_t utf8_seq_len(const unsigned char *s, size_t len);
/* True if all len bytes are well-formed UTF-8 (ASCII included; NUL too). */
bool utf8_valid(const char *s, size_t len);

#endif
