/* maildir_name.c - Maildir file names: the unique name of a new message,
 * host escaping, parsing of BASE[,S=n][,W=n][:2,FLAGS], and flag edits.
 * Parsing is strict and never allocates beyond the output buffers. */
#include "maildir/maildir.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define MAILDIR_NAME_MAX 255

void maildir_escape_host(buf_t *out, const char *host)
{
    for (const char *p = host; *p; p++) {
        if (*p == '/')
            buf_puts(out, "\\057");
        else if (*p == ':')
            buf_puts(out, "\\072");
        else
            buf_putc(out, *p);
    }
}

void maildir_unique_name(buf_t *out, const char *host)
{
    static unsigned long counter;
    char hostbuf[256];
    struct timeval tv;

    gettimeofday(&tv, NULL);
    if (host == NULL) {
        if (gethostname(hostbuf, sizeof(hostbuf)) < 0)
            strcpy(hostbuf, "localhost");
        hostbuf[sizeof(hostbuf) - 1] = '\0';
        host = hostbuf;
    }
    buf_printf(out, "%lld.M%ldP%ldQ%lu.", (long long) tv.tv_sec,
               (long) tv.tv_usec, (long) getpid(), ++counter);
    maildir_escape_host(out, host);
}

void maildir_name_init(maildir_name_t *n)
{
    buf_init(&n->base);
    buf_init(&n->flags);
    n->size = n->vsize = -1;
    n->has_info = false;
}

void maildir_name_dispose(maildir_name_t *n)
{
    buf_dispose(&n->base);
    buf_dispose(&n->flags);
}

/* Parses decimal digits at *p up to a ',' or ':' or the end. */
static bool parse_count(const char **p, const char *end, long long *out)
{
    long long v = 0;
    const char *s = *p;

    if (s == end || *s < '0' || *s > '9')
        return false;
    while (s < end && *s >= '0' && *s <= '9') {
        if (v > (1LL << 53))
            return false;
        v = v * 10 + (*s++ - '0');
    }
    if (s < end && *s != ',' && *s != ':')
        return false;
    *out = v;
    *p = s;
    return true;
}

/* Parses the ",..." fields between base and info. Unknown fields are
 * allowed (other software adds its own); S= and W= must be numbers. */
static bool parse_fields(const char *p, const char *end, maildir_name_t *out)
{
    while (p < end && *p == ',') {
        p++;
        if (end - p >= 2 && (p[0] == 'S' || p[0] == 'W') && p[1] == '=') {
            long long *dst = p[0] == 'S' ? &out->size : &out->vsize;

            p += 2;
            if (!parse_count(&p, end, dst))
                return false;
            continue;
        }
        while (p < end && *p != ',' && *p != ':')
            p++;
    }
    return p == end;
}

bool maildir_name_parse(const char *name, size_t len, maildir_name_t *out)
{
    const char *end = name + len;
    const char *colon, *comma, *base_end;

    buf_reset(&out->base);
    buf_reset(&out->flags);
    out->size = out->vsize = -1;
    out->has_info = false;
    if (len == 0 || len > MAILDIR_NAME_MAX || name[0] == '.'
        || memchr(name, '/', len) || memchr(name, '\0', len))
        return false;
    colon = memchr(name, ':', len);
    if (colon != NULL) {
        if (end - colon < 3 || colon[1] != '2' || colon[2] != ',')
            return false;
        for (const char *f = colon + 3; f < end; f++)
            if (*f <= ' ' || *f > '~' || *f == ':')
                return false;
        out->has_info = true;
        buf_append(&out->flags, colon + 3, (size_t) (end - colon - 3));
        end = colon;
    }
    comma = memchr(name, ',', (size_t) (end - name));
    base_end = comma ? comma : end;
    if (base_end == name)
        return false;
    buf_append(&out->base, name, (size_t) (base_end - name));
    return comma == NULL || parse_fields(comma, end, out);
}

static bool is_flag(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9');
}

void maildir_name_with_flags(buf_t *out, const char *name, const char *add,
                             const char *remove)
{
    const char *colon = strstr(name, ":2,");
    bool set[128] = {false};

    buf_reset(out);
    if (colon == NULL)
        colon = strchr(name, ':');
    if (colon == NULL) {
        buf_puts(out, name);
    } else {
        buf_append(out, name, (size_t) (colon - name));
        if (strncmp(colon, ":2,", 3) == 0)
            for (const char *f = colon + 3; *f; f++)
                if (is_flag((unsigned char) *f))
                    set[(unsigned char) *f] = true;
    }
    for (const char *f = add ? add : ""; *f; f++)
        if (is_flag((unsigned char) *f))
            set[(unsigned char) *f] = true;
    for (const char *f = remove ? remove : ""; *f; f++)
        if (is_flag((unsigned char) *f))
            set[(unsigned char) *f] = false;
    buf_puts(out, ":2,");
    for (int c = 0; c < 128; c++)
        if (set[c])
            buf_putc(out, c);
}
