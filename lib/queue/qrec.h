/* qrec.h - the queue file record format (full description: docs/QUEUE.md).
 *
 * A queue file is a sequence of records, each
 *     TYPE (1 byte) | LENGTH (unsigned LEB128 varint, 1..3 bytes, minimal
 *     encoding, at most QREC_MAX_LEN) | PAYLOAD (LENGTH bytes)
 * in four sections, in this order:
 *     C                      SIZE, first record, fixed 38-byte payload
 *     envelope   T c S i r W A O o R   (T and S exactly once, W at most once)
 *     M                      content begins (empty payload)
 *     content    N L         text lines / partial-line chunks (any bytes)
 *     X                      content ends (empty payload)
 *     extracted  A O o R     recipients added after the content
 *     E                      END: last record, last byte of the file
 * A type byte with bit 0x80 set marks an optional record: a reader that
 * does not know it skips it; an unknown type without that bit is an error.
 *
 * Only two things are ever changed in place after commit, each a fixed-size
 * field overwritten with pwrite: the status byte of an R record (T -> D)
 * and the 12-digit payload of the W record. */
#ifndef POSTERN_QUEUE_QREC_H
#define POSTERN_QUEUE_QREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#define QREC_MAX_LEN (1 << 20)        /* payload bytes of one record */
#define QREC_MAX_HEADER 4              /* type byte + up to 3 length bytes */
#define QREC_OPTIONAL 0x80

enum qrec_type {
    QREC_SIZE = 'C',        /* "V SSSSSSSSSSSS OOOOOOOOOOOO RRRRRRRR F" */
    QREC_TIME = 'T',        /* arrival time "SECONDS.UUUUUU" */
    QREC_CREATE_TIME = 'c', /* time the client made the message, same form */
    QREC_SENDER = 'S',      /* envelope sender, may be empty (null sender) */
    QREC_ENVID = 'i',       /* DSN ENVID (xtext decoded) */
    QREC_RET = 'r',         /* DSN RET: "FULL" or "HDRS" */
    QREC_WARN = 'W',        /* delay warning time, 12 digits, 0 = none */
    QREC_ATTR = 'A',        /* "name=value", name [A-Za-z0-9_]+ */
    QREC_ORIG_RCPT = 'O',   /* original recipient of the next R */
    QREC_DSN_ORCPT = 'o',   /* DSN ORCPT "addr-type;address" of the next R */
    QREC_RCPT = 'R',        /* STATUS NOTIFY ADDRESS (see below) */
    QREC_CONTENT = 'M',     /* content begins */
    QREC_LINE = 'N',        /* one content line without its line end */
    QREC_PARTIAL = 'L',     /* part of a line, continued by the next L/N */
    QREC_XTRACT = 'X',      /* content ends, extracted section begins */
    QREC_END = 'E',         /* end of file */
};

/* SIZE payload: version '1', message size, content offset (offset of the
 * M record), recipient count (R records), completion flag '0'/'1'. */
#define QREC_SIZE_LEN 38
#define QREC_VERSION '1'
#define QREC_WARN_LEN 12

/* RCPT payload: byte 0 status, byte 1 NOTIFY as one hex digit, then the
 * address. The status byte is what qfile_mark_done() overwrites. */
#define QREC_RCPT_TODO 'T'
#define QREC_RCPT_DONE 'D'
#define QDSN_NOTIFY_SUCCESS 1
#define QDSN_NOTIFY_FAILURE 2
#define QDSN_NOTIFY_DELAY 4
#define QDSN_NOTIFY_NEVER 8   /* alone; 0 = not specified */
#define QDSN_RET_NONE 0
#define QDSN_RET_FULL 1
#define QDSN_RET_HDRS 2

/* Attribute names used by cleanup (A records). */
#define QATTR_CLIENT_NAME "client_name"
#define QATTR_CLIENT_ADDR "client_address"
#define QATTR_HELO_NAME "helo_name"
#define QATTR_PROTOCOL "protocol_name"
#define QATTR_SASL_USER "sasl_username"
#define QATTR_LOG_IDENT "log_ident"
#define QATTR_REWRITE_CONTEXT "rewrite_context"

typedef struct qsize {
    long long message_size;
    long long content_offset;
    long rcpt_count;
    bool complete;
} qsize_t;

/* Encodes a record header; returns its length (2..4). len <= QREC_MAX_LEN. */
size_t qrec_put_header(unsigned char out[QREC_MAX_HEADER], int type, size_t len);
/* Decodes a length varint from avail bytes at p. Returns the bytes used
 * (1..3), 0 when more bytes are needed, -1 when invalid (non-minimal,
 * too long, above QREC_MAX_LEN). */
int qrec_get_length(const unsigned char *p, size_t avail, size_t *len);
/* True for the known types (with the optional bit cleared by the caller). */
bool qrec_type_known(int type);

void qrec_format_size(char out[QREC_SIZE_LEN + 1], const qsize_t *size);
bool qrec_parse_size(const char *p, size_t len, qsize_t *size);
/* "SECONDS.UUUUUU" <-> struct timeval; the parser is strict. */
void qrec_format_time(char out[32], const struct timeval *tv);
bool qrec_parse_time(const char *p, size_t len, struct timeval *tv);
void qrec_format_warn(char out[QREC_WARN_LEN + 1], long long when);
bool qrec_parse_warn(const char *p, size_t len, long long *when);
/* NOTIFY digit validation: NEVER is exclusive. */
bool qrec_notify_valid(int notify);

#endif
