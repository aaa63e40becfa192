/* auth_proto.h - the reading side of the Dovecot authentication client
 * protocol (version 1) as the auth service sees it: taking LF-terminated
 * lines out of an input buffer, parsing one client line into a command,
 * and Dovecot's tab-escaping of parameter values (\001 followed by 0, 1,
 * t, r, n or l stands for NUL, \001, TAB, CR, LF, LF).
 *
 * Client lines: "VERSION\tMAJOR\tMINOR", "CPID\tPID",
 * "AUTH\tID\tMECH\tservice=NAME[\tparameters...]" (resp=BASE64 is the
 * last parameter; everything after it is ignored; unknown parameters are
 * ignored) and "CONT\tID\tBASE64". Numbers are plain decimal; an id is a
 * 32-bit unsigned number.
 *
 * Failure: auth_cmd_parse() returns -1 with an allocated message in *err
 * for a NUL byte, an empty line, a missing or malformed field; an unknown
 * command name is AUTH_CMD_UNKNOWN (the caller decides). auth_line_take()
 * returns -1 when the buffered input holds more than max bytes without a
 * line end. */
#ifndef POSTERN_AUTH_AUTH_PROTO_H
#define POSTERN_AUTH_AUTH_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define AUTH_LINE_MAX 16384
#define AUTH_PROTO_MAJOR 1
#define AUTH_PROTO_MINOR 2

typedef enum {
    AUTH_CMD_UNKNOWN = 0,
    AUTH_CMD_VERSION,
    AUTH_CMD_CPID,
    AUTH_CMD_AUTH,
    AUTH_CMD_CONT,
} auth_cmd_type_t;

struct auth_cmd {
    auth_cmd_type_t type;
    char *name;                 /* the command word as sent */
    unsigned long major, minor; /* VERSION */
    unsigned long pid;          /* CPID */
    unsigned long id;           /* AUTH, CONT */
    char *mech;                 /* AUTH */
    char *service;              /* AUTH service= */
    char *rip, *lip;            /* AUTH, NULL when absent */
    bool secured, nologin, no_penalty;
    bool has_resp;              /* AUTH resp= given (possibly empty) */
    char *data;                 /* AUTH resp= / CONT base64 text */
};

/* Moves the first complete line of in (without its LF, and without a CR
 * just before it) into line. 1: a line; 0: need more input; -1: more
 * than max bytes without LF. */
int auth_line_take(buf_t *in, buf_t *line, size_t max);

int auth_cmd_parse(const char *line, size_t len, struct auth_cmd *out,
                   char **err);
void auth_cmd_free(struct auth_cmd *cmd);

void auth_tab_escape(buf_t *out, const char *s, size_t len);
/* Appends the unescaped value; \001 at the very end is an error (-1). */
int auth_tab_unescape(buf_t *out, const char *s, size_t len);

#endif
