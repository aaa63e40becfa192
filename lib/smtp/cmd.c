/* cmd.c - SMTP command line splitting and BDAT arguments (see cmd.h). */
#include "smtp/cmd.h"

#include <string.h>
#include <strings.h>

#include "smtp/reply.h"
#include "util/strutil.h"

static bool is_blank(int c)
{
    return c == ' ' || c == '\t';
}

static bool is_verb_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-';
}

int smtp_cmd_split(const char *line, size_t len, smtp_cmd_t *cmd)
{
    size_t pos = 0, n = 0, end = len;

    memset(cmd, 0, sizeof(*cmd));
    cmd->args = line + len;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) line[i];

        if ((c < 32 && c != '\t') || c == 127)
            return SMTP_CMD_BAD_BYTES;
    }
    while (pos < len && is_blank((unsigned char) line[pos]))
        pos++;
    if (pos == len)
        return SMTP_CMD_EMPTY;
    while (pos < len && is_verb_char((unsigned char) line[pos])) {
        if (n == SMTP_VERB_MAX)
            return SMTP_CMD_BAD_VERB;
        char c = line[pos++];
        cmd->verb[n++] = (c >= 'a' && c <= 'z') ? (char) (c - 'a' + 'A') : c;
    }
    cmd->verb[n] = '\0';
    if (n == 0 || (pos < len && !is_blank((unsigned char) line[pos])))
        return SMTP_CMD_BAD_VERB;
    while (pos < len && is_blank((unsigned char) line[pos]))
        pos++;
    while (end > pos && is_blank((unsigned char) line[end - 1]))
        end--;
    cmd->args = line + pos;
    cmd->args_len = end - pos;
    return SMTP_CMD_OK;
}

bool smtp_cmd_is(const smtp_cmd_t *cmd, const char *verb)
{
    return str_case_eq(cmd->verb, verb);
}

static int bdat_syntax(buf_t *reply)
{
    buf_reset(reply);
    smtp_reply_std(reply, SMTP_R_SYNTAX_BDAT, NULL);
    return -1;
}

int smtp_bdat_parse(const char *args, size_t len, uint64_t *count, bool *last, buf_t *reply)
{
    size_t pos = 0;
    uint64_t n = 0;

    *count = 0;
    *last = false;
    if (len == 0 || !(args[0] >= '0' && args[0] <= '9'))
        return bdat_syntax(reply);
    while (pos < len && args[pos] >= '0' && args[pos] <= '9') {
        unsigned d = (unsigned) (args[pos++] - '0');

        if (n > (UINT64_C(0x7fffffffffffffff) - d) / 10)
            return bdat_syntax(reply);
        n = n * 10 + d;
    }
    if (pos < len) {
        if (!is_blank((unsigned char) args[pos]))
            return bdat_syntax(reply);
        while (pos < len && is_blank((unsigned char) args[pos]))
            pos++;
        if (len - pos != 4 || strncasecmp(args + pos, "LAST", 4) != 0)
            return bdat_syntax(reply);
        *last = true;
    }
    *count = n;
    return 0;
}
