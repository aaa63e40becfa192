/* main_cf_edit.c - line-preserving edits of main.cf (see main_cf_edit.h). */
#include "main_cf_edit.h"
#include "config/cf_lines.h"
#include "util/mem.h"
#include "util/strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What happens to one physical line. */
enum line_action { KEEP, DROP, REPLACE, COMMENT };

struct plan {
    enum line_action *action;      /* index: physical line - 1 */
    const main_cf_change_t **replacement;
    size_t nlines;
};

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static size_t count_lines(const char *text, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    return n + (len > 0 && text[len - 1] != '\n');
}

/* Name of a logical line "name = value" (allocated), or NULL. */
static char *line_name(const cf_line_t *line)
{
    const char *text = buf_str(&line->text), *eq;

    if (line->orphan || (eq = strchr(text, '=')) == NULL)
        return NULL;
    return str_trim(xstrndup(text, (size_t) (eq - text)));
}

/* True when physical line number n (1-based) of text holds content (not
 * blank, not a comment); comments inside a definition are kept. */
static bool is_content(const char *const *starts, const size_t *lens, size_t n)
{
    const char *p = starts[n - 1];
    size_t i = 0;

    while (i < lens[n - 1] && is_space((unsigned char) p[i]))
        i++;
    return i < lens[n - 1] && p[i] != '#';
}

static const main_cf_change_t *find_change(const main_cf_change_t *changes, size_t n,
                                           const char *name)
{
    for (size_t i = n; i > 0; i--) {        /* the last change of a name wins */
        if (strcmp(changes[i - 1].name, name) == 0)
            return &changes[i - 1];
    }
    return NULL;
}

static void plan_definition(struct plan *plan, const cf_line_t *line,
                            const main_cf_change_t *change, bool *done,
                            const char *const *starts, const size_t *lens)
{
    for (int n = line->first_line; n <= line->last_line; n++) {
        if (!is_content(starts, lens, (size_t) n))
            continue;
        if (change->value == NULL)
            plan->action[n - 1] = change->remove ? DROP : COMMENT;
        else if (!*done && n == line->first_line) {
            plan->action[n - 1] = REPLACE;
            plan->replacement[n - 1] = change;
        } else
            plan->action[n - 1] = DROP;
    }
    *done = true;
}

static void emit_setting(buf_t *out, const main_cf_change_t *c, const char *eol)
{
    buf_printf(out, "%s = %s%s", c->name, c->value, eol);
}

void main_cf_edit(const char *text, size_t len, const main_cf_change_t *changes,
                  size_t nchanges, buf_t *out)
{
    size_t nlines = count_lines(text, len), pos = 0;
    const char **starts = xcalloc(nlines + 1, sizeof(*starts));
    size_t *lens = xcalloc(nlines + 1, sizeof(*lens));
    bool *done = xcalloc(nchanges + 1, sizeof(*done));
    struct plan plan;
    cf_reader_t reader;
    cf_line_t line;

    for (size_t i = 0; i < nlines; i++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        starts[i] = text + pos;
        lens[i] = nl ? (size_t) (nl - (text + pos)) + 1 : len - pos;
        pos += lens[i];
    }
    plan.nlines = nlines;
    plan.action = xcalloc(nlines + 1, sizeof(*plan.action));
    plan.replacement = xcalloc(nlines + 1, sizeof(*plan.replacement));
    cf_reader_init(&reader, text, len);
    cf_line_init(&line);
    while (cf_next_line(&reader, &line)) {
        char *name = line_name(&line);
        const main_cf_change_t *c = name ? find_change(changes, nchanges, name) : NULL;
        if (c != NULL)
            plan_definition(&plan, &line, c, &done[c - changes], starts, lens);
        xfree(name);
    }
    cf_line_dispose(&line);

    buf_reset(out);
    for (size_t i = 0; i < nlines; i++) {
        bool crlf = lens[i] >= 2 && starts[i][lens[i] - 2] == '\r' && starts[i][lens[i] - 1] == '\n';
        switch (plan.action[i]) {
        case KEEP:
            buf_append(out, starts[i], lens[i]);
            break;
        case DROP:
            break;
        case REPLACE:
            emit_setting(out, plan.replacement[i], crlf ? "\r\n" : "\n");
            break;
        case COMMENT:
            buf_putc(out, '#');
            buf_append(out, starts[i], lens[i]);
            break;
        }
    }
    if (out->len > 0 && out->data[out->len - 1] != '\n')
        buf_putc(out, '\n');
    for (size_t i = 0; i < nchanges; i++) {
        if (!done[i] && changes[i].value != NULL
            && find_change(changes, nchanges, changes[i].name) == &changes[i])
            emit_setting(out, &changes[i], "\n");
    }
    xfree(plan.action);
    xfree(plan.replacement);
    xfree(starts);
    xfree(lens);
    xfree(done);
}

static bool valid_name(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '_' || c == '-' || c == '.'))
            return false;
    }
    return true;
}

bool main_cf_parse_assignment(const char *text, main_cf_change_t *change, char **storage)
{
    const char *eq = strchr(text, '=');
    char *copy;

    *storage = NULL;
    if (eq == NULL || strchr(text, '\n') != NULL)
        return false;
    copy = xstrdup(text);
    copy[eq - text] = '\0';
    change->name = str_trim(copy);
    change->value = str_trim(copy + (eq - text) + 1);
    change->remove = false;
    if (!valid_name(change->name)) {
        xfree(copy);
        return false;
    }
    *storage = copy;
    return true;
}

static char *errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *errorf(const char *fmt, ...)
{
    buf_t b;
    va_list ap;

    buf_init(&b);
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return buf_detach(&b);
}

static int write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        text += n;
        len -= (size_t) n;
    }
    return 0;
}

static int fsync_dir_of(const char *path)
{
    char *copy = xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

    xfree(copy);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int main_cf_write(const char *path, const char *text, size_t len, char **err)
{
    buf_t tmp;
    struct stat st;
    mode_t mode = 0644;
    int fd;

    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;
    buf_init(&tmp);
    buf_printf(&tmp, "%s.tmpXXXXXX", path);
    if ((fd = mkstemp(tmp.data)) < 0) {
        *err = errorf("create temporary file %s: %s", buf_str(&tmp), strerror(errno));
        buf_dispose(&tmp);
        return -1;
    }
    if (fchmod(fd, mode) < 0 || write_all(fd, text, len) < 0 || fsync(fd) < 0) {
        *err = errorf("write %s: %s", buf_str(&tmp), strerror(errno));
        close(fd);
        unlink(buf_str(&tmp));
        buf_dispose(&tmp);
        return -1;
    }
    if (close(fd) < 0 || rename(buf_str(&tmp), path) < 0) {
        *err = errorf("replace %s: %s", path, strerror(errno));
        unlink(buf_str(&tmp));
        buf_dispose(&tmp);
        return -1;
    }
    buf_dispose(&tmp);
    if (fsync_dir_of(path) < 0) {
        *err = errorf("sync directory of %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
