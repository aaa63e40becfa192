/* policy_access.h - parses the right-hand side of an access(5) table
 * entry, as check_*_access finds it: OK, DUNNO, REJECT [text], DEFER
 * [text], DEFER_IF_REJECT [text], DEFER_IF_PERMIT [text], "4NN text",
 * "5NN text" (optionally "5NN 5.7.1 text"), HOLD [text], DISCARD [text],
 * PREPEND header: text, WARN text, INFO text, an all-digits value
 * (treated as OK, as Postfix does), or anything else: a restriction list
 * (restriction names and class names) to evaluate.
 * Action words are case-insensitive. The parser never allocates: text
 * points into the value. FILTER, REDIRECT and BCC are recognised and
 * reported as not implemented. A malformed result (a code that is not
 * 4xx/5xx, PREPEND or WARN without text) is ACCESS_BAD with why set. */
#ifndef POSTERN_POLICY_POLICY_ACCESS_H
#define POSTERN_POLICY_POLICY_ACCESS_H

typedef enum access_action {
    ACCESS_OK,
    ACCESS_DUNNO,
    ACCESS_REJECT,
    ACCESS_DEFER,
    ACCESS_DEFER_IF_REJECT,
    ACCESS_DEFER_IF_PERMIT,
    ACCESS_CODE,            /* code, dsn (may be empty), text */
    ACCESS_HOLD,
    ACCESS_DISCARD,
    ACCESS_PREPEND,
    ACCESS_WARN,
    ACCESS_INFO,
    ACCESS_UNSUPPORTED,     /* FILTER, REDIRECT, BCC: not in Postern */
    ACCESS_RESTRICTIONS,    /* the value is a restriction list */
    ACCESS_BAD,
} access_action_t;

typedef struct access_result {
    access_action_t action;
    int code;               /* ACCESS_CODE */
    char dsn[16];           /* ACCESS_CODE: "5.7.1" when given, else "" */
    const char *text;       /* after the action word and blanks ("" if none) */
    const char *why;        /* ACCESS_BAD, ACCESS_UNSUPPORTED: a reason */
} access_result_t;

void policy_access_parse(const char *value, access_result_t *r);

/* If text starts with an enhanced status code "D.DDD.DDD" followed by a
 * blank or the end, copies it to dsn (size >= 16) and returns its length
 * (the caller skips it and the blanks after); else 0. */
int policy_dsn_prefix(const char *text, char *dsn, int size);

#endif
