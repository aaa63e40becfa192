/* sendmail_input.h - copy the message from sendmail's standard input
 * into a maildrop queue file.
 *
 * Lines end at LF; a CR before LF is dropped (Postfix's
 * sendmail_fix_line_endings=always); NUL bytes are kept; a last line
 * without LF is kept. Unless ignore_dot, a line consisting of "." ends
 * the message. Lines longer than 64 KiB are written in pieces. With
 * extract (-t), To:, Cc: and Bcc: headers of the header section give
 * recipients (added to out without duplicates) and Bcc: headers are not
 * written.
 *
 * Errors: a read error returns -1 with *err; write errors are kept by the
 * queue writer and reported by its commit. */
#ifndef POSTERN_SENDMAIL_INPUT_H
#define POSTERN_SENDMAIL_INPUT_H

#include <stdbool.h>

#include "cleanup/cleanup_rewrite.h"
#include "queue/qwriter.h"

int sendmail_copy_input(int fd, qwriter_t *w, bool ignore_dot, bool extract,
                        cleanup_addrs_t *out, char **err);

#endif
