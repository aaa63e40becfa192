/* dict_file.c - logical-line reader for table source files and the
 * postmap(1) "key whitespace value" entry parser (see dict_file.h).
 * Never logs: problems come back as messages naming "FILE, line N". */
#include "dict/dict_file.h"
#include "dict/dict_impl.h"
#include "util/mem.h"

#include <errno.h>
#include <string.h>

void dict_file_reader_init(dict_file_reader_t *r, FILE *fp, const char *path,
                           size_t max_len)
{
    memset(r, 0, sizeof(*r));
    r->fp = fp;
    r->path = xstrdup(path);
    r->max_len = max_len ? max_len : DICT_FILE_LINE_MAX_DEFAULT;
    buf_init(&r->pending);
}

void dict_file_reader_done(dict_file_reader_t *r)
{
    xfree(r->path);
    r->path = NULL;
    buf_dispose(&r->pending);
}

static bool is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v'
        || c == '\f';
}

/* Reads one physical line into r->pending without its LF (and a CR before
 * the LF). Returns false at end of file or on a read error. */
static bool read_physical(dict_file_reader_t *r)
{
    FILE *fp = r->fp;
    int c;
    bool got = false;

    buf_reset(&r->pending);
    r->pending_nul = r->pending_long = false;
    while ((c = getc_unlocked(fp)) != EOF) {
        got = true;
        if (c == '\n')
            break;
        if (c == '\0')
            r->pending_nul = true;
        if (r->pending.len >= r->max_len) {
            r->pending_long = true;
            continue;
        }
        if (r->pending.len + 1 >= r->pending.cap)
            buf_reserve(&r->pending, 1);
        r->pending.data[r->pending.len++] = (char) c;
    }
    r->pending.data[r->pending.len] = '\0';
    if (c == EOF && ferror(fp)) {
        r->io_error = true;
        return false;
    }
    if (!got)
        return false;
    if (r->pending.len > 0 && r->pending.data[r->pending.len - 1] == '\r')
        buf_truncate(&r->pending, r->pending.len - 1);
    r->lineno++;
    r->pending_lineno = r->lineno;
    r->have_pending = true;
    return true;
}

/* Empty, blank-only or comment line: skipped wherever it appears. */
static bool is_ignorable(const buf_t *b)
{
    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] == '#')
            return true;
        if (!is_blank((unsigned char) b->data[i]))
            return false;
    }
    return true;
}

static int io_error(dict_file_reader_t *r, char **err)
{
    *err = dict_errorf("%s, line %d: read error: %s", r->path, r->lineno + 1,
                       strerror(errno));
    return DICT_FILE_IOERR;
}

/* Makes the next meaningful physical line pending. false: end or error. */
static bool fill_pending(dict_file_reader_t *r)
{
    for (;;) {
        if (!r->have_pending && !read_physical(r))
            return false;
        if (!is_ignorable(&r->pending))
            return true;
        r->have_pending = false;
    }
}

int dict_file_next(dict_file_reader_t *r, buf_t *line, int *first_line,
                   char **err)
{
    bool nul, too_long;

    if (!fill_pending(r))
        return r->io_error ? io_error(r, err) : DICT_FILE_EOF;
    *first_line = r->pending_lineno;
    r->have_pending = false;
    if (is_blank((unsigned char) r->pending.data[0])) {
        *err = dict_errorf("%s, line %d: logical line must not start with "
                           "whitespace: \"%.100s\" -- ignoring this line",
                           r->path, *first_line, r->pending.data);
        return DICT_FILE_BAD;
    }
    buf_reset(line);
    buf_append(line, r->pending.data, r->pending.len);
    nul = r->pending_nul;
    too_long = r->pending_long;
    while (fill_pending(r) && is_blank((unsigned char) r->pending.data[0])) {
        r->have_pending = false;
        nul |= r->pending_nul;
        too_long |= r->pending_long || line->len + r->pending.len > r->max_len;
        if (!too_long)
            buf_append(line, r->pending.data, r->pending.len);
    }
    if (r->io_error)
        return io_error(r, err);
    if (nul) {
        *err = dict_errorf("%s, line %d: NUL byte in input -- ignoring this "
                           "line", r->path, *first_line);
        return DICT_FILE_BAD;
    }
    if (too_long) {
        *err = dict_errorf("%s, line %d: line longer than %zu bytes -- "
                           "ignoring this line", r->path, *first_line,
                           r->max_len);
        return DICT_FILE_BAD;
    }
    return DICT_FILE_LINE;
}

/* End of a key: first blank outside double quotes; a backslash inside
 * quotes protects the next byte. NULL when a quote is not closed. */
static char *key_end(char *s)
{
    bool quoted = false;

    for (; *s; s++) {
        if (quoted && *s == '\\' && s[1])
            s++;
        else if (*s == '"')
            quoted = !quoted;
        else if (!quoted && is_blank((unsigned char) *s))
            return s;
    }
    return quoted ? NULL : s;
}

int dict_file_parse_entry(char *line, char **key, char **value,
                          const char **why)
{
    char *end;
    size_t len;

    while (is_blank((unsigned char) *line))
        line++;
    if ((end = key_end(line)) == NULL) {
        *why = "unbalanced '\"' -- ignoring this line";
        return -1;
    }
    *key = line;
    line = end;
    while (is_blank((unsigned char) *line))
        line++;
    *end = '\0';
    len = strlen(line);
    while (len > 0 && is_blank((unsigned char) line[len - 1]))
        line[--len] = '\0';
    *value = line;
    if (**key == '\0' || **value == '\0') {
        *why = "expected format: key whitespace value";
        return -1;
    }
    return 0;
}
