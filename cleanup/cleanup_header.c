/* cleanup_header.c - rewrite the addresses of address headers in place
 * (see cleanup_header.h). Table errors return -1 with *err. */
#include "cleanup/cleanup_header.h"

#include <string.h>
#include <strings.h>

#include "cleanup/cleanup_addr.h"
#include "util/mem.h"

enum header_class { HDR_OTHER, HDR_SENDER, HDR_RECIPIENT };

static enum header_class classify(const char *header, size_t len)
{
    static const char *const senders[] = {
        "from", "sender", "reply-to", "errors-to", "return-receipt-to",
        "resent-from", "resent-sender", "resent-reply-to", NULL,
    };
    static const char *const recipients[] = {
        "to", "cc", "bcc", "apparently-to", "resent-to", "resent-cc", "resent-bcc", NULL,
    };
    const char *colon = memchr(header, ':', len);
    size_t n, i;

    if (colon == NULL)
        return HDR_OTHER;
    n = (size_t) (colon - header);
    for (i = 0; senders[i]; i++)
        if (strlen(senders[i]) == n && strncasecmp(header, senders[i], n) == 0)
            return HDR_SENDER;
    for (i = 0; recipients[i]; i++)
        if (strlen(recipients[i]) == n && strncasecmp(header, recipients[i], n) == 0)
            return HDR_RECIPIENT;
    return HDR_OTHER;
}

struct found {
    char *address;
    size_t start, end;         /* in the value */
};

struct found_list {
    struct found *items;
    size_t count;
};

static void collect(void *ctx, const char *address, size_t start, size_t end, bool exact)
{
    struct found_list *l = ctx;

    if (!exact)
        return;
    l->items = xreallocarray(l->items, l->count + 1, sizeof(*l->items));
    l->items[l->count].address = xstrdup(address);
    l->items[l->count].start = start;
    l->items[l->count].end = end;
    l->count++;
}

static int rewrite_one(const cleanup_rewrite_t *rw, enum header_class cls,
                       const char *address, buf_t *out, char **err)
{
    buf_t q = BUF_INIT;
    int rc;

    cleanup_qualify(rw, address, &q);
    if (cls == HDR_SENDER)
        rc = cleanup_canon_sender(rw, buf_str(&q), out, err);
    else
        rc = cleanup_canon_recipient(rw, buf_str(&q), out, err);
    buf_dispose(&q);
    return rc;
}

int cleanup_rewrite_header(const cleanup_rewrite_t *rw, const char *header,
                           size_t len, buf_t *out, char **err)
{
    enum header_class cls = classify(header, len);
    struct found_list list = {NULL, 0};
    const char *value;
    size_t value_len, pos = 0, i;
    buf_t repl = BUF_INIT;
    int rc = 0;

    if (cls == HDR_OTHER)
        return 0;
    value = (const char *) memchr(header, ':', len) + 1;
    value_len = len - (size_t) (value - header);
    cleanup_addr_scan(value, value_len, collect, &list);
    buf_reset(out);
    buf_append(out, header, (size_t) (value - header));
    for (i = 0; i < list.count && rc >= 0; i++) {
        struct found *f = &list.items[i];

        if (rewrite_one(rw, cls, f->address, &repl, err) < 0) {
            rc = -1;
            break;
        }
        if (strcmp(buf_str(&repl), f->address) == 0)
            continue;
        buf_append(out, value + pos, f->start - pos);
        buf_puts(out, buf_str(&repl));
        pos = f->end;
        rc = 1;
    }
    if (rc == 1)
        buf_append(out, value + pos, value_len - pos);
    for (i = 0; i < list.count; i++)
        xfree(list.items[i].address);
    xfree(list.items);
    buf_dispose(&repl);
    return rc;
}
