/* headers.h - the message prefix local and virtual delivery write and the loop check
 * it makes against it.
 *
 * dlv_has_delivered_to() scans a message header block (up to the first
 * empty line; LF or CRLF; folded lines joined) for "Delivered-To:" with a
 * value equal to address, both compared without regard to case. A match
 * means the message came back here: "mail forwarding loop for ADDR"
 * (5.4.6). NUL bytes and overlong lines are scanned like other bytes.
 *
 * dlv_prefixed_producer() wraps a producer of the queued message: it
 * writes "Return-Path: <SENDER>", "X-Original-To: ORIG" (when given) and
 * "Delivered-To: RCPT" (lower-cased) first, in Postfix's order. */
#ifndef POSTERN_DELIVER_HEADERS_H
#define POSTERN_DELIVER_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/sink.h"

bool dlv_has_delivered_to(const char *headers, size_t len,
                            const char *address);

typedef struct dlv_prefix {
    const char *sender;           /* NULL: no Return-Path */
    const char *original_rcpt;    /* NULL: no X-Original-To */
    const char *delivered_to;     /* NULL: no Delivered-To */
    sink_producer_fn body;        /* the message itself */
    void *body_ctx;
} dlv_prefix_t;

/* A sink_producer_fn; ctx is a dlv_prefix_t. */
int dlv_prefixed_producer(sink_t *out, void *ctx, char **err);

#endif
