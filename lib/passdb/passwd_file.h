/* passwd_file.h - a Dovecot-style passwd-file parsed into a table of
 * users:
 *
 *     user:{SCHEME}hash:uid:gid:gecos:home:shell:extra fields
 *
 * Fields after the password are optional; "#" starts a comment line;
 * blank lines are skipped; a trailing CR is dropped; the user may be
 * "user@domain" and is matched exactly (case-sensitive). A password
 * without "{SCHEME}" is a crypt(3) hash (Dovecot's CRYPT). An empty
 * password is a user who cannot log in.
 *
 * A line that cannot be used (no ':', empty user, unknown scheme, a hash
 * libxcrypt does not understand, NUL byte, a line longer than
 * PASSWD_FILE_LINE_MAX, a bad uid/gid, the same user twice) is skipped
 * and reported through the report callback as "FILE:LINE: reason"; it
 * never becomes a login. Nothing else can fail (allocation is fatal). */
#ifndef POSTERN_PASSDB_PASSWD_FILE_H
#define POSTERN_PASSDB_PASSWD_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "passdb/pw_scheme.h"

#define PASSWD_FILE_LINE_MAX 8192

struct passwd_entry {
    char *user;
    pw_scheme_t scheme;     /* PW_SCHEME_NONE: empty password, no login */
    char *hash;             /* without the "{SCHEME}" prefix */
    long uid, gid;          /* -1 when empty */
    char *home;             /* "" when absent */
    char *extra;            /* the rest of the line, "" when absent */
};

typedef struct passwd_table passwd_table_t;

typedef void (*passwd_report_fn)(const char *text, void *ctx);

passwd_table_t *passwd_file_parse(const char *text, size_t len,
                                  const char *filename,
                                  passwd_report_fn report, void *ctx);
void passwd_table_free(passwd_table_t *t);
const struct passwd_entry *passwd_table_find(const passwd_table_t *t,
                                             const char *user);
size_t passwd_table_count(const passwd_table_t *t);
/* Number of users whose password is kept as text ({PLAIN}): only they can
 * use CRAM-MD5 and SCRAM. */
size_t passwd_table_plain_count(const passwd_table_t *t);

#endif
