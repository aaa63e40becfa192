/* tls_params.c - protocol list, cipher grade and security level parsers
 * (see tls_params.h). Pure string work; errors are returned, never
 * logged. */
#include "tls_params.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "util/errstr.h"

struct name_bit {
    const char *name;
    unsigned bit;
};

static const struct name_bit protocol_names[] = {
    {"SSLv2", TLS_PROTO_SSLv2},
    {"SSLv3", TLS_PROTO_SSLv3},
    {"TLSv1", TLS_PROTO_TLSv1},
    {"TLSv1.1", TLS_PROTO_TLSv1_1},
    {"TLSv1.2", TLS_PROTO_TLSv1_2},
    {"TLSv1.3", TLS_PROTO_TLSv1_3},
};

#define N_PROTOCOLS (sizeof(protocol_names) / sizeof(protocol_names[0]))

const char *tls_protocol_name(unsigned bit)
{
    for (size_t i = 0; i < N_PROTOCOLS; i++)
        if (protocol_names[i].bit == bit)
            return protocol_names[i].name;
    return NULL;
}

/* Index of the protocol named by word[0..len), or -1. */
static int protocol_index(const char *word, size_t len)
{
    for (size_t i = 0; i < N_PROTOCOLS; i++)
        if (strlen(protocol_names[i].name) == len
            && strncasecmp(protocol_names[i].name, word, len) == 0)
            return (int) i;
    return -1;
}

static bool is_separator(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ':';
}

/* Bits of all protocols from index lo to hi inclusive. */
static unsigned range_bits(int lo, int hi)
{
    unsigned bits = 0;

    for (int i = lo; i <= hi; i++)
        bits |= protocol_names[i].bit;
    return bits;
}

struct proto_state {
    unsigned included;
    unsigned excluded;
    int min_index;
    int max_index;
};

static int apply_word(struct proto_state *st, const char *word, size_t len, char **err)
{
    const char *name = word;
    size_t name_len = len;
    int idx;
    char op = 0;

    if (len >= 1 && word[0] == '!') {
        op = '!';
        name++, name_len--;
    } else if (len >= 2 && (word[0] == '>' || word[0] == '<') && word[1] == '=') {
        op = word[0];
        name += 2, name_len -= 2;
    }
    if ((idx = protocol_index(name, name_len)) < 0) {
        errstr_set(err, "invalid TLS protocol name \"%.*s\"", (int) (len > 64 ? 64 : len), word);
        return -1;
    }
    if (op == '!')
        st->excluded |= protocol_names[idx].bit;
    else if (op == '>')
        st->min_index = idx > st->min_index ? idx : st->min_index;
    else if (op == '<')
        st->max_index = idx < st->max_index ? idx : st->max_index;
    else
        st->included |= protocol_names[idx].bit;
    return 0;
}

int tls_protocols_parse(const char *text, unsigned *mask, char **err)
{
    struct proto_state st = {0, 0, 0, (int) N_PROTOCOLS - 1};
    const char *p = text;
    unsigned result;

    while (*p) {
        const char *start;

        while (*p && is_separator(*p))
            p++;
        start = p;
        while (*p && !is_separator(*p))
            p++;
        if (p > start && apply_word(&st, start, (size_t) (p - start), err) < 0)
            return -1;
    }
    result = st.included ? st.included : TLS_PROTO_ALL;
    result &= ~st.excluded;
    result &= st.min_index <= st.max_index ? range_bits(st.min_index, st.max_index) : 0;
    if ((result & TLS_PROTO_USABLE) == 0) {
        errstr_set(err, "TLS protocol list \"%.64s\" enables no supported protocol", text);
        return -1;
    }
    *mask = result & TLS_PROTO_USABLE;
    return 0;
}

int tls_cipher_grade_parse(const char *text, enum tls_cipher_grade *grade, char **err)
{
    static const struct {
        const char *name;
        enum tls_cipher_grade grade;
    } grades[] = {
        {"high", TLS_GRADE_HIGH},     {"medium", TLS_GRADE_MEDIUM},
        {"low", TLS_GRADE_MEDIUM},    {"export", TLS_GRADE_MEDIUM},
        {"null", TLS_GRADE_NULL},
    };

    for (size_t i = 0; i < sizeof(grades) / sizeof(grades[0]); i++)
        if (strcasecmp(text, grades[i].name) == 0) {
            *grade = grades[i].grade;
            return 0;
        }
    errstr_set(err, "invalid TLS cipher grade \"%.64s\"", text);
    return -1;
}

static const char *const level_names[] = {"none", "may", "encrypt", "verify", "secure"};

int tls_level_parse(const char *text, enum tls_level *level, char **err)
{
    for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
        if (strcasecmp(text, level_names[i]) == 0) {
            *level = (enum tls_level) i;
            return 0;
        }
    errstr_set(err, "invalid TLS security level \"%.64s\"", text);
    return -1;
}

const char *tls_level_name(enum tls_level level)
{
    return (unsigned) level < sizeof(level_names) / sizeof(level_names[0])
        ? level_names[level] : "invalid";
}
