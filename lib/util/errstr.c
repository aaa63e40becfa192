/* errstr.c - store a formatted error message for the caller (errstr.h). */
#include "util/errstr.h"
#include "util/buf.h"
#include "util/mem.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

void errstr_set(char **err, const char *fmt, ...)
{
    buf_t b = BUF_INIT;
    va_list ap;

    if (err == NULL)
        return;
    va_start(ap, fmt);
    buf_init(&b);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    *err = buf_detach(&b);
}

int errstr_errno(char **err, int errnum, const char *fmt, ...)
{
    buf_t b = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (errnum)
        buf_printf(&b, ": %s", strerror(errnum));
    if (err)
        *err = buf_detach(&b);
    buf_dispose(&b);
    errno = errnum;
    return -1;
}
