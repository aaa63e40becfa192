/* dotstuff.c - dot-stuffing of outgoing DATA content (see dotstuff.h). */
#include "smtp/dotstuff.h"

void smtp_dot_stuff_line(buf_t *out, const char *line, size_t len, bool partial,
                         bool *at_line_start)
{
    size_t start = 0;

    if (*at_line_start && len > 0 && line[0] == '.')
        buf_putc(out, '.');
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '\r' || line[i] == '\n') {
            buf_append(out, line + start, i - start);
            buf_putc(out, ' ');
            start = i + 1;
        }
    }
    buf_append(out, line + start, len - start);
    if (partial && len > 0) {
        *at_line_start = false;
        return;
    }
    if (partial)
        return;
    buf_append(out, "\r\n", 2);
    *at_line_start = true;
}

void smtp_dot_stuff_end(buf_t *out, bool at_line_start)
{
    if (!at_line_start)
        buf_append(out, "\r\n", 2);
    buf_append(out, ".\r\n", 3);
}
