/* qrec.c - encode and decode the small fixed pieces of the queue file
 * format (see qrec.h): record headers, SIZE, times, WARN. Pure functions;
 * parsers return false on anything that is not exactly the canonical form. */
#include "queue/qrec.h"
#include "util/msg.h"

#include <stdio.h>
#include <string.h>

size_t qrec_put_header(unsigned char out[QREC_MAX_HEADER], int type, size_t len)
{
    size_t n = 1;

    if (len > QREC_MAX_LEN)
        msg_panic("qrec_put_header: record length %zu too large", len);
    out[0] = (unsigned char) type;
    do {
        unsigned char byte = len & 0x7F;
        len >>= 7;
        out[n++] = (unsigned char) (byte | (len ? 0x80 : 0));
    } while (len > 0 && n < QREC_MAX_HEADER);
    return n;
}

int qrec_get_length(const unsigned char *p, size_t avail, size_t *len)
{
    size_t value = 0;

    for (size_t i = 0; i < QREC_MAX_HEADER - 1; i++) {
        if (i >= avail)
            return 0;
        value |= (size_t) (p[i] & 0x7F) << (7 * i);
        if ((p[i] & 0x80) == 0) {
            if (i > 0 && p[i] == 0)
                return -1;                  /* non-minimal encoding */
            if (value > QREC_MAX_LEN)
                return -1;
            *len = value;
            return (int) i + 1;
        }
    }
    return -1;                              /* more than 3 length bytes */
}

bool qrec_type_known(int type)
{
    return type != 0 && strchr("CTcSirWAOoRMNLXE", type) != NULL;
}

void qrec_format_size(char out[QREC_SIZE_LEN + 1], const qsize_t *size)
{
    snprintf(out, QREC_SIZE_LEN + 1, "%c %012lld %012lld %08ld %c", QREC_VERSION,
             size->message_size, size->content_offset, size->rcpt_count,
             size->complete ? '1' : '0');
}

/* Exactly width decimal digits. */
static bool get_fixed(const char *p, int width, long long *value)
{
    long long v = 0;

    for (int i = 0; i < width; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *value = v;
    return true;
}

bool qrec_parse_size(const char *p, size_t len, qsize_t *size)
{
    long long count;

    if (len != QREC_SIZE_LEN || p[0] != QREC_VERSION || p[1] != ' '
        || p[14] != ' ' || p[27] != ' ' || p[36] != ' ')
        return false;
    if (!get_fixed(p + 2, 12, &size->message_size)
        || !get_fixed(p + 15, 12, &size->content_offset)
        || !get_fixed(p + 28, 8, &count))
        return false;
    if (p[37] != '0' && p[37] != '1')
        return false;
    size->rcpt_count = (long) count;
    size->complete = p[37] == '1';
    return true;
}

void qrec_format_time(char out[32], const struct timeval *tv)
{
    snprintf(out, 32, "%lld.%06ld", (long long) tv->tv_sec, (long) tv->tv_usec);
}

bool qrec_parse_time(const char *p, size_t len, struct timeval *tv)
{
    const char *dot = memchr(p, '.', len);
    size_t secs_len;
    long long secs, usec;

    if (dot == NULL)
        return false;
    secs_len = (size_t) (dot - p);
    if (secs_len < 1 || secs_len > 12 || len - secs_len - 1 != 6)
        return false;
    if (secs_len > 1 && p[0] == '0')
        return false;
    if (!get_fixed(p, (int) secs_len, &secs) || !get_fixed(dot + 1, 6, &usec))
        return false;
    tv->tv_sec = (time_t) secs;
    tv->tv_usec = (suseconds_t) usec;
    return true;
}

void qrec_format_warn(char out[QREC_WARN_LEN + 1], long long when)
{
    snprintf(out, QREC_WARN_LEN + 1, "%012lld", when);
}

bool qrec_parse_warn(const char *p, size_t len, long long *when)
{
    return len == QREC_WARN_LEN && get_fixed(p, QREC_WARN_LEN, when);
}

bool qrec_notify_valid(int notify)
{
    if (notify < 0 || notify > 15)
        return false;
    return !(notify & QDSN_NOTIFY_NEVER) || notify == QDSN_NOTIFY_NEVER;
}
