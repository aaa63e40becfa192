/* qfile_impl.h - internals shared by qfile.c (I/O, iteration, updates) and
 * qfile_check.c (validation and envelope parsing). Not a public API. */
#ifndef POSTERN_QUEUE_QFILE_IMPL_H
#define POSTERN_QUEUE_QFILE_IMPL_H

#include "queue/qfile.h"

struct qfile {
    int fd;
    bool writable;
    char *name;
    long long size;            /* file size at open */
    unsigned char *win;        /* read window: file bytes [win_off, +win_len) */
    size_t win_len;
    size_t win_cap;
    long long win_off;
    long long pos;             /* next record offset */
    bool at_end;               /* END returned by qfile_next */
    qenvelope_t env;
};

/* Reads the record at qf->pos and advances. want_data=false skips the
 * payload (rec->data NULL). Returns 1, or QFILE_ERR_CORRUPT at a bad or
 * truncated record / end of file (*err says which), or QFILE_ERR_IO. */
int qfile_read_record(qfile_t *qf, qrecord_t *rec, bool want_data, char **err);
/* Reads the whole file and fills qf->env; QFILE_OK or an error. */
int qfile_check(qfile_t *qf, char **err);
void qfile_envelope_free(qenvelope_t *env);

#endif
