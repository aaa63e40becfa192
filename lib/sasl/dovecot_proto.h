/* dovecot_proto.h - the line format of the Dovecot authentication
 * client protocol (what an auth client such as smtpd, pop3d or imapd
 * reads from and writes to Dovecot's auth-client socket, or Postern's own
 * auth service): no I/O here, only parsing and formatting, so that every
 * piece can be unit-tested and fuzzed.
 *
 * A line is TAB-separated fields; inside a field, byte 0x01 escapes: 0x01
 * then '0' NUL, '1' 0x01, 't' TAB, 'r' CR, 'n' (or 'l') LF; 0x01 then any
 * other byte stands for that byte. A raw NUL, CR or LF inside a line is a
 * protocol error.
 *
 * Server handshake lines: VERSION major minor (major must be 1), MECH
 * name [flags...], SPID pid, CUID id, COOKIE hex, DONE; other lines are
 * ignored (newer servers add some). Answers to an AUTH request: OK id
 * [user=..] [...], CONT id base64, FAIL id [reason=..] [temp] [user=..].
 *
 * Failures: functions return -1 with an allocated message in *err. */
#ifndef POSTERN_SASL_DOVECOT_PROTO_H
#define POSTERN_SASL_DOVECOT_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define DOVECOT_LINE_MAX 16384     /* longest line we accept */
#define DOVECOT_FIELDS_MAX 64      /* more fields: protocol error */
#define DOVECOT_MECHS_MAX 64       /* more MECH lines: protocol error */

/* One split line: fields unescaped (may contain NUL; buf data is always
 * NUL-terminated). */
typedef struct dovecot_fields {
    buf_t field[DOVECOT_FIELDS_MAX];
    size_t count;
} dovecot_fields_t;

void dovecot_fields_init(dovecot_fields_t *f);
void dovecot_fields_dispose(dovecot_fields_t *f);
/* line: without its LF. Splits and unescapes into f (reset first). */
int dovecot_fields_split(dovecot_fields_t *f, const char *line, size_t len, char **err);

/* Appends the escaped form of data to out. */
void dovecot_escape(buf_t *out, const char *data, size_t len);

/* MECH flags. */
#define DOVECOT_MECH_ANONYMOUS      (1u << 0)
#define DOVECOT_MECH_PLAINTEXT      (1u << 1)
#define DOVECOT_MECH_DICTIONARY     (1u << 2)
#define DOVECOT_MECH_ACTIVE         (1u << 3)
#define DOVECOT_MECH_FORWARD_SECRECY (1u << 4)
#define DOVECOT_MECH_MUTUAL_AUTH    (1u << 5)
#define DOVECOT_MECH_PRIVATE        (1u << 6)

typedef struct dovecot_mech {
    char *name;                    /* upper case as the server sent it */
    unsigned flags;
} dovecot_mech_t;

typedef struct dovecot_handshake {
    bool version_seen;
    bool done;
    unsigned minor;
    dovecot_mech_t mech[DOVECOT_MECHS_MAX];
    size_t mech_count;
    buf_t spid, cuid, cookie;
} dovecot_handshake_t;

void dovecot_handshake_init(dovecot_handshake_t *h);
void dovecot_handshake_dispose(dovecot_handshake_t *h);
/* Feeds one server line. Returns 1 after DONE (VERSION must have come
 * first), 0 when more lines are expected, -1 for a protocol error. */
int dovecot_handshake_line(dovecot_handshake_t *h, const dovecot_fields_t *f, char **err);

typedef enum dovecot_answer_kind {
    DOVECOT_ANSWER_OK,
    DOVECOT_ANSWER_CONT,
    DOVECOT_ANSWER_FAIL,
} dovecot_answer_kind_t;

typedef struct dovecot_answer {
    dovecot_answer_kind_t kind;
    buf_t data;                    /* CONT: the decoded challenge */
    buf_t user;                    /* user= of OK or FAIL ("" if none) */
    buf_t reason;                  /* reason= of FAIL ("" if none) */
    bool temp;                     /* FAIL ... temp: try again later */
} dovecot_answer_t;

void dovecot_answer_init(dovecot_answer_t *a);
void dovecot_answer_dispose(dovecot_answer_t *a);
/* The request id of an answer line: 0, or -1 when it has none. */
int dovecot_answer_id(const dovecot_fields_t *f, unsigned *id);
/* Parses the answer to request id (reset first). An answer for another
 * id, an unknown command, a missing field, bad base64: -1. */
int dovecot_answer_parse(dovecot_answer_t *a, const dovecot_fields_t *f, unsigned id, char **err);

#endif
