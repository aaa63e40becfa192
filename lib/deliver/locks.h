/* locks.h - a mailbox lock list ("fcntl, dotlock") from main.cf
 * (mailbox_delivery_lock, virtual_mailbox_lock) as MBOX_LOCK_* bits.
 * An unknown word is an error: -1 with *err naming param. */
#ifndef POSTERN_DELIVER_LOCKS_H
#define POSTERN_DELIVER_LOCKS_H

int dlv_parse_locks(const char *param, const char *value, int *locks,
                    char **err);

#endif
