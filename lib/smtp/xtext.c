/* xtext.c - RFC 3461 xtext decoding and encoding (see xtext.h). */
#include "smtp/xtext.h"

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int xtext_decode(const char *in, size_t len, buf_t *out)
{
    buf_reset(out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) in[i];
        int hi, lo;

        if (c == '+') {
            if (i + 2 >= len)
                return -1;
            hi = hex_value((unsigned char) in[i + 1]);
            lo = hex_value((unsigned char) in[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            buf_putc(out, hi * 16 + lo);
            i += 2;
        } else if (c >= 33 && c <= 126 && c != '=') {
            buf_putc(out, c);
        } else {
            return -1;
        }
    }
    return 0;
}

void xtext_encode(const char *in, size_t len, buf_t *out)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) in[i];

        if (c >= 33 && c <= 126 && c != '+' && c != '=')
            buf_putc(out, c);
        else
            buf_printf(out, "+%02X", c);
    }
}
