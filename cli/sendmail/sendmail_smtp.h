/* sendmail_smtp.h - "sendmail -bs": an SMTP session on standard input and
 * output, as Postfix's sendmail runs smtpd in stand-alone mode.
 *
 * The lib/smtpd session engine runs over a socket relayed to stdin/stdout
 * (util/fd_relay.h) with a sink that writes each accepted message into
 * maildrop/ (the path plain sendmail uses): the envelope of MAIL/RCPT
 * (with DSN RET, ENVID, NOTIFY, ORCPT), a Received: header
 *     Received: from HELO (localhost [127.0.0.1])
 *     	by MYHOSTNAME (Postern) with ESMTP id MAILDROPID
 *     	for <rcpt>; DATE
 * then the content. "250 2.0.0 Ok: queued as ID" (the maildrop file's id)
 * comes only after the commit (fsync, rename); pickup is woken and logs
 * "QUEUEID: uid=UID from=<sender>" with the invoking user's uid, since the
 * file is written as that user. The client is "localhost[127.0.0.1]"; no
 * access restrictions apply (the user could write to maildrop directly),
 * and smtpd_forbid_unauth_pipelining is not enforced, so that scripts may
 * write a whole session at once. smtpd_banner, message_size_limit,
 * smtpd_recipient_limit, line_length_limit, smtpd_timeout and
 * smtpd_forbid_bare_newline apply as in smtpd. Log lines ("connect from",
 * "disconnect from ...") go to the mail log as program "smtpd".
 *
 * Returns the exit status: 0 after a session that ended normally (QUIT or
 * end of input), EX_TEMPFAIL when the relay could not be started, EX_IOERR
 * after a read/write failure or timeout. Queue write errors are SMTP
 * replies (451 4.3.0), not exit codes. */
#ifndef POSTERN_SENDMAIL_SMTP_H
#define POSTERN_SENDMAIL_SMTP_H

#include "queue/queue.h"

int sendmail_smtp(const queue_t *q);

#endif
