/* qfile.h - read an existing queue file: open and validate the whole
 * structure, read its envelope, iterate its records, mark recipients done
 * in place, update the delay-warning time.
 *
 * qfile_open() reads the file once from start to end and refuses it unless
 * every record is well formed and in its section, END is present and is the
 * last byte, the SIZE record says complete and its message size, content
 * offset and recipient count match what the file holds. The caller then
 * knows the file cannot be misread.
 *
 * Errors: QFILE_ERR_NOTFOUND (no such id in that queue), QFILE_ERR_CORRUPT
 * (structure wrong or truncated: the caller moves the file to corrupt/),
 * QFILE_ERR_IO (read/write failure: try again later); *err says why. */
#ifndef POSTERN_QUEUE_QFILE_H
#define POSTERN_QUEUE_QFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

#include "queue/queue.h"
#include "queue/qrec.h"

enum {
    QFILE_OK = 0,
    QFILE_ERR_IO = -1,
    QFILE_ERR_CORRUPT = -2,
    QFILE_ERR_NOTFOUND = -3,
};

#define QFILE_READ 0
#define QFILE_WRITE 1          /* open read-write (mark done, set warn) */

typedef struct qrcpt {
    char *address;
    char *orig;                /* O record, NULL when absent */
    char *dsn_orcpt;           /* o record, NULL when absent */
    int notify;                /* QDSN_NOTIFY_* bits, 0 = not specified */
    bool done;
    bool extracted;            /* listed after the content */
    long long status_offset;   /* file offset of the status byte */
} qrcpt_t;

typedef struct qattr {
    char *name;
    char *value;
} qattr_t;

typedef struct qenvelope {
    qsize_t size;
    struct timeval arrival;
    bool has_create_time;
    struct timeval create_time;
    char *sender;
    char *envid;               /* NULL when absent */
    int ret;                   /* QDSN_RET_* */
    long long warn_time;       /* 0 = none */
    long long warn_offset;     /* offset of the W payload, 0 when absent */
    qattr_t *attrs;
    size_t attr_count;
    qrcpt_t *rcpts;
    size_t rcpt_count;
    long long file_size;
} qenvelope_t;

typedef struct qrecord {
    int type;
    long long offset;          /* of the type byte */
    long long data_offset;     /* of the payload */
    size_t len;
    const char *data;          /* payload, valid until the next call */
} qrecord_t;

typedef struct qfile qfile_t;

/* Opens QUEUE/ID (found with queue_find) and validates it. */
int qfile_open(const queue_t *q, const char *queue_name, const char *id,
               int flags, qfile_t **out, char **err);
/* Validates an already open file; takes ownership of fd (closed by
 * qfile_close, or on failure). name is used in messages. */
int qfile_open_fd(int fd, const char *name, qfile_t **out, char **err);
void qfile_close(qfile_t *qf);

const qenvelope_t *qfile_envelope(const qfile_t *qf);
int qfile_fd(const qfile_t *qf);
/* Value of an A record, NULL when absent (the first one wins). */
const char *qfile_attr(const qfile_t *qf, const char *name);

/* Iteration: qfile_seek() to 0 (whole file) or to envelope.size.content_
 * offset (content), then qfile_next() until it returns 0 after END.
 * Returns 1 with *rec set, 0 after END, or a QFILE_ERR_* value. */
void qfile_seek(qfile_t *qf, long long offset);
int qfile_next(qfile_t *qf, qrecord_t *rec, char **err);

/* Recipient index i as in envelope.rcpts. qfile_set_done() overwrites the
 * status byte (pwrite); qfile_sync() makes it durable (fdatasync);
 * qfile_mark_done() does both. Marking a done recipient again is harmless.
 * Needs QFILE_WRITE. */
int qfile_set_done(qfile_t *qf, size_t i, char **err);
int qfile_sync(qfile_t *qf, char **err);
int qfile_mark_done(qfile_t *qf, size_t i, char **err);
/* Overwrites the W record (pwrite + fdatasync); the file must have one. */
int qfile_set_warn(qfile_t *qf, long long when, char **err);

#endif
