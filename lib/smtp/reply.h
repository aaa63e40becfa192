/* reply.h - SMTP reply building and parsing (RFC 5321 4.2, RFC 2034 /
 * RFC 3463 enhanced status codes).
 *
 * Building: smtp_reply_add() appends a complete reply, CRLF-terminated,
 * to a buffer. Text with '\n' becomes a multi-line reply ("250-..."
 * continuation lines, "250 ..." last), with the enhanced code repeated on
 * every line. Control characters in the text (which may echo client
 * input) are replaced by '?', and each line is cut to fit the 512-byte
 * reply line limit. A mismatch between the reply code and the enhanced
 * code class (e.g. 250 with 5.1.0) is a programming error (msg_panic).
 *
 * The table of standard replies uses Postfix's wording, so clients and
 * log tools see the same protocol strings.
 *
 * Parsing (for the SMTP client): smtp_reply_parse_line() splits one
 * received reply line into code, continuation flag, enhanced code and
 * text; it returns -1 for a line that is not a reply. */
#ifndef POSTERN_SMTP_REPLY_H
#define POSTERN_SMTP_REPLY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define SMTP_REPLY_LINE_MAX 512     /* including CRLF, RFC 5321 4.5.3.1.5 */

/* enh: "2.1.0" or NULL for none (greeting, EHLO lines, 354). */
void smtp_reply_add(buf_t *out, int code, const char *enh, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void smtp_reply_vadd(buf_t *out, int code, const char *enh, const char *fmt, va_list ap);
/* One reply from n separate lines (EHLO keyword list). */
void smtp_reply_lines(buf_t *out, int code, const char *enh,
                      const char *const *lines, size_t n);

/* True if enh is a well-formed enhanced status code ("5.1.10") whose class
 * matches the reply code's first digit (2, 4 or 5). */
bool smtp_enh_valid(int code, const char *enh, size_t len);

enum smtp_reply_id {
    SMTP_R_OK,                /* 250 2.0.0 Ok */
    SMTP_R_MAIL_OK,           /* 250 2.1.0 Ok */
    SMTP_R_RCPT_OK,           /* 250 2.1.5 Ok */
    SMTP_R_DATA_GO,           /* 354 End data with <CR><LF>.<CR><LF> */
    SMTP_R_BYE,               /* 221 2.0.0 Bye */
    SMTP_R_BAD_SYNTAX,        /* 500 5.5.2 Error: bad syntax */
    SMTP_R_BAD_UTF8,          /* 500 5.5.2 Error: bad UTF-8 syntax */
    SMTP_R_LINE_TOO_LONG,     /* 500 5.5.2 Error: line too long */
    SMTP_R_UNRECOGNIZED,      /* 502 5.5.2 Error: command not recognized */
    SMTP_R_NOT_IMPLEMENTED,   /* 502 5.5.1 Error: command not implemented */
    SMTP_R_VRFY_DISABLED,     /* 502 5.5.1 VRFY command is disabled */
    SMTP_R_NEED_HELO,         /* 503 5.5.1 Error: send HELO/EHLO first */
    SMTP_R_NEED_MAIL,         /* 503 5.5.1 Error: need MAIL command */
    SMTP_R_NEED_RCPT,         /* 503 5.5.1 Error: need RCPT command */
    SMTP_R_NESTED_MAIL,       /* 503 5.5.1 Error: nested MAIL command */
    SMTP_R_DATA_AFTER_BDAT,   /* 503 5.5.1 Error: DATA after BDAT */
    SMTP_R_MAIL_AFTER_BDAT,   /* 503 5.5.1 Error: MAIL after BDAT */
    SMTP_R_RCPT_AFTER_BDAT,   /* 503 5.5.1 Error: RCPT after BDAT */
    SMTP_R_NO_VALID_RCPT,     /* 554 5.5.1 Error: no valid recipients */
    SMTP_R_SYNTAX_MAIL,       /* 501 5.5.4 Syntax: MAIL FROM:<address> */
    SMTP_R_SYNTAX_RCPT,       /* 501 5.5.4 Syntax: RCPT TO:<address> */
    SMTP_R_SYNTAX_DATA,       /* 501 5.5.4 Syntax: DATA */
    SMTP_R_SYNTAX_RSET,       /* 501 5.5.4 Syntax: RSET */
    SMTP_R_SYNTAX_QUIT,       /* 501 5.5.4 Syntax: QUIT */
    SMTP_R_SYNTAX_VRFY,       /* 501 5.5.4 Syntax: VRFY address */
    SMTP_R_SYNTAX_HELO,       /* 501 5.5.4 Syntax: HELO hostname */
    SMTP_R_SYNTAX_EHLO,       /* 501 5.5.4 Syntax: EHLO hostname */
    SMTP_R_SYNTAX_BDAT,       /* 521 5.5.4 Syntax: BDAT count [LAST] (then close) */
    SMTP_R_NULL_BDAT,         /* 551 5.7.1 Null BDAT request */
    SMTP_R_BAD_SENDER,        /* 501 5.1.7 Bad sender address syntax */
    SMTP_R_BAD_RCPT,          /* 501 5.1.3 Bad recipient address syntax */
    SMTP_R_NEED_SMTPUTF8,     /* 553 5.6.7 Must declare SMTPUTF8 to send unicode address */
    SMTP_R_DSN_DISABLED,      /* 501 5.7.1 DSN support is disabled */
    SMTP_R_SIZE_FIXED,        /* 552 5.3.4 Message size exceeds fixed limit */
    SMTP_R_SIZE_FS,           /* 552 5.3.4 Message size exceeds file system imposed limit */
    SMTP_R_CHUNK_SIZE,        /* 552 5.3.4 Chunk exceeds message size limit */
    SMTP_R_TOO_MANY_RCPT,     /* 452 4.5.3 Error: too many recipients */
    SMTP_R_BARE_LF,           /* 550 5.5.2 Error: bare <LF> received */
    SMTP_R_PIPELINING,        /* 554 5.5.0 Error: SMTP protocol synchronization */
    SMTP_R_QUEUE_ERROR,       /* 451 4.3.0 Error: queue file write error */
    SMTP_R_TIMEOUT,           /* 421 4.4.2 HOST Error: timeout exceeded */
    SMTP_R_TOO_MANY_ERRORS,   /* 421 4.7.0 HOST Error: too many errors */
    SMTP_R_COUNT
};

/* Appends the standard reply (CRLF-terminated). Replies whose text starts
 * with the server name (421 ones) use myhostname; NULL is refused there
 * (msg_panic). */
void smtp_reply_std(buf_t *out, enum smtp_reply_id id, const char *myhostname);
int smtp_reply_std_code(enum smtp_reply_id id);

typedef struct smtp_reply_line {
    int code;             /* 200..599 */
    bool more;            /* "250-" continuation */
    const char *enh;      /* enhanced code inside the line, NULL if none */
    size_t enh_len;
    const char *text;     /* text after the code (and enhanced code) */
    size_t text_len;
} smtp_reply_line_t;

/* line: one reply line without CRLF. Returns 0, or -1 if malformed. The
 * enhanced code is recognised only if its class matches the reply code. */
int smtp_reply_parse_line(const char *line, size_t len, smtp_reply_line_t *out);

#endif
