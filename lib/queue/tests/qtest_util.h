/* qtest_util.h - helpers for the lib/queue unit tests: a temporary queue
 * directory with its layout, recursive removal, whole-file reads, and a
 * sample message written with the writer API. Header-only (static). */
#ifndef POSTERN_QUEUE_TESTS_QTEST_UTIL_H
#define POSTERN_QUEUE_TESTS_QTEST_UTIL_H

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "queue/qfile.h"
#include "queue/queue.h"
#include "queue/qwriter.h"
#include "util/buf.h"
#include "util/mem.h"

static inline int qt_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st; (void) flag; (void) ftw;
    return remove(path);
}

static inline void qt_rm_rf(const char *dir)
{
    if (nftw(dir, qt_rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
        perror(dir);
}

/* Makes a temporary queue_directory with the full layout. */
static inline queue_t *qt_queue(char *dir_out, size_t dir_size, const char *hash_names, int depth)
{
    char *err = NULL;
    queue_t *q;

    snprintf(dir_out, dir_size, "/tmp/postern-qtest.XXXXXX");
    if (mkdtemp(dir_out) == NULL)
        abort();
    q = queue_new(dir_out, hash_names, depth, &err);
    if (q == NULL || queue_layout_repair(q, getuid(), getgid(), getgid(), NULL, &err) < 0) {
        fprintf(stderr, "qt_queue: %s\n", err);
        abort();
    }
    return q;
}

static inline int qt_read_file(const char *path, buf_t *out)
{
    FILE *fp = fopen(path, "rb");
    char chunk[4096];
    size_t n;

    buf_reset(out);
    if (fp == NULL)
        return -1;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        buf_append(out, chunk, n);
    fclose(fp);
    return 0;
}

/* A file descriptor (memfd) holding exactly these bytes. */
static inline int qt_memfd(const void *data, size_t len)
{
    int fd = memfd_create("qtest", MFD_CLOEXEC);

    if (fd < 0 || (len > 0 && write(fd, data, len) != (ssize_t) len))
        abort();
    return fd;
}

/* Validates bytes as a queue file; returns the qfile_open_fd() result. */
static inline int qt_check_bytes(const void *data, size_t len, char **err)
{
    qfile_t *qf = NULL;
    int rc = qfile_open_fd(qt_memfd(data, len), "memfd", &qf, err);

    qfile_close(qf);
    return rc;
}

/* Writes a sample message; content lines given NUL-separated count lines. */
static inline qwriter_t *qt_sample(const queue_t *q, const char *queue_name, int nrcpt)
{
    char *err = NULL;
    qwriter_t *w = qwriter_create(q, queue_name, &err);
    struct timeval tv = {1700000000, 123456};
    char addr[64];

    if (w == NULL) {
        fprintf(stderr, "qt_sample: %s\n", err);
        abort();
    }
    qwriter_put_time(w, QREC_TIME, &tv);
    qwriter_put_time(w, QREC_CREATE_TIME, &tv);
    qwriter_put_sender(w, "sender@example.org");
    qwriter_put_envid(w, "ENV-1");
    qwriter_put_ret(w, QDSN_RET_HDRS);
    qwriter_put_warn(w, 0);
    qwriter_put_attr(w, QATTR_CLIENT_NAME, "client.example.org");
    qwriter_put_attr(w, QATTR_CLIENT_ADDR, "192.0.2.1");
    for (int i = 0; i < nrcpt; i++) {
        snprintf(addr, sizeof(addr), "rcpt%d@example.com", i);
        qwriter_put_rcpt(w, addr, i == 0 ? "orig@example.com" : NULL,
                         i == 0 ? "rfc822;orig@example.com" : NULL,
                         i == 0 ? QDSN_NOTIFY_SUCCESS | QDSN_NOTIFY_FAILURE : 0);
    }
    qwriter_begin_content(w);
    qwriter_put_line(w, "Subject: test", 13);
    qwriter_put_line(w, "", 0);
    qwriter_put_line(w, "body with \0 NUL", 15);
    qwriter_put_partial(w, "no final newline", 16);
    qwriter_end_content(w);
    qwriter_put_rcpt(w, "extracted@example.net", NULL, NULL, QDSN_NOTIFY_NEVER);
    return w;
}

#endif
