/* address.c - split a recipient into user, extension and domain. */
#include "local/address.h"
#include "util/strutil.h"

#include <string.h>

void local_addr_init(local_addr_t *a)
{
    buf_init(&a->address);
    buf_init(&a->local);
    buf_init(&a->domain);
    buf_init(&a->user);
    buf_init(&a->extension);
    a->delim = 0;
}

void local_addr_dispose(local_addr_t *a)
{
    buf_dispose(&a->address);
    buf_dispose(&a->local);
    buf_dispose(&a->domain);
    buf_dispose(&a->user);
    buf_dispose(&a->extension);
}

/* Mailing-list names that a '-' delimiter must not split. */
static bool is_list_name(const char *local)
{
    size_t len = strlen(local);

    return str_has_prefix(local, "owner-")
        || (len > 8 && strcmp(local + len - 8, "-request") == 0);
}

void local_addr_split(local_addr_t *a, const char *address,
                      const char *delimiters)
{
    const char *at = strrchr(address, '@');
    size_t split;

    buf_set(&a->address, address);
    buf_reset(&a->local);
    buf_reset(&a->domain);
    if (at) {
        buf_append(&a->local, address, (size_t) (at - address));
        buf_puts(&a->domain, at + 1);
    } else {
        buf_puts(&a->local, address);
    }
    str_lower(a->local.data);
    str_lower(a->domain.data);
    buf_set(&a->user, a->local.data);
    buf_reset(&a->extension);
    a->delim = 0;
    if (delimiters == NULL || *delimiters == '\0' || a->local.len == 0)
        return;
    split = strcspn(a->local.data, delimiters);
    if (split == 0 || split >= a->local.len)
        return;
    if (a->local.data[split] == '-' && is_list_name(a->local.data))
        return;
    a->delim = a->local.data[split];
    buf_truncate(&a->user, split);
    buf_puts(&a->extension, a->local.data + split + 1);
}
