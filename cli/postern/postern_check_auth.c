/* postern_check_auth.c - the auth service's part of "postern check": the
 * passwd-file (auth_passwd_file) should not be readable or writable by
 * everybody, since it holds password hashes (or {PLAIN} passwords).
 * Only warns; a missing file is not reported (auth reports it itself
 * when a client connects). */
#include <sys/stat.h>

#include "config/config.h"
#include "postern.h"
#include "util/msg.h"

void postern_check_passwd_file(void)
{
    const char *path = cfg_str("auth_passwd_file");
    struct stat st;

    if (stat(path, &st) < 0)
        return;
    if (st.st_mode & (S_IROTH | S_IWOTH))
        msg_warn("%s: password file is %s by everybody; make it e.g. root:%s 0640",
                 path, st.st_mode & S_IWOTH ? "writable" : "readable",
                 cfg_str("mail_owner"));
}
