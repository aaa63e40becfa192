/* fuzz_stream_line.c - fuzz target for the stream line reader.
 * Input: byte 0 picks the transport chunk size (1..16, or unlimited),
 * byte 1 the flags and line limit, the rest is the stream content. The
 * same content is read once through the chunked transport and once in
 * one piece; the lines and their endings must be identical (chunking must
 * never change the result), no line may exceed the limit, and a line that
 * ended normally holds no LF. Any violation aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t limits[] = {0, 1, 2, 5, 16, 100, 998, 4096, 10000};

/* Reads every line and records "<end><len><bytes>" in out. */
static void read_all(const uint8_t *data, size_t size, size_t chunk,
                     size_t limit, int flags, buf_t *out)
{
    stream_t *s = stream_open_memory(data, size, chunk, NULL);
    buf_t line = BUF_INIT;
    stream_line_end_t end;
    int r, rounds = 0;

    buf_init(&line);
    while ((r = stream_read_line(s, &line, limit, flags, &end)) == 1) {
        if (line.len > limit || line.data[line.len] != '\0')
            abort();
        if (end != STREAM_END_TOOLONG && memchr(line.data, '\n', line.len) != NULL)
            abort();
        if ((flags & STREAM_LINE_BARE_CR) && end != STREAM_END_TOOLONG
            && memchr(line.data, '\r', line.len) != NULL)
            abort();
        buf_putc(out, (int) end);
        buf_append(out, &line.len, sizeof(line.len));
        buf_append(out, line.data, line.len);
        if (++rounds > (int) size + 1)
            abort();            /* every line consumes at least one byte */
    }
    if (r != 0 || stream_error(s) != STREAM_OK || !stream_eof(s))
        abort();
    stream_close(s);
    buf_dispose(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf_t chunked = BUF_INIT, whole = BUF_INIT;
    size_t chunk, limit;
    int flags;

    if (size < 2)
        return 0;
    chunk = data[0] % 17;
    flags = data[1] & 1 ? STREAM_LINE_BARE_CR : 0;
    limit = limits[(data[1] >> 1) % (sizeof(limits) / sizeof(limits[0]))];
    buf_init(&chunked);
    buf_init(&whole);
    read_all(data + 2, size - 2, chunk, limit, flags, &chunked);
    read_all(data + 2, size - 2, 0, limit, flags, &whole);
    if (chunked.len != whole.len || memcmp(chunked.data, whole.data, whole.len) != 0)
        abort();
    buf_dispose(&chunked);
    buf_dispose(&whole);
    return 0;
}
