/* address.h - split a local recipient into the parts local delivery uses:
 * "Joe+Lists@Example.COM" with recipient_delimiter "+" gives user "joe",
 * extension "lists", local part "joe+lists", domain "example.com".
 * Delivery decisions use the lower-cased parts (local(8) CASE FOLDING);
 * the address as given is kept for ORIGINAL_RECIPIENT. */
#ifndef POSTERN_LOCAL_ADDRESS_H
#define POSTERN_LOCAL_ADDRESS_H

#include "util/buf.h"

typedef struct local_addr {
    buf_t address;    /* as given */
    buf_t local;      /* lower-cased local part, with extension */
    buf_t domain;     /* lower-cased, "" when the address has none */
    buf_t user;       /* local part without extension */
    buf_t extension;  /* "" when none */
    char delim;       /* the delimiter that split it; 0 when none */
} local_addr_t;

void local_addr_init(local_addr_t *a);
void local_addr_dispose(local_addr_t *a);
/* Splits at the last '@' and then at the first byte of the local part
 * that is in delimiters ("" or NULL: no extensions). A local part that
 * starts with a delimiter is not split, and with '-' as delimiter
 * "owner-*" and "*-request" names are not split (list conventions). */
void local_addr_split(local_addr_t *a, const char *address,
                      const char *delimiters);

#endif
