/* fuzz_address.c - fuzz target for the RFC 5321 path parser and the
 * domain checks. The first byte picks the parse options. Invariant: a
 * parsed address, quoted back to RFC 5321 form, parses to the same
 * internal form. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/address.h"
#include "mail/address_domain.h"
#include "util/buf.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(const mail_addr_t *a)
{
    buf_t q = BUF_INIT;
    mail_addr_t b;

    mail_addr_quote_path(a->addr.data, a->addr.len, &q);
    mail_addr_init(&b);
    if (q.len < MAIL_ADDR_HARD_LIMIT) {
        if (mail_addr_parse_path(q.data, q.len, MAIL_ADDR_OPT_UTF8 | MAIL_ADDR_OPT_STRICT, &b,
                                 NULL, NULL) != MAIL_ADDR_OK)
            abort();
        if (b.addr.len != a->addr.len || memcmp(b.addr.data, a->addr.data, a->addr.len) != 0)
            abort();
    }
    mail_addr_dispose(&b);
    buf_dispose(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mail_addr_t a;
    char *err = NULL;
    size_t used = 0;
    unsigned opts;
    const char *text;
    const char *domain;

    if (size == 0)
        return 0;
    opts = data[0] & (MAIL_ADDR_OPT_STRICT | MAIL_ADDR_OPT_UTF8);
    text = (const char *) data + 1;
    size--;
    mail_addr_init(&a);
    if (mail_addr_parse_path(text, size, opts, &a, &used, &err) == MAIL_ADDR_OK) {
        if (used > size || err != NULL || a.at > a.addr.len)
            abort();
        check_round_trip(&a);
        domain = mail_addr_domain(&a);
        (void) mail_hostname_valid(domain, strlen(domain), true);
        (void) mail_domain_is_fqdn(domain, strlen(domain), false);
    } else if (err == NULL || a.addr.len != 0) {
        abort();
    }
    xfree(err);
    (void) mail_helo_valid(text, size, (opts & MAIL_ADDR_OPT_UTF8) != 0);
    (void) mail_addr_literal_valid(text, size);
    mail_addr_dispose(&a);
    return 0;
}
