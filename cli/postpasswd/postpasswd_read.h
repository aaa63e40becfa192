/* postpasswd_read.h - reads the password for postpasswd: from the
 * terminal without echo, twice (the two must match), or one line from
 * standard input when it is not a terminal (the newline, and a CR before
 * it, are not part of the password).
 *
 * Failure: -1 with an allocated message in *err (no terminal state,
 * end of input, mismatch, NUL byte, longer than PASSWORD_MAX). */
#ifndef POSTERN_POSTPASSWD_READ_H
#define POSTERN_POSTPASSWD_READ_H

#define PASSWORD_MAX 4096

int password_read(char **out, char **err);

#endif
