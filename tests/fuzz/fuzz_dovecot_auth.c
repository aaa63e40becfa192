/* fuzz_dovecot_auth.c - fuzz target for the Dovecot authentication
 * protocol reader of lib/sasl: the input is a server's byte stream, cut
 * into lines at LF; lines go to the handshake until DONE, then to the
 * answer parser (request id 1). Invariant: every split field escapes and
 * splits back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sasl/dovecot_proto.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(const dovecot_fields_t *f)
{
    dovecot_fields_t again;
    buf_t line = BUF_INIT;

    buf_init(&line);
    for (size_t i = 0; i < f->count; i++) {
        if (i)
            buf_putc(&line, '\t');
        dovecot_escape(&line, f->field[i].data, f->field[i].len);
    }
    dovecot_fields_init(&again);
    if (line.len <= DOVECOT_LINE_MAX) {
        if (dovecot_fields_split(&again, line.data, line.len, NULL) < 0 || again.count != f->count)
            abort();
        for (size_t i = 0; i < f->count; i++)
            if (again.field[i].len != f->field[i].len
                || memcmp(again.field[i].data, f->field[i].data, f->field[i].len) != 0)
                abort();
    }
    dovecot_fields_dispose(&again);
    buf_dispose(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *) data, *end = p + size;
    dovecot_handshake_t hs;
    dovecot_answer_t answer;
    dovecot_fields_t f;
    bool done = false;

    dovecot_handshake_init(&hs);
    dovecot_answer_init(&answer);
    dovecot_fields_init(&f);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);
        char *err = NULL;

        if (dovecot_fields_split(&f, p, len, &err) == 0) {
            check_round_trip(&f);
            if (!done) {
                int rc = dovecot_handshake_line(&hs, &f, &err);

                if (rc < 0 && err == NULL)
                    abort();
                done = rc == 1;
            } else if (dovecot_answer_parse(&answer, &f, 1, &err) < 0 && err == NULL) {
                abort();
            }
        }
        xfree(err);
        p += len + (nl != NULL);
    }
    if (hs.mech_count > DOVECOT_MECHS_MAX)
        abort();
    dovecot_fields_dispose(&f);
    dovecot_answer_dispose(&answer);
    dovecot_handshake_dispose(&hs);
    return 0;
}
