/* fuzz_auth_proto.c - fuzz target for the auth service's protocol reader
 * (auth/auth_proto.c). Input: byte 0 picks the chunk size in which the
 * rest arrives; lines are taken out of the growing buffer as the daemon
 * does and parsed. Checks: no line is longer than AUTH_LINE_MAX or holds
 * LF; a parsed AUTH has a mechanism, a non-empty service and an id of 32
 * bits; tab-escaping any line and unescaping it gives the line back.
 * Violations abort. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_proto.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_escape(const buf_t *line)
{
    buf_t esc = BUF_INIT, back = BUF_INIT;

    buf_init(&esc);
    buf_init(&back);
    auth_tab_escape(&esc, line->data, line->len);
    if (memchr(esc.data, '\t', esc.len) || memchr(esc.data, '\n', esc.len)
        || auth_tab_unescape(&back, esc.data, esc.len) != 0
        || back.len != line->len || memcmp(back.data, line->data, back.len) != 0)
        abort();
    buf_dispose(&esc);
    buf_dispose(&back);
}

static void check_line(const buf_t *line)
{
    struct auth_cmd cmd;
    char *err = NULL;

    if (line->len > AUTH_LINE_MAX || memchr(line->data, '\n', line->len))
        abort();
    check_escape(line);
    if (auth_cmd_parse(line->data, line->len, &cmd, &err) < 0) {
        if (err == NULL)
            abort();
        xfree(err);
        return;
    }
    if (cmd.type == AUTH_CMD_AUTH
        && (cmd.mech == NULL || cmd.mech[0] == '\0' || cmd.service == NULL
            || cmd.service[0] == '\0' || cmd.id > 0xffffffffUL
            || (cmd.has_resp && cmd.data == NULL)))
        abort();
    if (cmd.type == AUTH_CMD_CONT && cmd.data == NULL)
        abort();
    auth_cmd_free(&cmd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf_t in = BUF_INIT, line = BUF_INIT;
    size_t chunk, pos = 1;
    int rc;

    if (size < 1)
        return 0;
    chunk = data[0] % 64 + 1;
    buf_init(&in);
    buf_init(&line);
    while (pos < size) {
        size_t n = size - pos < chunk ? size - pos : chunk;

        buf_append(&in, data + pos, n);
        pos += n;
        while ((rc = auth_line_take(&in, &line, AUTH_LINE_MAX)) == 1)
            check_line(&line);
        if (rc < 0)
            break;
    }
    buf_dispose(&in);
    buf_dispose(&line);
    return 0;
}
