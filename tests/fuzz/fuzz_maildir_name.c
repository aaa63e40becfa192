/* fuzz_maildir_name.c - fuzz Maildir file name parsing, flag editing and
 * the Maildir++ folder name mapping (which must never produce a path that
 * leaves the root). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "maildir/maildir.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_folder(const char *text)
{
    buf_t dir = BUF_INIT, back = BUF_INIT;
    char *err = NULL;

    if (maildir_folder_to_dir("/r", text, '/', &dir, &err) == 0) {
        /* INBOX (any case) is the root itself: "/r". Any other folder is
         * exactly one directory below it: "/r/.NAME", no further '/'. */
        if (strncmp(dir.data, "/r", 2) != 0 || strstr(dir.data, "/.."))
            abort();
        if (dir.len > 2 && (strncmp(dir.data, "/r/.", 4) != 0 || strchr(dir.data + 3, '/')))
            abort();
        if (dir.len > 2 && (!maildir_dir_to_folder(dir.data + 3, '/', &back)
                            || strcmp(back.data, text) != 0))
            abort();
    } else if (err == NULL) {
        abort();
    }
    xfree(err);
    buf_dispose(&dir);
    buf_dispose(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    maildir_name_t name;
    buf_t flagged = BUF_INIT;
    char *text = xstrndup((const char *) data, size);

    maildir_name_init(&name);
    if (maildir_name_parse((const char *) data, size, &name)) {
        if (name.base.len == 0 || memchr(data, '/', size))
            abort();
        maildir_name_with_flags(&flagged, text, "S", "T");
        if (strstr(flagged.data, ":2,") == NULL)
            abort();
    }
    check_folder(text);
    maildir_name_dispose(&name);
    buf_dispose(&flagged);
    xfree(text);
    return 0;
}
