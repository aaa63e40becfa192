/* headers.c - Delivered-To loop detection and the delivery prefix. */
#include "deliver/headers.h"
#include "util/buf.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Compares a header value (with folding white space) to address. */
static bool value_matches(const char *v, size_t len, const char *address)
{
    buf_t joined;
    bool match;
    size_t start = 0, end;

    buf_init(&joined);
    for (size_t i = 0; i < len; i++)
        if (v[i] != '\r' && v[i] != '\n')
            buf_putc(&joined, v[i]);
    end = joined.len;
    while (start < end && isspace((unsigned char) joined.data[start]))
        start++;
    while (end > start && isspace((unsigned char) joined.data[end - 1]))
        end--;
    match = end - start == strlen(address)
        && strncasecmp(joined.data + start, address, end - start) == 0;
    buf_dispose(&joined);
    return match;
}

bool dlv_has_delivered_to(const char *headers, size_t len,
                            const char *address)
{
    static const char name[] = "delivered-to:";
    const char *p = headers, *end = headers + len;

    while (p < end) {
        const char *line_end = memchr(p, '\n', (size_t) (end - p));
        const char *field_end;

        if (line_end == NULL)
            line_end = end;
        if (p == line_end || (line_end - p == 1 && *p == '\r'))
            return false;  /* empty line: end of headers */
        /* The field runs on while the next line starts with blanks. */
        field_end = line_end;
        while (field_end < end && field_end + 1 < end
               && (field_end[1] == ' ' || field_end[1] == '\t')) {
            const char *next = memchr(field_end + 1, '\n',
                                      (size_t) (end - field_end - 1));

            field_end = next ? next : end;
        }
        if ((size_t) (field_end - p) >= sizeof(name) - 1
            && strncasecmp(p, name, sizeof(name) - 1) == 0
            && value_matches(p + sizeof(name) - 1,
                             (size_t) (field_end - p) - (sizeof(name) - 1),
                             address))
            return true;
        p = field_end < end ? field_end + 1 : end;
    }
    return false;
}

int dlv_prefixed_producer(sink_t *out, void *ctx, char **err)
{
    const dlv_prefix_t *pre = ctx;

    if (pre->sender)
        sink_printf(out, "Return-Path: <%s>\n", pre->sender);
    if (pre->original_rcpt)
        sink_printf(out, "X-Original-To: %s\n", pre->original_rcpt);
    if (pre->delivered_to) {
        buf_t lower = BUF_INIT;

        buf_set(&lower, pre->delivered_to);
        for (size_t i = 0; i < lower.len; i++)
            lower.data[i] = (char) tolower((unsigned char) lower.data[i]);
        sink_printf(out, "Delivered-To: %s\n", lower.data);
        buf_dispose(&lower);
    }
    if (out->error)
        return -1;
    return pre->body(out, pre->body_ctx, err);
}
