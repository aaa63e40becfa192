/* attr_codec.c - frame encoding and strict decoding of the attribute
 * protocol (wire format in attr.h and docs/IPC.md). The decoder checks
 * every declared length against the bytes that remain and the limits
 * before using it, so hostile input fails with a message and never
 * allocates beyond the input size. */
#include "ipc/attr.h"
#include "ipc/attr_impl.h"
#include "util/errstr.h"
#include "util/msg.h"

#include <stdint.h>
#include <string.h>

static void put_u32(buf_t *out, size_t v)
{
    unsigned char b[4];

    b[0] = (unsigned char) (v >> 24);
    b[1] = (unsigned char) (v >> 16);
    b[2] = (unsigned char) (v >> 8);
    b[3] = (unsigned char) v;
    buf_append(out, b, 4);
}

static size_t get_u32(const unsigned char *p)
{
    return (size_t) p[0] << 24 | (size_t) p[1] << 16 | (size_t) p[2] << 8 | p[3];
}

void attr_encode(const attr_list_t *l, buf_t *out)
{
    size_t start = out->len, n = attr_count(l), body;

    put_u32(out, 0);                    /* body length, patched below */
    put_u32(out, n);
    for (size_t i = 0; i < n; i++) {
        const char *name = attr_name_at(l, i);
        const buf_t *value = attr_value_at(l, i);
        put_u32(out, strlen(name));
        buf_puts(out, name);
        put_u32(out, value->len);
        buf_append(out, value->data, value->len);
    }
    body = out->len - start - 4;
    if (body > UINT32_MAX)
        msg_panic("attr_encode: frame of %zu bytes is too large", body);
    out->data[start] = (char) (body >> 24);
    out->data[start + 1] = (char) (body >> 16);
    out->data[start + 2] = (char) (body >> 8);
    out->data[start + 3] = (char) body;
}

/* Takes a length word from the body cursor; -1 if fewer than 4 bytes. */
static int take_len(const unsigned char **p, size_t *left, size_t *out)
{
    if (*left < 4)
        return -1;
    *out = get_u32(*p);
    *p += 4;
    *left -= 4;
    return 0;
}

int attr_decode_body(const void *body, size_t len, const attr_limits_t *limits,
                     attr_list_t *l, char **err)
{
    const unsigned char *p = body;
    size_t left = len, count, name_len, value_len;
    const unsigned char *name;

    if (limits == NULL)
        limits = &attr_default_limits;
    attr_list_reset(l);
    if (len > limits->max_message) {
        errstr_set(err, "frame of %zu bytes exceeds the limit of %zu", len, limits->max_message);
        return -1;
    }
    if (take_len(&p, &left, &count) < 0) {
        errstr_set(err, "truncated frame: no attribute count");
        return -1;
    }
    if (count > limits->max_count) {
        errstr_set(err, "%zu attributes exceed the limit of %zu", count, limits->max_count);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        if (take_len(&p, &left, &name_len) < 0 || name_len > left) {
            errstr_set(err, "truncated frame in attribute %zu name", i + 1);
            goto fail;
        }
        name = p;
        p += name_len;
        left -= name_len;
        if (take_len(&p, &left, &value_len) < 0 || value_len > left) {
            errstr_set(err, "truncated frame in attribute %zu value", i + 1);
            goto fail;
        }
        if (value_len > limits->max_value) {
            errstr_set(err, "attribute %zu value of %zu bytes exceeds the limit of %zu",
                       i + 1, value_len, limits->max_value);
            goto fail;
        }
        if (attr_list_add(l, (const char *) name, name_len, p, value_len) < 0) {
            errstr_set(err, "attribute %zu: bad or duplicate name", i + 1);
            goto fail;
        }
        p += value_len;
        left -= value_len;
    }
    if (left != 0) {
        errstr_set(err, "%zu bytes of junk after the last attribute", left);
        goto fail;
    }
    return 0;
fail:
    attr_list_reset(l);
    return -1;
}

int attr_decode(const void *frame, size_t len, const attr_limits_t *limits,
                attr_list_t *l, char **err)
{
    size_t body;

    attr_list_reset(l);
    if (len < 4) {
        errstr_set(err, "truncated frame: no length");
        return -1;
    }
    body = get_u32(frame);
    if (body != len - 4) {
        errstr_set(err, "frame length %zu does not match the %zu bytes given", body, len - 4);
        return -1;
    }
    return attr_decode_body((const unsigned char *) frame + 4, len - 4, limits, l, err);
}
