/* smtpd_harness.c - test program: serves SMTP sessions with the smtpd
 * engine on 127.0.0.1 (a free port, written to PORTFILE) and stores each
 * queued message as OUTDIR/N ("from=<..>", "to=<..>" lines, an empty line,
 * the content). For integration tests with real clients (smtplib, swaks).
 * Usage: smtpd_harness PORTFILE OUTDIR SESSIONS [bare_lf_policy]
 * Exits after SESSIONS sessions or 60 seconds. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smtp/reply.h"
#include "smtpd_session.h"
#include "util/buf.h"
#include "util/msg.h"

struct file_sink {
    const char *dir;
    buf_t envelope;
    buf_t content;
    int count;
};

static int sink_mail(void *ctx, const smtp_mail_args_t *mail, buf_t *reply)
{
    struct file_sink *k = ctx;

    (void) reply;
    buf_reset(&k->envelope);
    buf_reset(&k->content);
    buf_printf(&k->envelope, "from=<%s>\n", mail->sender.addr.data);
    return 0;
}

static int sink_rcpt(void *ctx, const smtp_rcpt_args_t *rcpt, buf_t *reply)
{
    struct file_sink *k = ctx;

    (void) reply;
    buf_printf(&k->envelope, "to=<%s>\n", rcpt->rcpt.addr.data);
    return 0;
}

static int sink_line(void *ctx, const char *text, size_t len, unsigned flags)
{
    struct file_sink *k = ctx;

    buf_append(&k->content, text, len);
    if (!(flags & SMTP_DATA_PARTIAL))
        buf_putc(&k->content, '\n');
    return 0;
}

static int sink_end(void *ctx, buf_t *queue_id, buf_t *reply)
{
    struct file_sink *k = ctx;
    char path[4096];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%d", k->dir, ++k->count);
    if ((fp = fopen(path, "w")) == NULL
        || fwrite(k->envelope.data, 1, k->envelope.len, fp) != k->envelope.len
        || fputc('\n', fp) == EOF
        || fwrite(k->content.data, 1, k->content.len, fp) != k->content.len
        || fclose(fp) != 0) {
        smtp_reply_add(reply, 451, "4.3.0", "Error: queue file write error");
        return -1;
    }
    buf_printf(queue_id, "TEST%d", k->count);
    return 0;
}

static int listen_local(const char *portfile)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    FILE *fp;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *) &sin, sizeof(sin)) < 0 || listen(fd, 5) < 0
        || getsockname(fd, (struct sockaddr *) &sin, &len) < 0)
        msg_fatal("listen: %m");
    if ((fp = fopen(portfile, "w")) == NULL || fprintf(fp, "%d\n", ntohs(sin.sin_port)) < 0
        || fclose(fp) != 0)
        msg_fatal("write %s: %m", portfile);
    return fd;
}

int main(int argc, char **argv)
{
    struct file_sink k = {NULL, BUF_INIT, BUF_INIT, 0};
    smtpd_sink_t sink = {&k, sink_mail, sink_rcpt, sink_line, sink_end, NULL, NULL, NULL, NULL,
                         NULL};
    smtpd_config_t cfg;
    int lfd, sessions;

    msg_init("smtpd_harness", MSG_SINK_STDERR);
    if (argc < 4)
        msg_fatal("usage: smtpd_harness PORTFILE OUTDIR SESSIONS [bare_lf_policy]");
    alarm(60);
    k.dir = argv[2];
    buf_init(&k.envelope);
    buf_init(&k.content);
    sessions = atoi(argv[3]);
    smtpd_config_defaults(&cfg);
    cfg.myhostname = "harness.example";
    cfg.banner = "harness.example ESMTP Postern";
    cfg.client_name = "localhost";
    cfg.client_addr = "127.0.0.1";
    if (argc > 4 && smtp_bare_lf_parse(argv[4], &cfg.bare_lf) < 0)
        msg_fatal("bad bare_lf policy %s", argv[4]);
    lfd = listen_local(argv[1]);
    for (int i = 0; i < sessions; i++) {
        int fd = accept(lfd, NULL, NULL);
        smtpd_session_t *s;
        stream_t *st;

        if (fd < 0)
            msg_fatal("accept: %m");
        s = smtpd_session_new(&cfg, &sink);
        st = stream_open_fd(fd, STREAM_CLOSE_FD);
        (void) smtpd_session_run(s, st);
        stream_close(st);
        smtpd_session_free(s);
    }
    close(lfd);
    buf_dispose(&k.envelope);
    buf_dispose(&k.content);
    return 0;
}
