/* maildir_folder.c - Maildir++ folder names: "INBOX" is the Maildir root,
 * folder "a<sep>b" lives in root/.a.b (Dovecot's default Maildir++
 * layout, hierarchy separator '.'). Rejects names that would escape the
 * root or could not be mapped back. */
#include "maildir/maildir.h"
#include "util/mem.h"
#include "util/strutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FOLDER_NAME_MAX 255

static int bad_name(char **err, const char *why, const char *folder)
{
    if (err) {
        buf_t b = BUF_INIT;

        buf_printf(&b, "invalid mailbox name \"%s\": %s", folder, why);
        *err = buf_detach(&b);
    }
    errno = EINVAL;
    return -1;
}

int maildir_folder_to_dir(const char *root, const char *folder, char sep,
                          buf_t *out, char **err)
{
    size_t len = strlen(folder);
    bool level_start = true;

    buf_reset(out);
    if (str_case_eq(folder, "INBOX")) {
        buf_puts(out, root);
        return 0;
    }
    if (len == 0 || len > FOLDER_NAME_MAX)
        return bad_name(err, "empty or too long", folder);
    buf_printf(out, "%s/.", root);
    for (const char *p = folder; *p; p++) {
        unsigned char c = (unsigned char) *p;

        if (c == (unsigned char) sep) {
            if (level_start)
                return bad_name(err, "empty level", folder);
            buf_putc(out, '.');
            level_start = true;
            continue;
        }
        if (c < 0x20 || c == 0x7f || c == '/' || c == '.' )
            return bad_name(err, level_start && c == '.'
                            ? "level starts with '.'" : "bad character",
                            folder);
        buf_putc(out, (char) c);
        level_start = false;
    }
    if (level_start)
        return bad_name(err, "empty level", folder);
    return 0;
}

bool maildir_dir_to_folder(const char *entry, char sep, buf_t *out)
{
    bool level_start = true;

    buf_reset(out);
    if (entry[0] != '.' || entry[1] == '\0' || strcmp(entry, "..") == 0)
        return false;
    for (const char *p = entry + 1; *p; p++) {
        if (*p == '.') {
            if (level_start)
                return false;
            buf_putc(out, sep);
            level_start = true;
            continue;
        }
        if ((unsigned char) *p < 0x20 || *p == '/' || *p == sep)
            return false;
        buf_putc(out, *p);
        level_start = false;
    }
    return !level_start;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static bool has_cur(const char *root, const char *entry)
{
    buf_t path = BUF_INIT;
    struct stat st;
    bool ok;

    buf_printf(&path, "%s/%s/cur", root, entry);
    ok = stat(path.data, &st) == 0 && S_ISDIR(st.st_mode);
    buf_dispose(&path);
    return ok;
}

int maildir_folders(const char *root, char sep, char ***names, char **err)
{
    buf_t name = BUF_INIT;
    struct dirent *de;
    size_t count = 0, cap = 0;
    DIR *dp;

    *names = NULL;
    if ((dp = opendir(root)) == NULL) {
        int saved = errno;

        if (err) {
            buf_printf(&name, "open %s: %s", root, strerror(saved));
            *err = buf_detach(&name);
        }
        buf_dispose(&name);
        errno = saved;
        return -1;
    }
    while ((de = readdir(dp)) != NULL) {
        if (!maildir_dir_to_folder(de->d_name, sep, &name)
            || !has_cur(root, de->d_name))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            *names = xreallocarray(*names, cap, sizeof(**names));
        }
        (*names)[count++] = xstrdup(name.data);
    }
    closedir(dp);
    buf_dispose(&name);
    if (count > 1)
        qsort(*names, count, sizeof(**names), compare_strings);
    return (int) count;
}

void maildir_folders_free(char **names, int count)
{
    for (int i = 0; i < count; i++)
        xfree(names[i]);
    xfree(names);
}
