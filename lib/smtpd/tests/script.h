/* script.h - scripted SMTP session tester: "send this, expect that".
 *
 * A script is an array of steps:
 *   "C: text"    the client sends text + CRLF
 *   "R: bytes"   the client sends bytes as they are (no CRLF added)
 *   "S: line"    the server must send exactly this reply line next
 *   "S* prefix"  the next reply line must start with prefix
 * Consecutive client steps are delivered together (one read), which is
 * how pipelining is tested; the server sees end of input after the last
 * step. The tester checks expected lines whenever the server waits for
 * input, and at the end checks that no reply is left over.
 * Returns 0, or -1 with a description in *why (free with xfree). */
#ifndef POSTERN_SMTPD_TESTS_SCRIPT_H
#define POSTERN_SMTPD_TESTS_SCRIPT_H

#include <stddef.h>

#include "smtpd_session.h"

/* The bytes of an "R:" step may hold NUL: give its length with steps_len
 * (NULL: strlen of each step). */
int smtp_script_run(smtpd_session_t *s, const char *const *steps, const size_t *steps_len,
                    size_t n, enum smtpd_end *end, char **why);

#endif
