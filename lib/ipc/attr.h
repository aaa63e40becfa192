/* attr.h - the attribute protocol between Postern services: named
 * attributes in length-prefixed frames, over a long-lived stream that
 * carries many request/response pairs (smtpd->cleanup, qmgr->local,
 * clients->auth, anvil ...). Full description: docs/IPC.md.
 *
 * Wire format (all integers 32-bit unsigned, big-endian):
 *
 *     frame = body_length body              body_length = bytes of body
 *     body  = count attr{count}
 *     attr  = name_length name value_length value
 *
 * Names are 1..ATTR_NAME_MAX bytes of [a-z0-9_] and unique in a frame;
 * values are any bytes (NUL included). Numbers travel as decimal text
 * ("-12"). A frame is decoded only if it is exactly consumed: every
 * length fits in what remains, the count matches, nothing is left over.
 * The reader checks body_length against its limit before reading the
 * body, so a hostile length never makes it allocate more than the limit.
 *
 * Conversation: right after accepting, the server sends an announcement
 * frame holding one attribute, "protocol" = its protocol name (e.g.
 * "cleanup"); the client checks it (attr_connect does). Then the client
 * sends a request frame and the server answers with one response frame,
 * as many times as they like. By convention a response carries "status"
 * (0 = success) and, on failure, "reason" (text for the log).
 *
 * Attribute names used by services are all defined in attr_names.h.
 * Builders panic on programming errors (bad or duplicate name); decoders
 * and getters report bad input to the caller (-1, char **err). */
#ifndef POSTERN_IPC_ATTR_H
#define POSTERN_IPC_ATTR_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/stream.h"

#define ATTR_NAME_MAX 64

typedef struct attr_limits {
    size_t max_message;  /* body bytes in one frame */
    size_t max_value;    /* bytes of one value */
    size_t max_count;    /* attributes in one frame */
} attr_limits_t;

#define ATTR_DEFAULT_MAX_MESSAGE (4u * 1024 * 1024)
#define ATTR_DEFAULT_MAX_VALUE   ATTR_DEFAULT_MAX_MESSAGE
#define ATTR_DEFAULT_MAX_COUNT   4096  /* room for per-recipient names */
extern const attr_limits_t attr_default_limits;

/* --- attribute lists ------------------------------------------------------ */

typedef struct attr_list attr_list_t;

attr_list_t *attr_list_new(void);
void attr_list_free(attr_list_t *l);         /* NULL ok */
void attr_list_reset(attr_list_t *l);        /* remove all attributes */
size_t attr_count(const attr_list_t *l);
/* The i-th attribute in frame order (i < attr_count). */
const char *attr_name_at(const attr_list_t *l, size_t i);
bool attr_valid_name(const char *name);

/* Add one attribute. A name that is invalid or already present panics. */
void attr_put_str(attr_list_t *l, const char *name, const char *value);
void attr_put_int(attr_list_t *l, const char *name, int value);
void attr_put_long(attr_list_t *l, const char *name, long value);
void attr_put_data(attr_list_t *l, const char *name, const void *data, size_t len);

/* Strict typed getters: 0, or -1 when the attribute is missing or its
 * value does not have the type (a string holding NUL; a number with
 * junk, blanks, "+", or out of range). Pointers stay valid until the list
 * is reset, freed or received into. */
bool attr_has(const attr_list_t *l, const char *name);
int attr_get_str(const attr_list_t *l, const char *name, const char **out);
int attr_get_int(const attr_list_t *l, const char *name, int *out);
int attr_get_long(const attr_list_t *l, const char *name, long *out);
int attr_get_data(const attr_list_t *l, const char *name,
                  const void **data, size_t *len);

/* Fails (-1, "unexpected attribute NAME") if l holds a name that is not
 * in allowed (a NULL-terminated array). */
int attr_check_only(const attr_list_t *l, const char *const *allowed, char **err);

/* Reads several attributes at once. Each spec names an attribute, its
 * type and where to store it; missing required ones, type errors and
 * (with ATTR_SCAN_STRICT) attributes not named in specs are errors. */
typedef enum attr_type {
    ATTR_TYPE_STR, ATTR_TYPE_INT, ATTR_TYPE_LONG, ATTR_TYPE_DATA
} attr_type_t;
typedef struct attr_data {
    const void *data;
    size_t len;
} attr_data_t;
typedef struct attr_spec {
    const char *name;
    attr_type_t type;
    void *out;           /* const char **, int *, long *, attr_data_t * */
    bool optional;       /* when missing, *out is left as it was */
} attr_spec_t;
#define ATTR_SCAN_STRICT 1
int attr_scan(const attr_list_t *l, const attr_spec_t *specs, size_t nspecs,
              int flags, char **err);

/* --- encoding --------------------------------------------------------------- */

/* Appends the frame for l to out. */
void attr_encode(const attr_list_t *l, buf_t *out);
/* Decodes one complete frame (frame[0..len) must be exactly one frame)
 * into l (reset first). limits NULL: the defaults. 0 or -1. */
int attr_decode(const void *frame, size_t len, const attr_limits_t *limits,
                attr_list_t *l, char **err);
/* Decodes a frame body (after the length word). */
int attr_decode_body(const void *body, size_t len, const attr_limits_t *limits,
                     attr_list_t *l, char **err);

/* --- conversation over a stream -------------------------------------------- */

/* Queues the frame on s (no flush). 0, or -1 if the stream is in error. */
int attr_write(stream_t *s, const attr_list_t *l);
/* Writes and flushes (write timeout of s). 0 or -1. */
int attr_send(stream_t *s, const attr_list_t *l, char **err);
/* Reads one frame into l (reset first). The read timeout of s is one
 * deadline for the whole frame. Returns 1, 0 when input ends cleanly
 * before a frame, or -1 (timeout, I/O error, input ending inside a
 * frame, a frame over the limits or malformed). After -1 the stream is
 * out of step: close it. */
int attr_recv(stream_t *s, attr_list_t *l, const attr_limits_t *limits, char **err);

/* Server: announce the protocol name right after accepting. */
int attr_announce(stream_t *s, const char *protocol, char **err);
/* Client: read the announcement and check the name. 0 or -1. */
int attr_expect_announce(stream_t *s, const char *protocol, char **err);
/* Client: connect to the UNIX socket path, set both stream timeouts to
 * timeout_ms, and check the announcement. NULL on failure. */
stream_t *attr_connect(const char *path, const char *protocol, int timeout_ms,
                       char **err);
/* Client: send req and read one response into resp (end of input is an
 * error here). 0 or -1. */
int attr_request(stream_t *s, const attr_list_t *req, attr_list_t *resp,
                 const attr_limits_t *limits, char **err);

#endif
