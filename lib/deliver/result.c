/* result.c - delivery outcomes and the errno / sysexits code tables. */
#include "deliver/result.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void dlv_result_init(dlv_result_t *r)
{
    r->status = DLV_DEFERRED;
    strcpy(r->dsn, "4.3.0");
    buf_init(&r->text);
    r->relayed = false;
    r->passed = false;
    r->site_fail = false;
}

void dlv_result_dispose(dlv_result_t *r)
{
    buf_dispose(&r->text);
}

static void set_dsn(dlv_result_t *r, const char *dsn)
{
    snprintf(r->dsn, sizeof(r->dsn), "%s", dsn);
    r->status = dsn[0] == '2' ? DLV_SENT
              : dsn[0] == '5' ? DLV_BOUNCED : DLV_DEFERRED;
}

void dlv_result_set(dlv_result_t *r, const char *dsn, const char *fmt, ...)
{
    va_list ap;

    set_dsn(r, dsn);
    buf_reset(&r->text);
    va_start(ap, fmt);
    buf_vprintf(&r->text, fmt, ap);
    va_end(ap);
}

void dlv_result_copy(dlv_result_t *to, const dlv_result_t *from)
{
    set_dsn(to, from->dsn);
    buf_set(&to->text, from->text.data);
    to->relayed = from->relayed;
    to->passed = from->passed;
    to->site_fail = from->site_fail;
}

const char *dlv_status_name(dlv_status_t s)
{
    switch (s) {
    case DLV_SENT:
        return "sent";
    case DLV_BOUNCED:
        return "bounced";
    case DLV_DEFERRED:
        break;
    }
    return "deferred";
}

const char *dlv_dsn_for_errno(int errnum, const char *def)
{
    switch (errnum) {
    case 0:
        return "4.3.0";
    case EAGAIN:
    case ESTALE:
        return "4.2.0";
    case ENOSPC:
        return "4.3.0";
    case EDQUOT:
        return "4.2.2";
    case EFBIG:
        return "5.2.2";
    default:
        return def;
    }
}

struct sysexit {
    int status;
    const char *dsn;
    const char *text;
};

static const struct sysexit sysexits[] = {
    {64, "5.3.0", "command line usage error"},
    {65, "5.6.0", "data format error"},
    {66, "5.3.0", "cannot open input"},
    {67, "5.1.1", "user unknown"},
    {68, "5.1.2", "host name unknown"},
    {69, "5.3.0", "service unavailable"},
    {70, "5.3.0", "internal software error"},
    {71, "4.3.0", "system resource problem"},
    {72, "5.3.0", "critical OS file missing"},
    {73, "5.2.0", "can't create user output file"},
    {74, "5.3.0", "input/output error"},
    {75, "4.3.0", "temporary failure"},
    {76, "5.5.0", "remote error in protocol"},
    {77, "5.7.0", "permission denied"},
    {78, "5.3.5", "local configuration error"},
};

bool dlv_sysexit(int status, const char **dsn, const char **text)
{
    for (size_t i = 0; i < sizeof(sysexits) / sizeof(sysexits[0]); i++) {
        if (sysexits[i].status == status) {
            *dsn = sysexits[i].dsn;
            *text = sysexits[i].text;
            return true;
        }
    }
    return false;
}
