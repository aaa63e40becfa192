/* script.c - scripted SMTP session tester over an in-memory stream
 * transport (see script.h). */
#include "script.h"

#include <string.h>

#include "util/buf.h"
#include "util/mem.h"

struct script {
    const char *const *steps;
    const size_t *steps_len;
    size_t n;
    size_t pos;             /* next step */
    buf_t input;            /* client bytes not yet read by the server */
    size_t input_off;
    buf_t output;           /* server bytes not yet matched */
    buf_t why;              /* first failure */
};

static size_t step_len(const struct script *sc, size_t i)
{
    return sc->steps_len ? sc->steps_len[i] : strlen(sc->steps[i]);
}

static void failure(struct script *sc, const char *what, const char *step)
{
    if (sc->why.len == 0)
        buf_printf(&sc->why, "%s at step %zu '%s'; unmatched output: '%s'", what, sc->pos,
                   step, sc->output.data);
}

/* Matches "S:" steps against complete output lines; stops at the first
 * step that has no output line yet. */
static void match_output(struct script *sc)
{
    while (sc->pos < sc->n && sc->steps[sc->pos][0] == 'S' && sc->why.len == 0) {
        const char *step = sc->steps[sc->pos];
        const char *want = step + 3;
        char *crlf = strstr(sc->output.data, "\r\n");
        size_t line_len, want_len = strlen(want);

        if (crlf == NULL)
            return;
        line_len = (size_t) (crlf - sc->output.data);
        if (step[1] == ':' ? (line_len != want_len || memcmp(sc->output.data, want, want_len))
            : (line_len < want_len || memcmp(sc->output.data, want, want_len))) {
            failure(sc, "reply mismatch", step);
            return;
        }
        memmove(sc->output.data, crlf + 2, sc->output.len - line_len - 2 + 1);
        sc->output.len -= line_len + 2;
        sc->pos++;
    }
}

static ssize_t script_read(void *ctx, void *data, size_t len)
{
    struct script *sc = ctx;
    size_t avail;

    if (sc->input_off == sc->input.len) {
        match_output(sc);
        if (sc->pos < sc->n && sc->steps[sc->pos][0] == 'S')
            failure(sc, "server waits for input but a reply is expected", sc->steps[sc->pos]);
        if (sc->why.len)
            return 0;
        buf_reset(&sc->input);
        sc->input_off = 0;
        while (sc->pos < sc->n && sc->steps[sc->pos][0] != 'S') {
            buf_append(&sc->input, sc->steps[sc->pos] + 3, step_len(sc, sc->pos) - 3);
            if (sc->steps[sc->pos][0] == 'C')
                buf_append(&sc->input, "\r\n", 2);
            sc->pos++;
        }
    }
    avail = sc->input.len - sc->input_off;
    if (len > avail)
        len = avail;
    memcpy(data, sc->input.data + sc->input_off, len);
    sc->input_off += len;
    return (ssize_t) len;
}

static ssize_t script_write(void *ctx, const void *data, size_t len)
{
    struct script *sc = ctx;

    buf_append(&sc->output, data, len);
    return (ssize_t) len;
}

int smtp_script_run(smtpd_session_t *s, const char *const *steps, const size_t *steps_len,
                    size_t n, enum smtpd_end *end, char **why)
{
    static const stream_transport_t transport = {script_read, script_write, NULL, NULL};
    struct script sc = {steps, steps_len, n, 0, BUF_INIT, 0, BUF_INIT, BUF_INIT};
    stream_t *st;
    enum smtpd_end e;

    buf_init(&sc.input);
    buf_init(&sc.output);
    buf_init(&sc.why);
    st = stream_open(&transport, &sc, -1, 0);
    e = smtpd_session_run(s, st);
    (void) stream_flush(st);
    stream_close(st);
    match_output(&sc);
    if (sc.pos < sc.n)
        failure(&sc, "script not finished", sc.steps[sc.pos]);
    else if (sc.output.len)
        failure(&sc, "unexpected output", "(end)");
    if (end)
        *end = e;
    buf_dispose(&sc.input);
    buf_dispose(&sc.output);
    if (sc.why.len) {
        *why = buf_detach(&sc.why);
        return -1;
    }
    buf_dispose(&sc.why);
    *why = NULL;
    return 0;
}
