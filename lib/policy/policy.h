/* policy.h - the SMTP server's access policy (Postfix's smtpd_*_restrictions),
 * shared by smtpd and submission.
 *
 * policy_new() reads the restriction lists and their parameters from
 * main.cf (lib/config) once, at start-up, into a parsed form: every list
 * becomes an array of restrictions, every check_*_access table is opened
 * once, restriction classes are resolved. policy_check() then evaluates
 * the lists that belong to an SMTP event for one session and fills a
 * decision: accept, or a complete reply ("554 5.7.1 <a@b>: Relay access
 * denied"), plus actions for the message (HOLD, DISCARD, PREPEND).
 *
 * Failure: policy_new() returns NULL with *err for a broken environment
 * (a mynetworks entry that does not parse, a relay policy that could make
 * an open relay, a bad number). An unknown restriction name is NOT fatal:
 * it is logged once at start-up and the list that holds it answers
 * "451 4.3.5 Server configuration error" at run time, as Postfix does.
 * A table that cannot be opened answers 451 4.3.5 too; a lookup that
 * fails answers "451 4.3.0 <name>: Temporary lookup failure". */
#ifndef POSTERN_POLICY_POLICY_H
#define POSTERN_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/resolve.h"
#include "util/buf.h"

typedef struct policy policy_t;

/* What the SMTP engine knows about the session: zero it, then fill what is
 * known (fields may be added; zero means "no"). Strings may be NULL when
 * not (yet) known. Addresses are as the client wrote them between < and >
 * (quotes kept, "" for the null sender); policy unquotes them itself. */
typedef struct policy_session {
    const char *client_name;      /* "mail.example.com" or "unknown" */
    const char *client_addr;      /* "192.0.2.1", "2001:db8::1" */
    bool client_name_verified;    /* client_name is forward-confirmed */
    const char *reverse_client_name; /* the PTR name even when not
                                   * confirmed; NULL: use client_name */
    bool client_name_tempfail;    /* the name lookup failed temporarily */
    const char *helo_name;        /* NULL before HELO/EHLO */
    const char *sender;           /* NULL before MAIL FROM, "" = <> */
    const char *recipient;        /* NULL outside RCPT */
    const char *sasl_username;    /* NULL unless AUTH succeeded */
    bool pipelined_improperly;    /* client sent ahead without PIPELINING */
    bool esmtp;                   /* EHLO (proto=ESMTP) or HELO (SMTP) */
    int in_mynetworks;            /* policy_mynetworks_match() result, set
                                   * once per session; -1 = not computed */
    const char *queue_id;         /* for log lines; NULL = "NOQUEUE" */
} policy_session_t;

/* Which SMTP event asks. With smtpd_delay_reject = yes (default) the
 * client, helo and sender lists are evaluated at RCPT (in that order,
 * then smtpd_relay_restrictions, then smtpd_recipient_restrictions);
 * CONNECT, HELO and MAIL then only check smtpd_helo_required (MAIL). */
typedef enum policy_event {
    POLICY_AT_CONNECT,
    POLICY_AT_HELO,
    POLICY_AT_MAIL,
    POLICY_AT_RCPT,
    POLICY_AT_DATA,
    POLICY_AT_END_OF_DATA,
} policy_event_t;

typedef enum policy_verdict {
    POLICY_ACCEPT,    /* nothing refused: go on (implicit or explicit permit) */
    POLICY_REJECT,    /* 5xx: reply holds the answer */
    POLICY_DEFER,     /* 4xx: reply holds the answer */
} policy_verdict_t;

typedef struct policy_decision {
    policy_verdict_t verdict;
    int code;                 /* 554, 450 ... (0 when accepted) */
    char dsn[16];             /* "5.7.1" */
    buf_t text;               /* "<a@b>: Relay access denied" */
    buf_t reply;              /* "554 5.7.1 <a@b>: Relay access denied" */
    /* Actions remembered for the message (apply when the command is
     * accepted). FILTER, REDIRECT and BCC are not implemented: a table
     * that returns them answers 451 4.3.5 and logs why. */
    bool hold;                /* put the message on hold */
    buf_t hold_reason;
    bool discard;             /* accept, then throw away */
    buf_t discard_reason;
    char **prepend;           /* header lines to add, in order */
    size_t prepend_count;
} policy_decision_t;

void policy_decision_init(policy_decision_t *d);
void policy_decision_reset(policy_decision_t *d);   /* back to ACCEPT */
void policy_decision_dispose(policy_decision_t *d);  /* frees; init again to reuse */

/* Reads the smtpd_* restriction parameters (see docs/POLICY.md) from the
 * loaded main.cf. resolve is the recipient classifier (from
 * resolve_setup_config()); it must outlive the policy. */
policy_t *policy_new(const resolve_config_t *resolve, char **err);
void policy_free(policy_t *p);              /* NULL ok */
/* true when a table behind the policy changed on disk. */
bool policy_changed(const policy_t *p);

/* 1 when addr is in mynetworks, 0 when not, -1 for a table failure. */
int policy_mynetworks_match(const policy_t *p, const char *addr);

/* Evaluates the lists of one event. Returns the verdict (also in d).
 * d is reset first; actions found are added to d. */
policy_verdict_t policy_check(const policy_t *p, policy_event_t event,
                              const policy_session_t *s, policy_decision_t *d);

/* The lists one by one, for tests and special callers. */
typedef enum policy_list_id {
    POLICY_LIST_CLIENT,
    POLICY_LIST_HELO,
    POLICY_LIST_SENDER,
    POLICY_LIST_RELAY,
    POLICY_LIST_RECIPIENT,
    POLICY_LIST_DATA,
    POLICY_LIST_END_OF_DATA,
    POLICY_LIST_COUNT
} policy_list_id_t;

/* Postfix's log line for a refused command, without the program prefix:
 * "NOQUEUE: reject: RCPT from name[addr]: 554 5.7.1 <x>: Relay access
 * denied; from=<s> to=<r> proto=ESMTP helo=<h>". what: "reject",
 * "reject_warning" ...; command: "RCPT", "MAIL", "DATA" ... */
void policy_log_line(buf_t *out, const char *what, const char *command,
                     const policy_session_t *s, const char *text);
/* The SMTP command name of an event ("CONNECT", "HELO" ...). */
const char *policy_event_command(policy_event_t event, const policy_session_t *s);

#endif
