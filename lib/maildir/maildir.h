/* maildir.h - Maildir delivery and the Maildir++ layout helpers that local
 * delivery, pop3d and imapd share.
 *
 * Layout (cr.yp.to/proto/maildir.html, Dovecot's Maildir++):
 *   DIR/tmp/  DIR/new/  DIR/cur/       the INBOX
 *   DIR/.Name/{tmp,new,cur}            folder "Name"; ".a.b" is "a" then "b"
 * A message file is named BASE[,S=size][,W=vsize][:2,FLAGS] where BASE is
 * "<sec>.M<usec>P<pid>Q<count>.<host>" ('/' and ':' in host written as
 * \057 and \072). Delivery writes tmp/BASE, fsyncs it, links it to
 * new/BASE,S=<bytes>,W=<bytes with CRLF line ends> (Dovecot's size hints,
 * which pop3d uses for LIST), fsyncs new/ and removes the tmp name.
 * Dovecot's own files (dovecot-uidlist, dovecot.index*, maildirfolder,
 * subscriptions) are never touched. Maildir++ quota (maildirsize) is not
 * implemented.
 *
 * Errors: functions return 0 (or a count), or -1 with an allocated message
 * in *err and errno left at the cause (errno 0 when a content producer's
 * own source failed). Callers decide temporary versus permanent. */
#ifndef POSTERN_MAILDIR_MAILDIR_H
#define POSTERN_MAILDIR_MAILDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/sink.h"

/* ---- names (maildir_name.c) ---- */

/* Appends the unique base name for one new message: time now, this pid, a
 * per-process counter, and host escaped as above (gethostname() if NULL). */
void maildir_unique_name(buf_t *out, const char *host);
/* Escapes '/' as \057 and ':' as \072 (appends to out). */
void maildir_escape_host(buf_t *out, const char *host);

typedef struct maildir_name {
    buf_t base;     /* up to the first ',' or ':' */
    long long size; /* from ,S=; -1 when absent */
    long long vsize;/* from ,W=; -1 when absent */
    bool has_info;  /* ":2," present */
    buf_t flags;    /* the letters after ":2," (as found) */
} maildir_name_t;

void maildir_name_init(maildir_name_t *n);
void maildir_name_dispose(maildir_name_t *n);
/* Parses a file name (no directory part). False when it cannot be a
 * message name: empty, starts with '.', holds '/' or NUL, longer than 255
 * bytes, or has a malformed ,S=/,W= field or an info part other than
 * "2,<flags>" (experimental "1," info is rejected). */
bool maildir_name_parse(const char *name, size_t len, maildir_name_t *out);
/* Writes name with its flags changed: the result has ":2," followed by the
 * union of the old flags and add, minus remove, in ASCII order without
 * duplicates. Only printable ASCII letters/digits count as flags. */
void maildir_name_with_flags(buf_t *out, const char *name, const char *add,
                             const char *remove);

/* ---- delivery (maildir_deliver.c) ---- */

typedef struct maildir_opts {
    off_t size_limit;     /* per message; 0: none; over -> EFBIG */
    const char *host;     /* for the unique name; NULL: gethostname() */
    /* Optional observer of each step ("create", "fsync-file", "link",
     * "fsync-dir", "unlink-tmp"), for verbose logging and tests. */
    void (*trace)(void *ctx, const char *step, const char *path);
    void *trace_ctx;
} maildir_opts_t;

/* Creates dir (with missing parents) and dir/{tmp,new,cur}, mode 0700,
 * where missing. */
int maildir_create(const char *dir, char **err);
/* Delivers one message produced by produce(out, ctx, err). On success
 * *new_path (if not NULL) receives the full path of the file in new/.
 * On failure nothing is left in new/; a crash may leave a tmp/ file (which
 * readers ignore; tmp/ files older than 36 hours may be removed). */
int maildir_deliver(const char *dir, const maildir_opts_t *opts,
                    sink_producer_fn produce, void *ctx, buf_t *new_path,
                    char **err);

/* ---- reading (maildir_list.c) ---- */

typedef struct maildir_entry {
    char *subdir;   /* "new" or "cur" */
    char *name;     /* file name */
} maildir_entry_t;

typedef struct maildir_list {
    maildir_entry_t *items;
    size_t count;
} maildir_list_t;

/* Lists the message files in dir/new and dir/cur (names that parse as
 * above; dot files and others skipped), new/ first, each sorted by name. */
int maildir_list(const char *dir, maildir_list_t *out, char **err);
void maildir_list_free(maildir_list_t *list);
/* Renames dir/subdir/name to dir/cur/<name with flags changed> (a message
 * seen in new/ moves to cur/). *new_name (if not NULL) gets the new name. */
int maildir_set_flags(const char *dir, const char *subdir, const char *name,
                      const char *add, const char *remove, buf_t *new_name,
                      char **err);

/* ---- Maildir++ folders (maildir_folder.c) ---- */

/* Maps a folder name whose levels are separated by sep ('/' or '.') to its
 * directory: "INBOX" (any case) -> root, "Sent" -> root/.Sent,
 * "a<sep>b" -> root/.a.b. Rejects empty levels, levels starting with '.',
 * '/' or '.' inside a level, control bytes, and names over 255 bytes. */
int maildir_folder_to_dir(const char *root, const char *folder, char sep,
                          buf_t *out, char **err);
/* The reverse for one directory entry name: ".a.b" -> "a<sep>b". False for
 * ".", "..", names not starting with '.', and empty levels. */
bool maildir_dir_to_folder(const char *entry, char sep, buf_t *out);
/* Lists the folder names (levels joined by sep) under root whose directory
 * has a cur/ subdirectory, sorted. Returns the count, or -1. */
int maildir_folders(const char *root, char sep, char ***names, char **err);
void maildir_folders_free(char **names, int count);

#endif
