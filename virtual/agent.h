/* agent.h - the virtual(8) delivery agent's work for one qmgr request:
 * mail for domains without system accounts (docs/VIRTUAL.md).
 *
 * Per recipient: the Delivered-To loop check (5.4.6 "mail forwarding loop
 * for ADDR"), then virtual_mailbox_maps (lookup.h search order): not
 * found bounces 5.1.1 "unknown user: "ADDR""; the answer is a path under
 * virtual_mailbox_base, a Maildir when it ends in '/', else an mbox file
 * (virtual_mailbox_lock, virtual_mailbox_limit). The uid and gid come
 * from virtual_uid_maps / virtual_gid_maps (a uid below
 * virtual_minimum_uid defers). With switch_privileges (started as root)
 * the delivery runs with that effective uid/gid. The message gets
 * Return-Path, X-Original-To and Delivered-To as local(8) writes them.
 *
 * Table errors and failed writes defer (4.x.x); a request whose queue
 * file cannot be opened fails as a whole (-1 with *err). */
#ifndef POSTERN_VIRTUAL_AGENT_H
#define POSTERN_VIRTUAL_AGENT_H

#include <stdbool.h>
#include <sys/types.h>

#include "deliver/request.h"
#include "mbox/mbox.h"
#include "queue/qfile.h"
#include "queue/queue.h"
#include "virtual/lookup.h"

typedef struct virtual_agent {
    const queue_t *queue;
    virtual_maps_t mailbox_maps, uid_maps, gid_maps;
    const char *mailbox_base;        /* absolute */
    const char *recipient_delimiter; /* "" for none */
    long minimum_uid;
    off_t mailbox_limit;             /* 0: none */
    mbox_opts_t mbox;                /* locks from virtual_mailbox_lock */
    bool switch_privileges;
} virtual_agent_t;

/* A dlv_deliver_fn; ctx is the virtual_agent_t. */
int virtual_agent_deliver(void *ctx, const dlv_request_t *req,
                          dlv_result_t *results, char **err);

/* One recipient, with the queue file open; headers are the message's for
 * the loop check. */
void virtual_deliver_rcpt(const virtual_agent_t *a, const dlv_request_t *req,
                          const dlv_rcpt_t *r, qfile_t *qf,
                          const buf_t *headers, dlv_result_t *res);

#endif
