/* passdb.h - the password database of the auth service: one passwd-file
 * (passwd_file.h), read again whenever it changed on disk (inode, size or
 * modification time differ; checked with stat() before each lookup), so
 * an edited file takes effect on the next login without a reload.
 *
 * Bad lines are logged (msg_warn, "FILE:LINE: reason") each time the
 * file is read. A file that cannot be read keeps the previous contents
 * (or none) and is logged once per failure.
 *
 * Failure: passdb_open() returns NULL with an allocated message in *err
 * when the file cannot be read at start. */
#ifndef POSTERN_PASSDB_PASSDB_H
#define POSTERN_PASSDB_PASSDB_H

#include <stddef.h>

#include "passdb/passwd_file.h"

typedef struct passdb passdb_t;

passdb_t *passdb_open(const char *path, char **err);
void passdb_close(passdb_t *db);

/* Rereads the file when it changed. */
void passdb_refresh(passdb_t *db);
/* The entry for user after a refresh, or NULL; valid until the next
 * passdb call. */
const struct passwd_entry *passdb_lookup(passdb_t *db, const char *user);
/* 1: user known and password matches; 0: unknown user, no password, or
 * mismatch; -1: the stored hash is unusable (logged). */
int passdb_verify(passdb_t *db, const char *user, const char *password,
                  size_t password_len);
/* Users with a {PLAIN} password in the current contents. */
size_t passdb_plain_count(passdb_t *db);
const char *passdb_path(const passdb_t *db);

#endif
