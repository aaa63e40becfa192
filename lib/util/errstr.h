/* errstr.h - the "char **err" convention of library functions: a function
 * that fails stores an allocated message in *err (when err is not NULL)
 * and the caller frees it with xfree(). errstr_set overwrites *err
 * without reading it (so *err need not be initialized). */
#ifndef POSTERN_UTIL_ERRSTR_H
#define POSTERN_UTIL_ERRSTR_H

void errstr_set(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Like errstr_set, with ": strerror(errnum)" appended when errnum is not
 * 0; leaves errno = errnum and returns -1, so a failing function can end
 * with "return errstr_errno(err, errno, "open %s", path);". */
int errstr_errno(char **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
