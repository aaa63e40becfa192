/* sendmail_maildrop.h - the steps after a maildrop file is committed:
 * make it readable for pickup (which runs as mail_owner, while the file
 * belongs to the submitting user) and wake pickup. Both only warn on
 * failure: the file is safe, pickup's periodic scan finds it anyway. */
#ifndef POSTERN_SENDMAIL_MAILDROP_H
#define POSTERN_SENDMAIL_MAILDROP_H

#include "queue/queue.h"

void sendmail_make_readable(const queue_t *q, const char *id);
void sendmail_wake_pickup(const queue_t *q);

#endif
