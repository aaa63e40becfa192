/* cleanup_addr.c - extract the addresses of an address-list header value
 * (see cleanup_addr.h). Never fails; bounded by the input length. */
#include "cleanup/cleanup_addr.h"

#include <string.h>

#include "util/buf.h"

struct element {
    buf_t plain;               /* text outside comments and <> */
    buf_t angle;               /* inside <> */
    int has_angle;
};

/* Route "@a,@b:user@d" -> "user@d". */
static const char *strip_route(const char *addr)
{
    const char *colon;

    if (addr[0] != '@')
        return addr;
    colon = strrchr(addr, ':');
    return colon ? colon + 1 : addr;
}

static void emit(struct element *e, cleanup_addrs_t *out)
{
    const char *addr = e->has_angle ? strip_route(buf_str(&e->angle)) : buf_str(&e->plain);

    if (*addr && !cleanup_addrs_has(out, addr))
        cleanup_addrs_add(out, addr);
    buf_reset(&e->plain);
    buf_reset(&e->angle);
    e->has_angle = 0;
}

/* Skips a comment starting at value[i] == '('; returns the index after. */
static size_t skip_comment(const char *value, size_t len, size_t i)
{
    int depth = 0;

    for (; i < len; i++) {
        if (value[i] == '\\' && i + 1 < len)
            i++;
        else if (value[i] == '(')
            depth++;
        else if (value[i] == ')' && --depth == 0)
            return i + 1;
    }
    return len;
}

/* Copies a quoted string starting at value[i] == '"' into b. */
static size_t copy_quoted(const char *value, size_t len, size_t i, buf_t *b)
{
    buf_putc(b, '"');
    for (i++; i < len; i++) {
        if (value[i] == '\\' && i + 1 < len) {
            buf_append(b, value + i, 2);
            i++;
        } else if (value[i] == '"') {
            buf_putc(b, '"');
            return i + 1;
        } else {
            buf_putc(b, value[i]);
        }
    }
    buf_putc(b, '"');
    return len;
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void cleanup_addr_extract(const char *value, size_t len, cleanup_addrs_t *out)
{
    struct element e = {BUF_INIT, BUF_INIT, 0};
    int in_angle = 0;
    size_t i = 0;

    buf_init(&e.plain);
    buf_init(&e.angle);
    while (i < len) {
        char c = value[i];
        buf_t *target = in_angle ? &e.angle : &e.plain;

        if (c == '(') {
            i = skip_comment(value, len, i);
        } else if (c == '"') {
            i = copy_quoted(value, len, i, target);
        } else if (in_angle) {
            if (c == '>')
                in_angle = 0;
            else if (!blank(c) && c != 0)
                buf_putc(&e.angle, c);
            i++;
        } else if (c == '<') {
            in_angle = 1;
            e.has_angle = 1;
            buf_reset(&e.angle);
            i++;
        } else if (c == ',' || c == ';') {
            emit(&e, out);
            i++;
        } else if (c == ':') {
            buf_reset(&e.plain);       /* group name */
            i++;
        } else {
            if (!blank(c) && c != 0)
                buf_putc(&e.plain, c);
            i++;
        }
    }
    emit(&e, out);
    buf_dispose(&e.plain);
    buf_dispose(&e.angle);
}
