/* postpasswd.c - makes a password hash for the auth service's
 * passwd-file, as "doveadm pw" does, or checks a password against one.
 *
 *   postpasswd [-s SCHEME] [-p PASSWORD] [-u USER]    print {SCHEME}hash
 *                                                     (USER:{SCHEME}hash)
 *   postpasswd -t HASH [-p PASSWORD]                  exit 0 on a match
 *   postpasswd -l                                     list the schemes
 *
 * Without -p the password is read from the terminal (twice, no echo), or
 * one line from standard input when it is not a terminal. The default
 * scheme is SHA512-CRYPT: every Dovecot and every libc verifies it;
 * YESCRYPT (stronger, written as {CRYPT}$y$...) needs a libxcrypt-based
 * system on the reading side. Exit status 1 with a message on standard
 * error for bad usage, an unknown scheme or a mismatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "passdb/pw_scheme.h"
#include "postpasswd_read.h"
#include "util/mem.h"
#include "util/msg.h"

#define USAGE "usage: postpasswd [-l] [-s scheme] [-p password] [-u user] [-t hash]"

static const char *const listed_schemes[] = {
    "SHA512-CRYPT", "SHA256-CRYPT", "BLF-CRYPT", "YESCRYPT", "MD5-CRYPT",
    "DES-CRYPT", "CRYPT", "PLAIN", "CLEAR", "CLEARTEXT",
};

static int list_schemes(void)
{
    for (size_t i = 0; i < sizeof(listed_schemes) / sizeof(listed_schemes[0]); i++)
        printf("%s%s", i ? " " : "", listed_schemes[i]);
    printf("\n");
    return 0;
}

/* "{SCHEME}hash" or a bare crypt hash (Dovecot's CRYPT). */
static int test_hash(const char *stored, const char *password)
{
    pw_scheme_t scheme = PW_SCHEME_CRYPT;
    const char *hash = stored, *close, *why = NULL;
    int rc;

    if (stored[0] == '{' && (close = strchr(stored, '}')) != NULL) {
        char *name = xstrndup(stored + 1, (size_t) (close - stored - 1));

        scheme = pw_scheme_by_name(name, false);
        if (scheme == PW_SCHEME_NONE)
            msg_fatal("unsupported password scheme: %s", name);
        xfree(name);
        hash = close + 1;
    }
    if (pw_hash_check(scheme, hash, &why) < 0)
        msg_fatal("bad hash: %s", why);
    rc = pw_verify(scheme, hash, password, strlen(password));
    if (rc == 1) {
        printf("%s (verified)\n", stored);
        return 0;
    }
    msg_warn("password mismatch");
    return 1;
}

int main(int argc, char **argv)
{
    const char *scheme_name = "SHA512-CRYPT", *user = NULL, *test = NULL;
    char *password = NULL, *out = NULL, *err = NULL;
    pw_scheme_t scheme;
    int c, rc;

    msg_init("postpasswd", MSG_SINK_STDERR);
    while ((c = getopt(argc, argv, "lp:s:t:u:")) != -1) {
        switch (c) {
        case 'l':
            return list_schemes();
        case 'p':
            password = xstrdup(optarg);
            explicit_bzero(optarg, strlen(optarg));
            break;
        case 's':
            scheme_name = optarg;
            break;
        case 't':
            test = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        default:
            msg_fatal(USAGE);
        }
    }
    if (optind != argc)
        msg_fatal(USAGE);
    scheme = pw_scheme_by_name(scheme_name, true);
    if (scheme == PW_SCHEME_NONE)
        msg_fatal("unknown scheme: %s (postpasswd -l lists them)", scheme_name);
    if (password == NULL && password_read(&password, &err) < 0)
        msg_fatal("%s", err);
    if (test != NULL) {
        rc = test_hash(test, password);
    } else if (pw_scheme_make(scheme, password, &out, &err) < 0) {
        msg_fatal("%s", err);
    } else {
        printf("%s%s%s\n", user ? user : "", user ? ":" : "", out);
        rc = 0;
    }
    explicit_bzero(password, strlen(password));
    xfree(password);
    xfree(out);
    return fflush(stdout) == 0 ? rc : 1;
}
