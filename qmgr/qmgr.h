/* qmgr.h - the queue manager's shared state and internal interfaces.
 *
 * qmgr owns active/: it moves messages in from incoming/ (and from
 * deferred/ when their retry time has come), resolves each recipient to a
 * transport and next hop, hands groups of recipients to delivery agents
 * over the delivery protocol (docs/DELIVERY.md) within per-destination
 * concurrency and recipient limits, marks recipients done only after the
 * agent answered, and finishes each message: removed when every recipient
 * is done, else moved to deferred/ with the next retry time as mtime.
 * Bounces (RFC 3464) are queued before the bounced recipients are marked
 * done, so a crash repeats work but never loses a notice. */
#ifndef POSTERN_QMGR_QMGR_H
#define POSTERN_QMGR_QMGR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

#include "mail/resolve_setup.h"
#include "queue/qfile.h"
#include "queue/queue.h"

typedef enum {
    RCPT_TODO,       /* waiting for a delivery */
    RCPT_BUSY,       /* handed to an agent */
    RCPT_SENT,       /* delivered and marked done */
    RCPT_BOUNCED,    /* failed for good; notice pending */
    RCPT_DEFERRED,   /* failed for now; retry later */
    RCPT_DONE,       /* already done in the queue file when loaded */
} rcpt_state_t;

typedef struct qmgr_rcpt {
    size_t index;               /* in the queue file's recipient list */
    const qrcpt_t *q;           /* address, orig, dsn_orcpt, notify */
    char *transport;
    char *nexthop;
    rcpt_state_t state;
    char *dsn;                  /* last result */
    char *text;
    char *relay;
    bool relayed;               /* sent on to a server that does not report
                                   deliveries (rcpt_action=relayed) */
    bool passed;                /* NOTIFY passed on to the next hop, which
                                   reports itself (rcpt_action=passed) */
} qmgr_rcpt_t;

typedef struct qmgr_msg {
    char id[32];
    qfile_t *qf;                /* open read-write while active */
    struct timeval arrival;
    struct timeval active;
    qmgr_rcpt_t *rcpts;
    size_t nrcpts;
    int jobs_pending;
    struct qmgr_msg *next;
} qmgr_msg_t;

typedef struct qmgr_job {
    qmgr_msg_t *msg;
    size_t *rcpt;               /* indexes into msg->rcpts */
    size_t n;
    struct qmgr_job *next;
} qmgr_job_t;

/* One delivery transport (a master.cf service): its limits from main.cf
 * (TRANSPORT_destination_concurrency_limit & co, else the defaults) and
 * its process limit (master.cf maxproc), which bounds the deliveries in
 * progress over all its destinations. */
typedef struct qmgr_transport {
    char *name;
    int active;                 /* deliveries in progress, all destinations */
    long maxproc;               /* 0 = no limit */
    long concurrency_limit;     /* per destination */
    long recipient_limit;       /* per delivery request */
    long initial_concurrency;   /* slow start */
    long failed_cohort_limit;   /* failed cohorts before a destination is dead */
    long rate_delay;            /* seconds between deliveries to a destination */
    struct qmgr_transport *next;
} qmgr_transport_t;

typedef struct qmgr_dest {
    qmgr_transport_t *tp;
    char *transport;
    char *nexthop;
    int active;                 /* deliveries in progress */
    int window;                 /* current concurrency (slow start) */
    int successes;              /* since the window last grew */
    int failures;               /* consecutive site-level failures */
    time_t dead_until;          /* 0: alive; else deliveries are suspended */
    char *dead_dsn;             /* why, for the deferred recipients */
    char *dead_reason;
    struct timeval next_start;  /* rate delay: no new delivery before */
    qmgr_job_t *head, *tail;
    struct qmgr_dest *next;
} qmgr_dest_t;

typedef struct qmgr {
    queue_t *queue;
    resolve_setup_t *resolve;
    const char *myhostname;
    long min_backoff, max_backoff, queue_run_delay;
    long max_lifetime, bounce_lifetime;
    long delay_warning;         /* delay_warning_time, 0 = none */
    long long bounce_size_limit;
    long active_limit;
    int agent_timeout_ms;       /* for one delivery request */
    qmgr_msg_t *msgs;
    long nmsgs;
    qmgr_dest_t *dests;
    qmgr_transport_t *transports;
    struct master_cf *master_cf;   /* for the transports' maxproc; may be NULL */
    bool flush_more;            /* a flush scan is to be continued */
} qmgr_t;

/* qmgr_move.c: queue_move() without directory fsyncs (see there). */
int qmgr_move(const queue_t *q, const char *id, const char *from, const char *to, char **err);
/* qmgr_scan.c */
void qmgr_recover_active(qmgr_t *m);
void qmgr_scan_incoming(qmgr_t *m);
void qmgr_scan_deferred(qmgr_t *m, bool all);
/* qmgr_message.c */
int qmgr_load(qmgr_t *m, const char *id);
void qmgr_msg_free(qmgr_msg_t *msg);
/* qmgr_dest.c */
qmgr_dest_t *qmgr_dest_find(qmgr_t *m, const char *transport, const char *nexthop);
long qmgr_recipient_limit(qmgr_t *m, const char *transport);
/* May the destination start one more delivery now? *wait_ms: when not
 * because of the rate delay, how long until it may. */
bool qmgr_dest_may_start(const qmgr_dest_t *d, const struct timeval *now, long *wait_ms);
void qmgr_dest_started(qmgr_dest_t *d, const struct timeval *now);
/* Concurrency feedback after a delivery: site_fail for a connection-level
 * failure (with the agent's dsn and reason); true when the destination
 * has just been declared dead. */
bool qmgr_dest_feedback(qmgr_t *m, qmgr_dest_t *d, bool site_fail, const char *dsn,
                        const char *reason);
/* Dead destinations come back at their time, or all at once (flush). */
bool qmgr_dest_is_dead(qmgr_dest_t *d, time_t now);
void qmgr_dest_revive_all(qmgr_t *m);
void qmgr_dest_forget_idle(qmgr_t *m);
/* qmgr_deliver.c */
void qmgr_enqueue(qmgr_t *m, qmgr_msg_t *msg);
void qmgr_dispatch(qmgr_t *m);
/* qmgr_finish.c */
void qmgr_job_done(qmgr_t *m, qmgr_job_t *job);
/* Drops one hold on msg (a job, or the enqueue guard); finishes it at 0. */
void qmgr_msg_release(qmgr_t *m, qmgr_msg_t *msg);
long qmgr_backoff(const qmgr_t *m, time_t arrival, time_t now);
void qmgr_rcpt_result(qmgr_t *m, qmgr_msg_t *msg, qmgr_rcpt_t *r, int status,
                      const char *dsn, const char *text, const char *relay);

#endif
