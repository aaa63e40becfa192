/* cleanup_addr.c - find the addresses of an address-list header value
 * (see cleanup_addr.h). Never fails; bounded by the input length. */
#include "cleanup/cleanup_addr.h"

#include <string.h>

#include "util/buf.h"

/* Text collected for one part (plain text or <...>) with the place it
 * came from, when that place is one contiguous run of the input. */
struct part {
    buf_t text;
    size_t first, next;
    bool contiguous;
};

struct element {
    struct part plain;
    struct part angle;
    bool has_angle;
};

static void part_reset(struct part *p)
{
    buf_reset(&p->text);
    p->first = p->next = 0;
    p->contiguous = true;
}

static void part_add(struct part *p, const char *data, size_t n, size_t index)
{
    if (p->text.len == 0)
        p->first = index;
    else if (index != p->next)
        p->contiguous = false;
    p->next = index + n;
    buf_append(&p->text, data, n);
}

/* Route "@a,@b:user@d" -> "user@d". */
static const char *strip_route(const char *addr)
{
    const char *colon;

    if (addr[0] != '@')
        return addr;
    colon = strrchr(addr, ':');
    return colon ? colon + 1 : addr;
}

static void emit(struct element *e, cleanup_addr_fn fn, void *ctx)
{
    struct part *p = e->has_angle ? &e->angle : &e->plain;
    const char *addr = e->has_angle ? strip_route(buf_str(&p->text)) : buf_str(&p->text);

    if (*addr)
        fn(ctx, addr, p->first, p->next,
           p->contiguous && addr == buf_str(&p->text) && strlen(addr) == p->text.len);
    part_reset(&e->plain);
    part_reset(&e->angle);
    e->has_angle = false;
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

/* Adds a quoted string starting at value[i] == '"' to p. */
static size_t copy_quoted(const char *value, size_t len, size_t i, struct part *p)
{
    size_t start = i;

    for (i++; i < len; i++) {
        if (value[i] == '\\' && i + 1 < len) {
            i++;
        } else if (value[i] == '"') {
            part_add(p, value + start, i + 1 - start, start);
            return i + 1;
        }
    }
    part_add(p, value + start, len - start, start);
    part_add(p, "\"", 1, len + 1);     /* unterminated: not a clean span */
    return len;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void cleanup_addr_scan(const char *value, size_t len, cleanup_addr_fn fn, void *ctx)
{
    struct element e;
    bool in_angle = false;
    size_t i = 0;

    buf_init(&e.plain.text);
    buf_init(&e.angle.text);
    part_reset(&e.plain);
    part_reset(&e.angle);
    e.has_angle = false;
    while (i < len) {
        char c = value[i];
        struct part *target = in_angle ? &e.angle : &e.plain;

        if (c == '(') {
            i = skip_comment(value, len, i);
        } else if (c == '"') {
            i = copy_quoted(value, len, i, target);
        } else if (in_angle) {
            if (c == '>')
                in_angle = false;
            else if (!blank(c) && c != 0)
                part_add(&e.angle, value + i, 1, i);
            i++;
        } else if (c == '<') {
            in_angle = true;
            e.has_angle = true;
            part_reset(&e.angle);
            i++;
        } else if (c == ',' || c == ';') {
            emit(&e, fn, ctx);
            i++;
        } else if (c == ':') {
            part_reset(&e.plain);      /* group name */
            i++;
        } else {
            if (!blank(c) && c != 0)
                part_add(&e.plain, value + i, 1, i);
            i++;
        }
    }
    emit(&e, fn, ctx);
    buf_dispose(&e.plain.text);
    buf_dispose(&e.angle.text);
}

static void add_address(void *ctx, const char *addr, size_t start, size_t end, bool exact)
{
    cleanup_addrs_t *out = ctx;

    (void) start;
    (void) end;
    (void) exact;
    if (!cleanup_addrs_has(out, addr))
        cleanup_addrs_add(out, addr);
}

void cleanup_addr_extract(const char *value, size_t len, cleanup_addrs_t *out)
{
    cleanup_addr_scan(value, len, add_address, out);
}
