/* sendmail_input.c - standard input -> maildrop queue file lines, with
 * the dot rule and -t header extraction (see sendmail_input.h). */
#include "sendmail_input.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cleanup/cleanup_addr.h"
#include "util/buf.h"
#include "util/mem.h"

#define LONG_LINE 65536
#define READ_SIZE 65536

struct copy {
    qwriter_t *w;
    bool ignore_dot;
    bool extract;
    cleanup_addrs_t *out;
    bool in_headers;
    buf_t header;              /* pending header, raw lines joined by '\n' */
    bool done;                 /* "." seen */
};

static bool header_is(const buf_t *h, const char *name)
{
    size_t n = strlen(name);

    return h->len > n && h->data[n] == ':' && strncasecmp(h->data, name, n) == 0;
}

static void flush_header(struct copy *c)
{
    const char *p, *end;
    bool bcc;

    if (c->header.len == 0)
        return;
    bcc = header_is(&c->header, "bcc");
    if (header_is(&c->header, "to") || header_is(&c->header, "cc") || bcc) {
        const char *colon = memchr(c->header.data, ':', c->header.len);

        cleanup_addr_extract(colon + 1, c->header.len - (size_t) (colon + 1 - c->header.data),
                             c->out);
    }
    if (!bcc) {
        for (p = c->header.data, end = p + c->header.len; p <= end;) {
            const char *nl = memchr(p, '\n', (size_t) (end - p));
            const char *stop = nl ? nl : end;

            qwriter_put_line(c->w, p, (size_t) (stop - p));
            p = stop + 1;
        }
    }
    buf_reset(&c->header);
}

static bool header_start(const char *data, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char) data[i];

        if (ch == ':')
            return i > 0;
        if (ch < 33 || ch > 126)
            return false;
    }
    return false;
}

static void line(struct copy *c, const char *data, size_t len)
{
    if (!c->ignore_dot && len == 1 && data[0] == '.') {
        c->done = true;
        return;
    }
    if (c->in_headers && c->extract) {
        if (len > 0 && (data[0] == ' ' || data[0] == '\t') && c->header.len > 0) {
            buf_putc(&c->header, '\n');
            buf_append(&c->header, data, len);
            return;
        }
        flush_header(c);
        if (header_start(data, len)) {
            buf_append(&c->header, data, len);
            return;
        }
        c->in_headers = false;
    }
    qwriter_put_line(c->w, data, len);
}

/* Splits buffered input into lines; keeps an incomplete last line. */
static void split(struct copy *c, buf_t *pending, bool at_end)
{
    size_t start = 0;

    while (!c->done) {
        char *nl = memchr(pending->data + start, '\n', pending->len - start);
        size_t len;

        if (nl == NULL)
            break;
        len = (size_t) (nl - (pending->data + start));
        if (len > 0 && pending->data[start + len - 1] == '\r')
            len--;
        line(c, pending->data + start, len);
        start = (size_t) (nl - pending->data) + 1;
    }
    memmove(pending->data, pending->data + start, pending->len - start);
    buf_truncate(pending, pending->len - start);
    if (c->done)
        return;
    if (at_end && pending->len > 0) {
        line(c, pending->data, pending->len);
        buf_reset(pending);
    } else if (pending->len > LONG_LINE && !c->in_headers) {
        size_t n = pending->len - 1;   /* keep a possible CR of CRLF */

        qwriter_put_partial(c->w, pending->data, n);
        memmove(pending->data, pending->data + n, pending->len - n);
        buf_truncate(pending, pending->len - n);
    } else if (pending->len > LONG_LINE) {
        /* a huge header line: headers end here, written as they are */
        flush_header(c);
        c->in_headers = false;
    }
}

int sendmail_copy_input(int fd, qwriter_t *w, bool ignore_dot, bool extract,
                        cleanup_addrs_t *out, char **err)
{
    struct copy c = {w, ignore_dot, extract, out, true, BUF_INIT, false};
    buf_t pending = BUF_INIT;
    char block[READ_SIZE];
    int rc = 0;

    buf_init(&c.header);
    buf_init(&pending);
    qwriter_begin_content(w);
    while (!c.done) {
        ssize_t n = read(fd, block, sizeof(block));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            buf_t b = BUF_INIT;

            buf_printf(&b, "read standard input: %s", strerror(errno));
            *err = buf_detach(&b);
            rc = -1;
            break;
        }
        if (n == 0) {
            split(&c, &pending, true);
            break;
        }
        buf_append(&pending, block, (size_t) n);
        split(&c, &pending, false);
    }
    if (rc == 0)
        flush_header(&c);
    qwriter_end_content(w);
    buf_dispose(&c.header);
    buf_dispose(&pending);
    return rc;
}
