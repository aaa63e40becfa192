/* policy_access.c - parses access(5) table results into an action, a
 * code and the text (see policy_access.h). Pure function, no allocation. */
#include "policy/policy_access.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *word;
    access_action_t action;
    int needs_text;
} actions[] = {
    {"OK", ACCESS_OK, 0},
    {"DUNNO", ACCESS_DUNNO, 0},
    {"REJECT", ACCESS_REJECT, 0},
    {"DEFER", ACCESS_DEFER, 0},
    {"DEFER_IF_REJECT", ACCESS_DEFER_IF_REJECT, 0},
    {"DEFER_IF_PERMIT", ACCESS_DEFER_IF_PERMIT, 0},
    {"HOLD", ACCESS_HOLD, 0},
    {"DISCARD", ACCESS_DISCARD, 0},
    {"PREPEND", ACCESS_PREPEND, 1},
    {"WARN", ACCESS_WARN, 1},
    {"INFO", ACCESS_INFO, 1},
    {"FILTER", ACCESS_UNSUPPORTED, 0},
    {"REDIRECT", ACCESS_UNSUPPORTED, 0},
    {"BCC", ACCESS_UNSUPPORTED, 0},
};

static int is_blank(int c)
{
    return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *s)
{
    while (is_blank((unsigned char) *s))
        s++;
    return s;
}

static int all_digits(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char) *s))
            return 0;
    return 1;
}

/* Counts 1..max digits at s; 0 when there are none or too many. */
static int digit_run(const char *s, int max)
{
    int n = 0;

    while (isdigit((unsigned char) s[n]))
        n++;
    return n >= 1 && n <= max ? n : 0;
}

int policy_dsn_prefix(const char *text, char *dsn, int size)
{
    int a, b, len;

    if (!isdigit((unsigned char) text[0]) || text[1] != '.')
        return 0;
    if ((a = digit_run(text + 2, 3)) == 0 || text[2 + a] != '.')
        return 0;
    if ((b = digit_run(text + 3 + a, 3)) == 0)
        return 0;
    len = 3 + a + b;
    if (text[len] != '\0' && !is_blank((unsigned char) text[len]))
        return 0;
    if (text[0] != '2' && text[0] != '4' && text[0] != '5')
        return 0;
    if (len >= size)
        return 0;
    memcpy(dsn, text, (size_t) len);
    dsn[len] = '\0';
    return len;
}

static void parse_code(const char *value, access_result_t *r)
{
    const char *text = skip_blanks(value + 3);
    int n;

    r->code = (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
    if (value[0] != '4' && value[0] != '5') {
        r->action = ACCESS_BAD;
        r->why = "SMTP reply code must be 4xx or 5xx";
        return;
    }
    r->action = ACCESS_CODE;
    if ((n = policy_dsn_prefix(text, r->dsn, (int) sizeof(r->dsn))) > 0)
        text = skip_blanks(text + n);
    r->text = text;
}

void policy_access_parse(const char *value, access_result_t *r)
{
    size_t word_len, i;

    memset(r, 0, sizeof(*r));
    value = skip_blanks(value);
    r->text = value + strlen(value);
    if (all_digits(value)) {
        r->action = ACCESS_OK;
        return;
    }
    if (isdigit((unsigned char) value[0]) && isdigit((unsigned char) value[1])
        && isdigit((unsigned char) value[2]) && is_blank((unsigned char) value[3])) {
        parse_code(value, r);
        return;
    }
    for (word_len = 0; value[word_len] && !is_blank((unsigned char) value[word_len]); word_len++)
        continue;
    for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
        if (strlen(actions[i].word) != word_len
            || strncasecmp(actions[i].word, value, word_len) != 0)
            continue;
        r->action = actions[i].action;
        r->text = skip_blanks(value + word_len);
        if (r->action == ACCESS_UNSUPPORTED)
            r->why = "FILTER, REDIRECT and BCC actions are not implemented in Postern";
        else if (actions[i].needs_text && *r->text == '\0') {
            r->action = ACCESS_BAD;
            r->why = "action needs a text";
        }
        return;
    }
    r->action = ACCESS_RESTRICTIONS;
    r->text = value;
}
