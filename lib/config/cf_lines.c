/* cf_lines.c - split configuration text into logical lines (see cf_lines.h). */
#include "config/cf_lines.h"

#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* One physical line: [*start, *start + *len), without LF and a final CR. */
struct phys {
    const char *start;
    size_t len;
    bool has_nul;
};

static bool peek_phys(const cf_reader_t *r, struct phys *p, size_t *next_pos)
{
    const char *start, *nl;
    size_t rest;

    if (r->pos >= r->len)
        return false;
    start = r->data + r->pos;
    rest = r->len - r->pos;
    nl = memchr(start, '\n', rest);
    p->start = start;
    p->len = nl ? (size_t) (nl - start) : rest;
    *next_pos = r->pos + p->len + (nl ? 1 : 0);
    if (p->len > 0 && start[p->len - 1] == '\r')
        p->len--;
    p->has_nul = memchr(start, '\0', p->len) != NULL;
    return true;
}

static bool is_skippable(const struct phys *p)
{
    size_t i = 0;

    while (i < p->len && is_space((unsigned char) p->start[i]))
        i++;
    return i == p->len || p->start[i] == '#';
}

static void append_trimmed(buf_t *b, const struct phys *p)
{
    size_t i = 0, end = p->len;

    while (i < end && is_space((unsigned char) p->start[i]))
        i++;
    while (end > i && is_space((unsigned char) p->start[end - 1]))
        end--;
    if (end == i)
        return;
    if (b->len > 0)
        buf_putc(b, ' ');
    buf_append(b, p->start + i, end - i);
}

void cf_reader_init(cf_reader_t *r, const char *data, size_t len)
{
    r->data = data;
    r->len = len;
    r->pos = 0;
    r->lineno = 0;
}

void cf_line_init(cf_line_t *line)
{
    buf_init(&line->text);
    line->first_line = line->last_line = 0;
    line->has_nul = line->orphan = false;
}

void cf_line_dispose(cf_line_t *line)
{
    buf_dispose(&line->text);
}

bool cf_next_line(cf_reader_t *r, cf_line_t *line)
{
    struct phys p;
    size_t next;
    bool started = false;

    buf_reset(&line->text);
    line->has_nul = line->orphan = false;
    while (peek_phys(r, &p, &next)) {
        bool continues = p.len > 0 && is_space((unsigned char) p.start[0]);
        if (is_skippable(&p)) {
            r->pos = next;
            r->lineno++;
            continue;
        }
        if (started && !continues)
            break;
        if (!started) {
            line->first_line = r->lineno + 1;
            line->orphan = continues;
            started = true;
        }
        line->has_nul |= p.has_nul;
        append_trimmed(&line->text, &p);
        r->pos = next;
        r->lineno++;
        line->last_line = r->lineno;
        if (line->orphan)
            break;
    }
    return started;
}

static char *errno_message(const char *what, const char *path, int err)
{
    buf_t b;

    buf_init(&b);
    buf_printf(&b, "%s %s: %s", what, path, strerror(err));
    char *text = buf_detach(&b);

    buf_dispose(&b);
    return text;
}

int cf_read_file(const char *path, buf_t *out, char **err)
{
    char chunk[8192];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC), saved;

    if (fd < 0) {
        saved = errno;
        *err = errno_message("open", path, saved);
        errno = saved;
        return -1;
    }
    buf_reset(out);
    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            saved = errno;
            *err = errno_message("read", path, saved);
            close(fd);
            errno = saved;
            return -1;
        }
        buf_append(out, chunk, (size_t) n);
    }
    close(fd);
    return 0;
}
