/* queue_id.c - make and parse queue ids (see queue_id.h for the format).
 * Pure functions: no I/O, no allocation. */
#include "queue/queue_id.h"

#include <string.h>

static const char id_digits[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop";
#define ID_BASE 52

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'p')
        return c - 'a' + 36;
    return -1;
}

/* Writes value in exactly width digits; false if it does not fit. */
static bool put_fixed(char *out, int width, uint64_t value)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = id_digits[value % ID_BASE];
        value /= ID_BASE;
    }
    return value == 0;
}

/* Writes value (> 0) without leading zeros; returns the digit count. */
static int put_variable(char *out, uint64_t value)
{
    char tmp[16];
    int n = 0;

    while (value > 0) {
        tmp[n++] = id_digits[value % ID_BASE];
        value /= ID_BASE;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

bool queue_id_make(char out[QUEUE_ID_SIZE], const struct timespec *when,
                   uint64_t inode)
{
    long usec = when->tv_nsec / 1000;
    int n;

    if (when->tv_sec < 0 || inode == 0 || usec < 0 || usec > 999999)
        return false;
    if (!put_fixed(out, 6, (uint64_t) when->tv_sec))
        return false;
    if (!put_fixed(out + 6, 4, (uint64_t) usec))
        return false;
    n = put_variable(out + QUEUE_ID_TIME_LEN, inode);
    out[QUEUE_ID_TIME_LEN + n] = '\0';
    return true;
}

/* Decodes len digits; false on a foreign character or overflow. */
static bool get_digits(const char *s, size_t len, uint64_t *value)
{
    uint64_t v = 0;

    for (size_t i = 0; i < len; i++) {
        int d = digit_value(s[i]);
        if (d < 0 || v > (UINT64_MAX - (uint64_t) d) / ID_BASE)
            return false;
        v = v * ID_BASE + (uint64_t) d;
    }
    *value = v;
    return true;
}

bool queue_id_parse(const char *id, queue_id_parts_t *parts)
{
    size_t len;
    uint64_t secs, usec, inode;

    if (id == NULL)
        return false;
    len = strnlen(id, QUEUE_ID_MAX_LEN + 1);
    if (len < QUEUE_ID_MIN_LEN || len > QUEUE_ID_MAX_LEN)
        return false;
    if (!get_digits(id, 6, &secs) || !get_digits(id + 6, 4, &usec)
        || !get_digits(id + QUEUE_ID_TIME_LEN, len - QUEUE_ID_TIME_LEN, &inode))
        return false;
    if (usec > 999999 || id[QUEUE_ID_TIME_LEN] == '0' || inode == 0)
        return false;
    if (parts != NULL) {
        parts->seconds = (int64_t) secs;
        parts->microseconds = (long) usec;
        parts->inode = inode;
    }
    return true;
}
