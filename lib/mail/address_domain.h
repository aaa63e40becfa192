/* address_domain.h - syntax checks for domains, host names and address
 * literals, for the policy checks reject_invalid_helo_hostname and
 * reject_non_fqdn_{helo_hostname,sender,recipient}.
 *
 * mail_hostname_valid() follows Postfix's valid_hostname(): at most 255
 * bytes, labels of 1..63 letters, digits, '-' or '_', no '-' at either
 * end of a label, no empty label (so no trailing dot), and not entirely
 * numeric. With allow_utf8, well-formed UTF-8 counts as letters (U-labels
 * of an SMTPUTF8 session). Pure predicates: no allocation, no errors. */
#ifndef POSTERN_MAIL_ADDRESS_DOMAIN_H
#define POSTERN_MAIL_ADDRESS_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

bool mail_hostname_valid(const char *name, size_t len, bool allow_utf8);

/* "[1.2.3.4]", "[IPv6:::1]" (tag case-insensitive) or a general literal
 * "[tag:text]" (RFC 5321 4.1.3), brackets included. Unlike the RFC, '@'
 * is refused inside a general literal, so that an address can always be
 * split at its last '@'. */
bool mail_addr_literal_valid(const char *lit, size_t len);

/* A bare IPv4 or IPv6 address ("1.2.3.4", "::1"). */
bool mail_ip_addr_valid(const char *s, size_t len);

/* HELO/EHLO argument syntax, as for reject_invalid_helo_hostname: a valid
 * host name, an address literal, or a bare IP address. */
bool mail_helo_valid(const char *helo, size_t len, bool allow_utf8);

/* Fully-qualified: a valid host name with a dot between labels, or an
 * address literal (reject_non_fqdn_*). A single trailing dot is ignored. */
bool mail_domain_is_fqdn(const char *name, size_t len, bool allow_utf8);

#endif
