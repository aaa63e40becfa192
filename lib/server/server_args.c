/* server_args.c - parse the daemon command line (see server_args.h).
 * Flags may be clustered ("-uc"); a flag's value may be attached ("-nsmtp")
 * or the next argument. "--" ends the flags; so does the first argument
 * that does not start with '-'. */
#include "server/server_args.h"

#include <limits.h>
#include <string.h>

#include "server/server.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/strutil.h"

static int fail(char **err, const char *fmt, const char *arg)
{
    buf_t b = BUF_INIT;

    buf_printf(&b, fmt, arg);
    *err = buf_detach(&b);
    buf_dispose(&b);
    return -1;
}

static void add_override(struct server_args *a, const char *value)
{
    a->overrides = xreallocarray(a->overrides, (size_t) a->override_count + 2,
                                 sizeof(*a->overrides));
    a->overrides[a->override_count++] = value;
    a->overrides[a->override_count] = NULL;
}

/* Applies a flag that takes a value. */
static int value_flag(struct server_args *a, char flag, const char *value,
                      char **err)
{
    long n;

    switch (flag) {
    case 'n':
        a->service_name = value;
        return 0;
    case 't':
        a->transport = value;
        return 0;
    case 'o':
        if (strchr(value, '=') == NULL || value[0] == '=')
            return fail(err, "-o %s: expected name=value", value);
        add_override(a, value);
        return 0;
    case 's':
        if (!str_to_long(value, 1, SERVER_MAX_LISTENERS, &n))
            return fail(err, "-s %s: bad listener count", value);
        a->listen_count = (int) n;
        return 0;
    default:
        return fail(err, "internal: unexpected flag %s", "?");
    }
}

static int plain_flag(struct server_args *a, char flag)
{
    switch (flag) {
    case 'u':
        a->unprivileged = true;
        return 0;
    case 'c':
        a->chroot = true;
        return 0;
    case 'S':
        a->stand_alone = true;
        return 0;
    case 'v':
        a->verbose++;
        return 0;
    default:
        return -1;
    }
}

/* Parses one "-xyz" word; *i may advance past a separate value. */
static int parse_word(int argc, char **argv, int *i, struct server_args *a,
                      char **err)
{
    const char *p = argv[*i] + 1;
    char flag_text[3] = "-?";

    for (; *p; p++) {
        if (strchr("ntos", *p)) {
            char flag = *p;
            if (p[1])
                return value_flag(a, flag, p + 1, err);
            if (*i + 1 >= argc) {
                flag_text[1] = flag;
                return fail(err, "option %s requires a value", flag_text);
            }
            *i += 1;
            return value_flag(a, flag, argv[*i], err);
        }
        if (plain_flag(a, *p) < 0) {
            flag_text[1] = *p;
            return fail(err, "invalid option %s", flag_text);
        }
    }
    return 0;
}

int server_args_parse(int argc, char **argv, struct server_args *out,
                      char **err)
{
    int i;

    memset(out, 0, sizeof(*out));
    out->service_name = "";
    out->transport = "";
    out->listen_count = 1;
    out->overrides = xcalloc(1, sizeof(*out->overrides));
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (argv[i][0] != '-' || argv[i][1] == '\0')
            break;
        if (parse_word(argc, argv, &i, out, err) < 0) {
            server_args_free(out);
            return -1;
        }
    }
    out->rest_argc = argc - i;
    out->rest_argv = argv + i;
    return 0;
}

void server_args_free(struct server_args *a)
{
    xfree(a->overrides);
    a->overrides = NULL;
    a->override_count = 0;
}
