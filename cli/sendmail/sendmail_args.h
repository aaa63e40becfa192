/* sendmail_args.h - the sendmail(1) command line as Postfix reads it.
 *
 * Modes: -bm (default: deliver a message), -bs (SMTP on standard input
 * and output), -bp (mailq), -bi / -I (newaliases), -q (flush the queue);
 * -bv, -bd and other -b modes are refused (not implemented). Options for delivery: -t, -i / -oi,
 * -f / -r sender, -F full name, -N dsn notify, -R ret, -V envid,
 * -C / -c configuration directory, -v; the other -o options and the
 * sendmail flags Postfix ignores (-B -G -h -L -m -n -O -U -X -x -e -p)
 * are accepted and ignored; "--" ends the options; the rest are
 * recipients.
 *
 * Errors: -1 with *err (a usage message); the caller exits EX_USAGE. */
#ifndef POSTERN_SENDMAIL_ARGS_H
#define POSTERN_SENDMAIL_ARGS_H

#include <stdbool.h>

enum sendmail_mode {
    SENDMAIL_DELIVER,
    SENDMAIL_MAILQ,
    SENDMAIL_NEWALIASES,
    SENDMAIL_FLUSH,
    SENDMAIL_SMTP,
};

struct sendmail_args {
    enum sendmail_mode mode;
    bool extract;              /* -t */
    bool ignore_dot;           /* -i, -oi */
    const char *sender;        /* -f / -r, NULL = login name */
    const char *full_name;     /* -F */
    int notify;                /* -N: QDSN_NOTIFY_* bits, 0 = unspecified */
    int ret;                   /* -R: QDSN_RET_*, 0 = unspecified */
    const char *envid;         /* -V */
    const char *config_dir;    /* -C / -c */
    int verbose;
    char **recipients;         /* into argv, NULL-terminated */
    int recipient_count;
};

int sendmail_parse_args(int argc, char **argv, struct sendmail_args *a, char **err);
/* "success,delay" -> bits; "never" alone. -1 on a bad word. */
int sendmail_parse_notify(const char *text);

#endif
