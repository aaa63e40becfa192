/* value.h - parser for the right-hand side of an alias and for the lines
 * of ~/.forward and :include: files (aliases(5) syntax).
 *
 * Items are separated by commas or white space:
 *   user, user@domain, <user@domain>   an address
 *   \user                              the user's own mailbox (no alias,
 *                                      no .forward)
 *   |command args                      a command (up to the next comma)
 *   /path/name                         a file (up to the next comma); a
 *                                      trailing '/' means a Maildir
 *   :include:/path                     more items from a file
 *   "..."                              quoting, for commas and spaces:
 *                                      "|cmd a, b", "/x y", "a b"@dom
 * ':include:' is matched without regard to case. Files: one or more items
 * per line, '#' starts a comment line, blank lines are skipped, CR before
 * LF is ignored.
 *
 * Errors: -1 with an allocated message in *err, for NUL bytes, control
 * characters, unbalanced quotes, an empty command/file/include, items over
 * LOCAL_ITEM_MAX bytes or more than LOCAL_ITEMS_MAX items. */
#ifndef POSTERN_LOCAL_VALUE_H
#define POSTERN_LOCAL_VALUE_H

#include <stddef.h>

#define LOCAL_ITEM_MAX 4096
#define LOCAL_ITEMS_MAX 10000

typedef enum {
    LOCAL_ITEM_ADDRESS,
    LOCAL_ITEM_MAILBOX,   /* \user */
    LOCAL_ITEM_COMMAND,   /* text after '|' */
    LOCAL_ITEM_FILE,      /* the path, starting with '/' */
    LOCAL_ITEM_INCLUDE,   /* the path after ":include:" */
} local_item_kind_t;

typedef struct local_item {
    local_item_kind_t kind;
    char *value;
} local_item_t;

typedef struct local_items {
    local_item_t *items;
    size_t count;
} local_items_t;

void local_items_init(local_items_t *list);
void local_items_free(local_items_t *list);
/* Appends the items of one value (an alias right-hand side). */
int local_value_parse(const char *text, size_t len, local_items_t *out,
                      char **err);
/* Appends the items of a whole .forward or :include: file. */
int local_file_parse(const char *text, size_t len, local_items_t *out,
                     char **err);
const char *local_item_kind_name(local_item_kind_t kind);

#endif
