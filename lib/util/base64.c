/* base64.c - RFC 4648 base64 encoding and strict decoding (base64.h).
 * Decoding never reads past len and never writes a partial result. */
#include "util/base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(buf_t *out, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i = 0;

    buf_reserve(out, (len + 2) / 3 * 4);
    for (; i + 3 <= len; i += 3) {
        unsigned v = (unsigned) p[i] << 16 | (unsigned) p[i + 1] << 8 | p[i + 2];

        buf_putc(out, alphabet[v >> 18 & 63]);
        buf_putc(out, alphabet[v >> 12 & 63]);
        buf_putc(out, alphabet[v >> 6 & 63]);
        buf_putc(out, alphabet[v & 63]);
    }
    if (len - i == 1) {
        unsigned v = (unsigned) p[i] << 16;

        buf_putc(out, alphabet[v >> 18 & 63]);
        buf_putc(out, alphabet[v >> 12 & 63]);
        buf_puts(out, "==");
    } else if (len - i == 2) {
        unsigned v = (unsigned) p[i] << 16 | (unsigned) p[i + 1] << 8;

        buf_putc(out, alphabet[v >> 18 & 63]);
        buf_putc(out, alphabet[v >> 12 & 63]);
        buf_putc(out, alphabet[v >> 6 & 63]);
        buf_putc(out, '=');
    }
}

/* 0..63, or -1 for a byte outside the alphabet ('=' included). */
static int value_of(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

size_t base64_decoded_max(size_t len)
{
    return len / 4 * 3 + 3;
}

/* One group of four characters; the last group may end in "=" or "==".
 * Returns the number of bytes produced (1..3) or -1. */
static int decode_group(const unsigned char *q, int last, unsigned char bytes[3])
{
    int pad = 0, v[4];

    if (last && q[3] == '=')
        pad = q[2] == '=' ? 2 : 1;
    for (int k = 0; k < 4 - pad; k++)
        if ((v[k] = value_of(q[k])) < 0)
            return -1;
    if (pad == 2 && (v[1] & 15) != 0)
        return -1;
    if (pad == 1 && (v[2] & 3) != 0)
        return -1;
    bytes[0] = (unsigned char) (v[0] << 2 | v[1] >> 4);
    if (pad < 2)
        bytes[1] = (unsigned char) ((v[1] & 15) << 4 | v[2] >> 2);
    if (pad < 1)
        bytes[2] = (unsigned char) ((v[2] & 3) << 6 | v[3]);
    return 3 - pad;
}

int base64_decode(buf_t *out, const char *text, size_t len)
{
    const unsigned char *q = (const unsigned char *) text;
    size_t start = out->len;

    if (len % 4 != 0)
        return -1;
    buf_reserve(out, base64_decoded_max(len));
    for (size_t i = 0; i < len; i += 4) {
        unsigned char bytes[3];
        int n = decode_group(q + i, i + 4 == len, bytes);

        if (n < 0) {
            buf_truncate(out, start);
            return -1;
        }
        buf_append(out, bytes, (size_t) n);
    }
    return 0;
}
