/* dict_file.h - reading table source files (postmap, postalias, texthash)
 * and building indexed files atomically.
 *
 * Source files are read as logical lines: a line that starts with white
 * space continues the previous one (the newline is dropped, the white space
 * kept), empty and white-space-only lines and lines whose first non-blank
 * byte is '#' are skipped (also between continuation lines), a CR before
 * the LF is dropped, and a missing final newline is fine. A logical line
 * with a NUL byte or longer than the reader's limit is reported and skipped.
 *
 * Builds write the new indexed file next to the old one under a temporary
 * name, fsync it, rename it over the old one and fsync the directory, so a
 * reader sees the old table or the new one, never a part of one. */
#ifndef POSTERN_DICT_DICT_FILE_H
#define POSTERN_DICT_DICT_FILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "dict/dict_impl.h"
#include "util/buf.h"

#define DICT_FILE_LINE_MAX_DEFAULT (1024 * 1024)

typedef struct dict_file_reader {
    FILE *fp;
    char *path;          /* for messages: "FILE, line N: ..." */
    size_t max_len;      /* longest logical line accepted */
    int lineno;          /* physical lines read so far */
    buf_t pending;       /* look-ahead physical line */
    bool have_pending;
    bool pending_nul;    /* the look-ahead line has a NUL byte */
    bool pending_long;   /* the look-ahead line was cut at max_len */
    int pending_lineno;
    bool io_error;
} dict_file_reader_t;

/* Results of dict_file_next(). */
enum {
    DICT_FILE_IOERR = -2,  /* read error: *err set, stop */
    DICT_FILE_BAD = -1,    /* bad logical line skipped: *err set, go on */
    DICT_FILE_EOF = 0,
    DICT_FILE_LINE = 1,    /* *line holds one logical line */
};

/* The reader does not own fp. path is used for messages only. */
void dict_file_reader_init(dict_file_reader_t *r, FILE *fp, const char *path,
                           size_t max_len);
void dict_file_reader_done(dict_file_reader_t *r);
/* Next logical line into *line; *first_line gets its first line number.
 * Messages in *err (caller frees) start with "FILE, line N: ". */
int dict_file_next(dict_file_reader_t *r, buf_t *line, int *first_line,
                   char **err);

/* postmap(1) entry syntax, in place: "key whitespace value". The key ends
 * at the first white space outside double quotes (quotes are kept, as
 * Postfix does); the value is the rest with surrounding white space
 * removed. Returns 0, or -1 with a reason in *why (static text). */
int dict_file_parse_entry(char *line, char **key, char **value,
                          const char **why);

/* Atomic build of an indexed table "type:name". */
typedef struct dict_build dict_build_t;

/* Suffix of the indexed file for a buildable type (".db" for hash and
 * btree, ".gdbm" for gdbm), or NULL when postmap cannot create that type. */
const char *dict_file_suffix(const char *type);
/* Opens a new empty table under a temporary name in the same directory.
 * mode: permissions of the result. size_hint: expected entry count (0 when
 * unknown), used to size hash tables. */
dict_build_t *dict_build_begin(const char *type, const char *name,
                               int dict_flags, mode_t mode, long size_hint,
                               char **err);
dict_t *dict_build_dict(dict_build_t *b);
/* Closes, fsyncs and renames into place. Frees b in every case. */
int dict_build_commit(dict_build_t *b, char **err);
/* Closes and removes the temporary file; the old table is untouched. */
void dict_build_abort(dict_build_t *b);

/* Path of the indexed file behind "type:name" (name + suffix), or NULL
 * for a type without one. Caller frees. */
char *dict_file_index_path(const char *type, const char *name);

/* Helpers for the indexed types (dict_db.c, dict_gdbm.c). */
/* fcntl() lock on the whole file: F_RDLCK, F_WRLCK or F_UNLCK; waits.
 * Returns 0, or -1 with errno set. */
int dict_file_lock(int fd, short type);
/* Per-access locking of an indexed file: takes a lock of `type` on fd
 * around one access when the table was opened with DICT_FLAG_LOCK and
 * does not already hold a lock for its whole life (in-place writers).
 * Returns 0, or -1 with *err naming path. */
int dict_file_access_lock(const dict_t *d, int fd, bool held, const char *path,
                          short type, char **err);
void dict_file_access_unlock(const dict_t *d, int fd, bool held);
/* True when path no longer names the file described by *st (replaced,
 * removed or modified since). */
bool dict_file_changed(const char *path, const struct stat *st);
/* Trailing-NUL policy from the dict flags, as Postfix: writes include the
 * NUL unless DICT_FLAG_NO_NUL_KEY; lookups try with the NUL unless
 * DICT_FLAG_NO_NUL_KEY and without it unless DICT_FLAG_NUL_KEY. */
#define DICT_TRY_NUL 1
#define DICT_TRY_NO_NUL 2
int dict_file_nul_tries(int dict_flags);
bool dict_file_write_nul(int dict_flags);

/* Open functions of the file-based types, for dict_registry.c. */
int dict_hash_open(dict_t *d, int open_flags, char **err);
int dict_btree_open(dict_t *d, int open_flags, char **err);
int dict_gdbm_open(dict_t *d, int open_flags, char **err);
int dict_texthash_open(dict_t *d, int open_flags, char **err);

/* Private to lib/dict: expected entry count for the next table that
 * dict_db.c creates (sizes the hash), 0 for none. */
void dict_db_set_create_hint(long nelem);

#endif
