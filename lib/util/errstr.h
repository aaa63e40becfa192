/* errstr.h - the "char **err" convention of library functions: a function
 * that fails stores an allocated message in *err (when err is not NULL)
 * and the caller frees it with xfree(). errstr_set overwrites *err
 * without reading it (so *err need not be initialized). */
#ifndef POSTERN_UTIL_ERRSTR_H
#define POSTERN_UTIL_ERRSTR_H

void errstr_set(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
