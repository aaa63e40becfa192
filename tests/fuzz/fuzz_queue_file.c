/* fuzz_queue_file.c - fuzz target for the queue file reader: the bytes are
 * put in a memfd and opened with qfile_open_fd(), which validates the whole
 * structure; a file that passes is then iterated record by record. Any
 * crash, leak or sanitizer report is a bug; rejection is the normal case. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "queue/qfile.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    qfile_t *qf = NULL;
    qrecord_t rec;
    char *err = NULL;
    int rc;

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
