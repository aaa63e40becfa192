/* sendmail.c - the sendmail(1) compatibility command: submit a message
 * into maildrop/ (then pickup hands it to cleanup), or run mailq,
 * newaliases or a queue flush.
 *
 * The message is written with the queue writer into QUEUE/maildrop as
 * the invoking user: envelope sender (-f, else the login name, left
 * unqualified: cleanup appends @$myorigin for local submissions),
 * -F full name (A record full_name), -V envid, -R ret, recipients with
 * -N notify bits, the content, and -t recipients after the content.
 * Only after the commit (fsync, rename, directory fsync) does it exit 0;
 * it then wakes pickup through QUEUE/public/$pickup_service_name.
 * Writing needs write access to maildrop/ (mode 1730, group postdrop):
 * an installed sendmail is set-gid postdrop; a development instance run
 * by one user owns the queue and needs nothing.
 *
 * -bs runs an SMTP session on standard input and output instead
 * (sendmail_smtp.h).
 *
 * Exit codes (sysexits.h): EX_USAGE bad command line or no recipients,
 * EX_CONFIG bad main.cf, EX_TEMPFAIL queue write or read failure,
 * EX_UNAVAILABLE when a helper program cannot be run. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sysexits.h>
#include <unistd.h>

#include "cleanup/cleanup_rewrite.h"
#include "config/config.h"
#include "ipc/attr_names.h"
#include "queue/queue_config.h"
#include "queue/qwriter.h"
#include "sendmail_args.h"
#include "sendmail_input.h"
#include "sendmail_maildrop.h"
#include "sendmail_smtp.h"
#include "util/mem.h"
#include "util/msg.h"

/* Runs a sibling program (same directory as this one), else from PATH. */
static void run_helper(const char *argv0, char *const argv[])
{
    const char *slash = strrchr(argv0, '/');

    if (slash) {
        buf_t path = BUF_INIT;

        buf_append(&path, argv0, (size_t) (slash - argv0) + 1);
        buf_puts(&path, argv[0]);
        execv(buf_str(&path), argv);
        buf_dispose(&path);
    }
    execvp(argv[0], argv);
    msg_fatal_status(EX_UNAVAILABLE, "cannot run %s: %m", argv[0]);
}

static char *login_name(void)
{
    struct passwd *pw = getpwuid(getuid());

    if (pw == NULL)
        msg_fatal_status(EX_OSERR, "no login name for uid %ld", (long) getuid());
    return xstrdup(pw->pw_name);
}

/* "<a@b>" -> "a@b"; "<>" -> "". */
static char *strip_angles(const char *addr)
{
    size_t n = strlen(addr);

    if (n >= 2 && addr[0] == '<' && addr[n - 1] == '>')
        return xstrndup(addr + 1, n - 2);
    return xstrdup(addr);
}

static void put_envelope(qwriter_t *w, const struct sendmail_args *a, const char *sender)
{
    struct timeval now;
    int i;

    gettimeofday(&now, NULL);
    qwriter_put_time(w, QREC_TIME, &now);
    qwriter_put_sender(w, sender);
    if (a->envid)
        qwriter_put_envid(w, a->envid);
    if (a->ret)
        qwriter_put_ret(w, a->ret);
    if (a->full_name && *a->full_name)
        qwriter_put_attr(w, ATTR_FULL_NAME, a->full_name);
    for (i = 0; i < a->recipient_count; i++) {
        char *r = strip_angles(a->recipients[i]);

        if (*r)
            qwriter_put_rcpt(w, r, NULL, NULL, a->notify);
        xfree(r);
    }
}

static int deliver(const struct sendmail_args *a)
{
    cleanup_addrs_t extracted = {NULL, 0};
    queue_t *q;
    qwriter_t *w;
    char *err = NULL;
    char *sender = a->sender ? strip_angles(a->sender) : login_name();
    size_t i;
    int count = a->recipient_count;

    if (!a->extract && a->recipient_count == 0)
        msg_fatal_status(EX_USAGE, "Recipient addresses must be specified on the "
                         "command line or via the -t option");
    if ((q = queue_from_config(&err)) == NULL)
        msg_fatal_status(EX_CONFIG, "%s", err);
    if ((w = qwriter_create(q, QUEUE_MAILDROP, &err)) == NULL)
        msg_fatal_status(EX_TEMPFAIL, "cannot create a file in %s/%s: %s",
                         queue_root(q), QUEUE_MAILDROP, err);
    put_envelope(w, a, sender);
    if (sendmail_copy_input(0, w, a->ignore_dot, a->extract, &extracted, &err) < 0) {
        qwriter_abort(w);
        msg_fatal_status(EX_TEMPFAIL, "%s", err);
    }
    for (i = 0; i < extracted.count; i++) {
        qwriter_put_rcpt(w, extracted.items[i], NULL, NULL, a->notify);
        count++;
    }
    if (count == 0) {
        qwriter_abort(w);
        msg_fatal_status(EX_USAGE, "No recipient addresses found in message header");
    }
    if (qwriter_commit(w, &err) < 0) {
        qwriter_free(w);
        msg_fatal_status(EX_TEMPFAIL, "queue file write error: %s", err);
    }
    sendmail_make_readable(q, qwriter_id(w));
    if (a->verbose)
        msg_info("queued as %s", qwriter_id(w));
    qwriter_free(w);
    sendmail_wake_pickup(q);
    queue_free(q);
    cleanup_addrs_free(&extracted);
    xfree(sender);
    return 0;
}

/* -bs: log as Postfix's stand-alone smtpd does (the mail log, not the
 * terminal: standard output carries the SMTP replies). */
static int smtp_mode(void)
{
    const char *file = cfg_str("maillog_file");
    char *err = NULL;
    queue_t *q;
    int status;

    msg_init("smtpd", MSG_SINK_STDERR);
    msg_set_syslog_name(cfg_str("syslog_name"));
    if ((q = queue_from_config(&err)) == NULL)
        msg_fatal_status(EX_CONFIG, "%s", err);
    if (*file && msg_open_file(file) == 0)
        msg_set_sinks(MSG_SINK_FILE);
    else
        msg_set_sinks(MSG_SINK_SYSLOG);
    status = sendmail_smtp(q);
    queue_free(q);
    return status;
}

int main(int argc, char **argv)
{
    struct sendmail_args a;
    char *err = NULL;

    msg_init("sendmail", MSG_SINK_STDERR);
    if (sendmail_parse_args(argc, argv, &a, &err) < 0)
        msg_fatal_status(EX_USAGE, "%s", err);
    msg_verbose += a.verbose;
    if (a.config_dir && setenv("MAIL_CONFIG", a.config_dir, 1) < 0)
        msg_fatal_status(EX_OSERR, "setenv: %m");
    switch (a.mode) {
    case SENDMAIL_MAILQ:
        run_helper(argv[0], (char *[]) {"postqueue", "-p", NULL});
        break;
    case SENDMAIL_FLUSH:
        run_helper(argv[0], (char *[]) {"postqueue", "-f", NULL});
        break;
    case SENDMAIL_NEWALIASES:
        run_helper(argv[0], (char *[]) {"newaliases", NULL});
        break;
    case SENDMAIL_DELIVER:
    case SENDMAIL_SMTP:
        break;
    }
    if (config_load(a.config_dir, &err) < 0)
        msg_fatal_status(EX_CONFIG, "%s", err);
    if (a.mode == SENDMAIL_SMTP)
        return smtp_mode();
    return deliver(&a);
}
