/* utf8.c - strict UTF-8 well-formedness check (see utf8.h). */
#include "util/utf8.h"

static bool is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

size_t utf8_seq_len(const unsigned char *s, size_t len)
{
    unsigned char c;

    if (len == 0)
        return 0;
    c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return len >= 2 && is_cont(s[1]) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (len < 3 || !is_cont(s[1]) || !is_cont(s[2]))
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)           /* overlong */
            return 0;
        if (c == 0xED && s[1] >= 0xA0)          /* surrogate */
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (len < 4 || !is_cont(s[1]) || !is_cont(s[2]) || !is_cont(s[3]))
            return 0;
        if (c == 0xF0 && s[1] < 0x90)           /* overlong */
            return 0;
        if (c == 0xF4 && s[1] >= 0x90)          /* above U+10FFFF */
            return 0;
        return 4;
    }
    return 0;
}

bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *) s;
    size_t i = 0, n;

    while (i < len) {
        if ((n = utf8_seq_len(p + i, len - i)) == 0)
            return false;
        i += n;
    }
    return true;
}
