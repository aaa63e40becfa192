/* sendmail_args.c - parse the sendmail(1) command line (see
 * sendmail_args.h). Unknown options and bad values return -1 with *err. */
#include "sendmail_args.h"

#include <string.h>
#include <strings.h>

#include "queue/qrec.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strutil.h"

static int usage(char **err, const char *fmt, const char *what)
{
    buf_t b = BUF_INIT;

    buf_printf(&b, fmt, what);
    *err = buf_detach(&b);
    return -1;
}

int sendmail_parse_notify(const char *text)
{
    char *copy = xstrdup(text);
    char *cursor = copy, *word;
    int bits = 0, never = 0;

    while ((word = str_token(&cursor, ", \t")) != NULL) {
        if (strcasecmp(word, "success") == 0)
            bits |= QDSN_NOTIFY_SUCCESS;
        else if (strcasecmp(word, "failure") == 0)
            bits |= QDSN_NOTIFY_FAILURE;
        else if (strcasecmp(word, "delay") == 0)
            bits |= QDSN_NOTIFY_DELAY;
        else if (strcasecmp(word, "never") == 0)
            never = 1;
        else
            bits = -1;
        if (bits < 0)
            break;
    }
    xfree(copy);
    if (bits < 0 || (never && bits) || (!never && !bits))
        return -1;
    return never ? QDSN_NOTIFY_NEVER : bits;
}

static int parse_b(struct sendmail_args *a, const char *mode, char **err)
{
    if (strcmp(mode, "m") == 0)
        a->mode = SENDMAIL_DELIVER;
    else if (strcmp(mode, "p") == 0)
        a->mode = SENDMAIL_MAILQ;
    else if (strcmp(mode, "i") == 0)
        a->mode = SENDMAIL_NEWALIASES;
    else if (strcmp(mode, "s") == 0)
        a->mode = SENDMAIL_SMTP;
    else
        return usage(err, "unsupported: -b%s", mode);
    return 0;
}

/* Options with a value: the rest of the word or the next argument. */
static const char WITH_VALUE[] = "BCFLNORVXbcefhopqr";
static const char NO_VALUE[] = "GIUimntvx";

static int apply(struct sendmail_args *a, char opt, const char *value, char **err)
{
    switch (opt) {
    case 'b':
        return parse_b(a, value, err);
    case 'C':
    case 'c':
        a->config_dir = value;
        break;
    case 'F':
        a->full_name = value;
        break;
    case 'f':
    case 'r':
        a->sender = value;
        break;
    case 'N':
        if ((a->notify = sendmail_parse_notify(value)) < 0)
            return usage(err, "bad -N value: %s", value);
        break;
    case 'R':
        if (strcasecmp(value, "full") == 0)
            a->ret = QDSN_RET_FULL;
        else if (strcasecmp(value, "hdrs") == 0)
            a->ret = QDSN_RET_HDRS;
        else
            return usage(err, "bad -R value: %s", value);
        break;
    case 'V':
        a->envid = value;
        break;
    case 'o':
        if (strcmp(value, "i") == 0)
            a->ignore_dot = true;
        break;                  /* other -oX options are ignored */
    case 'q':
        a->mode = SENDMAIL_FLUSH;   /* -qINTERVAL, -qRsite: flush too */
        break;
    case 'I':
        a->mode = SENDMAIL_NEWALIASES;
        break;
    case 'i':
        a->ignore_dot = true;
        break;
    case 't':
        a->extract = true;
        break;
    case 'v':
        a->verbose++;
        break;
    default:
        break;                  /* accepted and ignored */
    }
    return 0;
}

int sendmail_parse_args(int argc, char **argv, struct sendmail_args *a, char **err)
{
    int i;

    memset(a, 0, sizeof(*a));
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        size_t k;

        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        if (arg[0] != '-' || arg[1] == 0)
            break;
        if (strcmp(arg, "-q") == 0) {
            a->mode = SENDMAIL_FLUSH;
            continue;
        }
        for (k = 1; arg[k]; k++) {
            char opt = arg[k];

            if (strchr(WITH_VALUE, opt)) {
                const char *value = arg[k + 1] ? arg + k + 1 : argv[++i];

                if (value == NULL || i >= argc)
                    return usage(err, "option -%s requires a value", (char[]) {opt, 0});
                if (apply(a, opt, value, err) < 0)
                    return -1;
                break;
            }
            if (!strchr(NO_VALUE, opt))
                return usage(err, "unknown option -%s", (char[]) {opt, 0});
            if (apply(a, opt, NULL, err) < 0)
                return -1;
        }
    }
    a->recipients = argv + i;
    a->recipient_count = argc - i;
    return 0;
}
