/* msg.c - diagnostics to stderr, syslog and a log file (see msg.h). */
#include "util/msg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

int msg_verbose;

static char progname[64] = "postern";
static char syslog_name[64] = "postern";
static char tag[130] = "postern";
static char hostname[256];
static int sinks = MSG_SINK_STDERR;
static int log_fd = -1;
static int syslog_open;
static void (*cleanup_fn)(void);
static int in_fatal;

static void update_tag(void)
{
    snprintf(tag, sizeof(tag), "%s/%s", syslog_name, progname);
    if (syslog_open) {
        closelog();
        syslog_open = 0;
    }
}

void msg_init(const char *name, int new_sinks)
{
    const char *slash = strrchr(name, '/');

    snprintf(progname, sizeof(progname), "%s", slash ? slash + 1 : name);
    sinks = new_sinks;
    update_tag();
}

void msg_set_syslog_name(const char *name)
{
    if (name && *name) {
        snprintf(syslog_name, sizeof(syslog_name), "%s", name);
        update_tag();
    }
}

const char *msg_progname(void)
{
    return progname;
}

void msg_set_sinks(int new_sinks)
{
    sinks = new_sinks;
}

int msg_sinks(void)
{
    return sinks;
}

void msg_set_cleanup(void (*fn)(void))
{
    cleanup_fn = fn;
}

int msg_open_file(const char *path)
{
    int fd;

    if (log_fd >= 0 && log_fd > 2)
        close(log_fd);
    log_fd = -1;
    sinks &= ~MSG_SINK_FILE;
    if (path == NULL || *path == '\0')
        return 0;
    if (strcmp(path, "/dev/stdout") == 0)
        fd = dup(1);
    else if (strcmp(path, "/dev/stderr") == 0)
        fd = dup(2);
    else
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    log_fd = fd;
    sinks |= MSG_SINK_FILE;
    return 0;
}

void msg_format_file_line(char *out, size_t outlen, long when,
                          const char *host, const char *ltag, int pid,
                          const char *text)
{
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May",
        "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t) when;
    struct tm tm;

    localtime_r(&t, &tm);
    snprintf(out, outlen, "%s %2d %02d:%02d:%02d %s %s[%d]: %s",
             months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min,
             tm.tm_sec, host, ltag, pid, text);
}

static void emit(int priority, const char *level, const char *fmt, va_list ap)
{
    char text[4096];
    char line[4608];
    int saved_errno = errno;
    size_t n;

    /* %m is handled by restoring errno for vsnprintf's glibc extension. */
    errno = saved_errno;
    snprintf(text, sizeof(text), "%s", level);
    n = strlen(text);
    vsnprintf(text + n, sizeof(text) - n, fmt, ap);
    /* Never let control characters from remote input split a log line. */
    for (char *p = text; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';

    if (sinks & MSG_SINK_STDERR) {
        snprintf(line, sizeof(line), "%s: %s\n", progname, text);
        (void) !write(2, line, strlen(line));
    }
    if (sinks & MSG_SINK_SYSLOG) {
        if (!syslog_open) {
            openlog(tag, LOG_PID | LOG_NDELAY, LOG_MAIL);
            syslog_open = 1;
        }
        syslog(priority, "%s", text);
    }
    if ((sinks & MSG_SINK_FILE) && log_fd >= 0) {
        if (hostname[0] == '\0' && gethostname(hostname, sizeof(hostname) - 1) < 0)
            snprintf(hostname, sizeof(hostname), "localhost");
        msg_format_file_line(line, sizeof(line) - 1, (long) time(NULL),
                             hostname, tag, (int) getpid(), text);
        n = strlen(line);
        line[n++] = '\n';
        (void) !write(log_fd, line, n);
    }
    errno = saved_errno;
}

void msg_vinfo(const char *fmt, va_list ap)
{
    emit(LOG_INFO, "", fmt, ap);
}

void msg_vwarn(const char *fmt, va_list ap)
{
    emit(LOG_WARNING, "warning: ", fmt, ap);
}

void msg_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit(LOG_INFO, "", fmt, ap);
    va_end(ap);
}

void msg_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit(LOG_WARNING, "warning: ", fmt, ap);
    va_end(ap);
}

void msg_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit(LOG_ERR, "error: ", fmt, ap);
    va_end(ap);
}

static void run_cleanup(void)
{
    if (!in_fatal && cleanup_fn) {
        in_fatal = 1;
        cleanup_fn();
    }
}

void msg_fatal_status(int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit(LOG_CRIT, "fatal: ", fmt, ap);
    va_end(ap);
    run_cleanup();
    exit(status);
}

void msg_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit(LOG_CRIT, "fatal: ", fmt, ap);
    va_end(ap);
    run_cleanup();
    exit(1);
}

void msg_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit(LOG_CRIT, "panic: ", fmt, ap);
    va_end(ap);
    abort();
}
