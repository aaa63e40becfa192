/* cmd.h - splitting an SMTP command line into verb and arguments, and
 * the BDAT argument syntax (RFC 3030).
 *
 * The line is given without its CRLF. The verb is the leading run of
 * letters, digits and '-' (at most SMTP_VERB_MAX bytes), upper-cased; the
 * arguments start after the blanks that follow it and have trailing
 * blanks removed. Leading blanks before the verb are skipped.
 * smtp_cmd_split() returns SMTP_CMD_OK, SMTP_CMD_EMPTY (blank line: reply
 * 500 5.5.2 Error: bad syntax), SMTP_CMD_BAD_BYTES (NUL or other control
 * byte in the line: same reply) or SMTP_CMD_BAD_VERB (no usable verb:
 * reply 502 5.5.2 Error: command not recognized). */
#ifndef POSTERN_SMTP_CMD_H
#define POSTERN_SMTP_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define SMTP_VERB_MAX 31

#define SMTP_CMD_OK 0
#define SMTP_CMD_EMPTY (-1)
#define SMTP_CMD_BAD_BYTES (-2)
#define SMTP_CMD_BAD_VERB (-3)

typedef struct smtp_cmd {
    char verb[SMTP_VERB_MAX + 1];   /* upper case, NUL-terminated */
    const char *args;               /* points into the line; not terminated */
    size_t args_len;
} smtp_cmd_t;

int smtp_cmd_split(const char *line, size_t len, smtp_cmd_t *cmd);

/* Case-insensitive test of the verb. */
bool smtp_cmd_is(const smtp_cmd_t *cmd, const char *verb);

/* "BDAT n [LAST]" arguments. Returns 0, or -1 with a standard reply in
 * *reply (521 5.5.4 Syntax: BDAT count [LAST] - the caller must then
 * close the session, as the chunk length is unknown). A count above
 * INT64_MAX is a syntax error too. */
int smtp_bdat_parse(const char *args, size_t len, uint64_t *count, bool *last, buf_t *reply);

#endif
