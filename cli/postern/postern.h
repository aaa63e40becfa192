/* postern.h - shared by the files of the postern(1) control command. */
#ifndef POSTERN_CLI_POSTERN_H
#define POSTERN_CLI_POSTERN_H

/* Prints "postern/postern-script: TEXT" on stderr and logs TEXT. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* "postern check": returns 0 when the instance could start, 1 otherwise.
 * quiet: only problems are printed. */
int postern_check(const char *daemon_dir);
/* Warns about a world-readable auth_passwd_file (postern_check_auth.c). */
void postern_check_passwd_file(void);

/* "postern route ADDRESS...": see postern_route.c. Returns the exit
 * status (0 all routable, 1 a failure, 2 usage). */
int postern_route(int argc, char **argv);

#endif
