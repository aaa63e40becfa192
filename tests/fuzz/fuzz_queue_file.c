/* fuzz_queue_file.c - fuzz target for the readers of files in the queue
 * directory: the bytes are put in a memfd and opened with qfile_open_fd(),
 * which validates the whole queue file structure; a file that passes is
 * then iterated record by record. The same bytes also go through
 * qlog_parse() (per-message delivery logs). Any crash, leak or sanitizer
 * report is a bug; rejection is the normal case. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "queue/qfile.h"
#include "queue/qlog.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    qfile_t *qf = NULL;
    qrecord_t rec;
    char *err = NULL;
    int rc;
    qlog_list_t log;

    qlog_parse((const char *) data, size, &log);
    for (size_t i = 0; i < log.count; i++)
        if (log.items[i].recipient == NULL)
            abort();
    qlog_list_free(&log);
    if (fd < 0)
        abort();
    if (size > 0 && write(fd, data, size) != (ssize_t) size)
        abort();
    rc = qfile_open_fd(fd, "fuzz", &qf, &err);
    xfree(err);
    err = NULL;
    if (rc != QFILE_OK)
        return 0;
    qfile_seek(qf, 0);
    while ((rc = qfile_next(qf, &rec, &err)) == 1)
        if (rec.len > 0 && rec.data == NULL)
            abort();
    if (rc != 0)                /* validated files must iterate cleanly */
        abort();
    xfree(err);
    qfile_close(qf);
    return 0;
}
