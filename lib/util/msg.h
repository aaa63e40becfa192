/* msg.h - diagnostics and logging in Postfix's line shape.
 *
 *   msg_info()   informational (mail log lines such as "QUEUEID: from=<>")
 *   msg_warn()   "warning: " recoverable problem
 *   msg_error()  "error: " a problem; the program goes on but will fail
 *   msg_fatal()  "fatal: " broken environment (bad config, missing file);
 *                runs the cleanup hook and exits with status 1
 *   msg_panic()  "panic: " broken internal invariant; aborts
 *
 * Sinks: standard error ("prog: text"), syslog (LOG_MAIL, tag
 * "postern/prog"), and a plain file in syslog's shape
 * ("Mon DD HH:MM:SS host postern/prog[pid]: text"), like Postfix's
 * maillog_file. The file is opened once (before privileges are dropped)
 * and written with O_APPEND, one write() per line. */
#ifndef POSTERN_UTIL_MSG_H
#define POSTERN_UTIL_MSG_H

#include <stdarg.h>
#include <stddef.h>

extern int msg_verbose;

#define MSG_SINK_STDERR 1
#define MSG_SINK_SYSLOG 2
#define MSG_SINK_FILE 4

/* progname: the program's short name ("smtpd"); syslog_name: the part in
 * front of the slash ("postern"), NULL keeps the current one. */
void msg_init(const char *progname, int sinks);
void msg_set_syslog_name(const char *syslog_name);
const char *msg_progname(void);
/* Opens path for appending; returns 0, or -1 with errno set. "" or NULL
 * closes the file sink. "/dev/stdout" and "/dev/stderr" work too. */
int msg_open_file(const char *path);
void msg_set_sinks(int sinks);
int msg_sinks(void);
/* Called once by msg_fatal() before exit, e.g. to remove a temp file. */
void msg_set_cleanup(void (*fn)(void));

void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void msg_fatal_status(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
void msg_panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void msg_vinfo(const char *fmt, va_list ap);
void msg_vwarn(const char *fmt, va_list ap);

/* Formats one line as it would be written to the log file (no newline);
 * exposed for tests. when: seconds since the epoch. */
void msg_format_file_line(char *out, size_t outlen, long when,
                          const char *host, const char *tag, int pid,
                          const char *text);

#endif
