/* pw_scheme.c - password scheme names, verification through libxcrypt's
 * crypt_rn() and hash making through crypt_gensalt_rn() (see pw_scheme.h).
 * Nothing here logs; callers decide what to say. */
#include <crypt.h>
#include <errno.h>
#include <string.h>

#include "passdb/pw_scheme.h"
#include "util/buf.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/strutil.h"

struct scheme_name {
    const char *name;
    pw_scheme_t scheme;
    const char *salt_prefix;    /* for making; NULL: not a crypt scheme */
    unsigned long cost;         /* 0: libxcrypt's default */
};

static const struct scheme_name schemes[] = {
    {"PLAIN", PW_SCHEME_PLAIN, NULL, 0},
    {"CLEAR", PW_SCHEME_PLAIN, NULL, 0},
    {"CLEARTEXT", PW_SCHEME_PLAIN, NULL, 0},
    {"CRYPT", PW_SCHEME_CRYPT, "$2y$", 5},
    {"DES-CRYPT", PW_SCHEME_DES_CRYPT, "", 0},
    {"MD5-CRYPT", PW_SCHEME_MD5_CRYPT, "$1$", 0},
    {"SHA256-CRYPT", PW_SCHEME_SHA256_CRYPT, "$5$", 0},
    {"SHA512-CRYPT", PW_SCHEME_SHA512_CRYPT, "$6$", 0},
    {"BLF-CRYPT", PW_SCHEME_BLF_CRYPT, "$2y$", 5},
    {"YESCRYPT", PW_SCHEME_YESCRYPT, "$y$", 0},
};

#define SCHEME_COUNT (sizeof(schemes) / sizeof(schemes[0]))

static const struct scheme_name *scheme_entry(pw_scheme_t scheme)
{
    for (size_t i = 0; i < SCHEME_COUNT; i++)
        if (schemes[i].scheme == scheme)
            return &schemes[i];
    return NULL;
}

pw_scheme_t pw_scheme_by_name(const char *name, bool for_making)
{
    for (size_t i = 0; i < SCHEME_COUNT; i++) {
        if (!str_case_eq(schemes[i].name, name))
            continue;
        if (schemes[i].scheme == PW_SCHEME_YESCRYPT && !for_making)
            return PW_SCHEME_NONE;
        return schemes[i].scheme;
    }
    return PW_SCHEME_NONE;
}

const char *pw_scheme_name(pw_scheme_t scheme)
{
    const struct scheme_name *e;

    if (scheme == PW_SCHEME_YESCRYPT)
        return "CRYPT";
    e = scheme_entry(scheme);
    return e ? e->name : "";
}

bool pw_scheme_is_crypt(pw_scheme_t scheme)
{
    return scheme != PW_SCHEME_NONE && scheme != PW_SCHEME_PLAIN;
}

bool pw_equal_const_time(const void *a, size_t alen, const void *b, size_t blen)
{
    const volatile unsigned char *pa = a, *pb = b;
    size_t n = alen > blen ? alen : blen;
    unsigned char diff = alen != blen;

    for (size_t i = 0; i < n; i++) {
        unsigned char ca = i < alen ? pa[i] : 0;
        unsigned char cb = i < blen ? pb[i] : 0;

        diff |= (unsigned char) (ca ^ cb);
    }
    return diff == 0;
}

static bool crypt_b64(const char *s, size_t len)
{
    static const char alphabet[] =
        "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    for (size_t i = 0; i < len; i++)
        if (s[i] == '\0' || strchr(alphabet, s[i]) == NULL)
            return false;
    return true;
}

/* crypt_checksalt() looks at the setting only; a stored hash must also
 * carry its checksum: 13 characters for DES, 20 for BSDi's "_" form, a
 * non-empty last "$" field otherwise. */
static bool complete_hash(const char *hash)
{
    size_t len = strlen(hash);
    const char *last;

    if (hash[0] == '_')
        return len == 20 && crypt_b64(hash + 1, len - 1);
    if (hash[0] != '$')
        return len == 13 && crypt_b64(hash, len);
    last = strrchr(hash, '$');
    return last[1] != '\0' && crypt_b64(last + 1, strlen(last + 1));
}

int pw_hash_check(pw_scheme_t scheme, const char *hash, const char **why)
{
    if (scheme == PW_SCHEME_PLAIN)
        return 0;
    if (!pw_scheme_is_crypt(scheme)) {
        *why = "unknown password scheme";
        return -1;
    }
    switch (crypt_checksalt(hash)) {
    case CRYPT_SALT_OK:
    case CRYPT_SALT_METHOD_LEGACY:
    case CRYPT_SALT_TOO_CHEAP:
        if (complete_hash(hash))
            return 0;
        *why = "not a crypt(3) hash";
        return -1;
    case CRYPT_SALT_METHOD_DISABLED:
        *why = "hash method disabled in libxcrypt";
        return -1;
    default:
        *why = "not a crypt(3) hash";
        return -1;
    }
}

int pw_verify(pw_scheme_t scheme, const char *hash, const char *password,
              size_t password_len)
{
    struct crypt_data *data;
    const char *result;
    int match;

    if (scheme == PW_SCHEME_PLAIN)
        return pw_equal_const_time(hash, strlen(hash), password, password_len);
    if (!pw_scheme_is_crypt(scheme))
        return -1;
    /* crypt(3) reads a C string: a password with NUL never matches. */
    if (memchr(password, '\0', password_len) != NULL)
        return 0;
    data = xcalloc(1, sizeof(*data));
    result = crypt_rn(password, hash, data, (int) sizeof(*data));
    if (result == NULL || result[0] == '*') {
        explicit_bzero(data, sizeof(*data));
        xfree(data);
        return -1;
    }
    match = pw_equal_const_time(result, strlen(result), hash, strlen(hash));
    explicit_bzero(data, sizeof(*data));
    xfree(data);
    return match;
}

static int make_crypt(const struct scheme_name *e, const char *password,
                      buf_t *out, char **err)
{
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    struct crypt_data *data;
    const char *result;

    if (crypt_gensalt_rn(e->salt_prefix, e->cost, NULL, 0, setting,
                         (int) sizeof(setting)) == NULL) {
        errstr_errno(err, errno, "crypt_gensalt %s", e->name);
        return -1;
    }
    data = xcalloc(1, sizeof(*data));
    result = crypt_rn(password, setting, data, (int) sizeof(*data));
    if (result == NULL || result[0] == '*') {
        explicit_bzero(data, sizeof(*data));
        xfree(data);
        errstr_set(err, "crypt %s failed", e->name);
        return -1;
    }
    buf_puts(out, result);
    explicit_bzero(data, sizeof(*data));
    xfree(data);
    return 0;
}

int pw_scheme_make(pw_scheme_t scheme, const char *password, char **out,
                   char **err)
{
    const struct scheme_name *e = scheme_entry(scheme);
    buf_t b = BUF_INIT;

    if (e == NULL) {
        errstr_set(err, "unknown password scheme");
        return -1;
    }
    buf_init(&b);
    buf_printf(&b, "{%s}", pw_scheme_name(scheme));
    if (scheme == PW_SCHEME_PLAIN) {
        buf_puts(&b, password);
    } else if (make_crypt(e, password, &b, err) < 0) {
        buf_dispose(&b);
        return -1;
    }
    *out = buf_detach(&b);
    return 0;
}
