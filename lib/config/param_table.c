/* param_table.c - known parameters, sorted for lookup (see param_table.h). */
#include "config/param_table.h"
#include "util/mem.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PARAM_COMPUTED NULL
#define PARAM_STATUS_IMPLEMENTED true
#define PARAM_STATUS_UNSUPPORTED false

static param_def_t table[] = {
#define PARAM(name, type, dflt, status) \
    { #name, type, dflt, PARAM_STATUS_##status, 0, INT_MAX, 's' },
#include "config/params.def"
};

#define TABLE_SIZE (sizeof(table) / sizeof(table[0]))

struct range {
    const char *name;
    long min, max;
};

static const struct range ranges[] = {
#define PARAM(name, type, dflt, status)
#define PARAM_RANGE(name, lo, hi) { #name, lo, hi },
#include "config/params.def"
};

static const param_def_t *sorted[TABLE_SIZE];
static bool initialized;

static int compare_defs(const void *a, const void *b)
{
    const param_def_t *const *x = a, *const *y = b;

    return strcmp((*x)->name, (*y)->name);
}

static char unit_of(const char *dflt)
{
    size_t len = dflt ? strlen(dflt) : 0;

    if (len > 0 && strchr("smhdw", dflt[len - 1]) != NULL)
        return dflt[len - 1];
    return 's';
}

static void init_table(void)
{
    if (initialized)
        return;
    for (size_t i = 0; i < TABLE_SIZE; i++) {
        table[i].time_unit = unit_of(table[i].dflt);
        sorted[i] = &table[i];
    }
    for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
        for (size_t i = 0; i < TABLE_SIZE; i++) {
            if (strcmp(table[i].name, ranges[r].name) == 0) {
                table[i].min = ranges[r].min;
                table[i].max = ranges[r].max;
            }
        }
    }
    qsort(sorted, TABLE_SIZE, sizeof(sorted[0]), compare_defs);
    initialized = true;
}

static int compare_key(const void *key, const void *elem)
{
    const param_def_t *const *d = elem;

    return strcmp(key, (*d)->name);
}

const param_def_t *param_find(const char *name)
{
    const param_def_t *const *hit;

    init_table();
    hit = bsearch(name, sorted, TABLE_SIZE, sizeof(sorted[0]), compare_key);
    return hit ? *hit : NULL;
}

const param_def_t *const *param_list(size_t *count)
{
    init_table();
    *count = TABLE_SIZE;
    return sorted;
}

static char hostname_buf[256];
static char domain_buf[256];

static const char *default_hostname(void)
{
    char host[200];

    if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
        strcpy(host, "localhost");
    host[sizeof(host) - 1] = '\0';
    if (strchr(host, '.') != NULL)
        strcpy(hostname_buf, host);
    else
        strcat(strcpy(hostname_buf, host), ".localdomain");
    return hostname_buf;
}

static const char *domain_of(const char *hostname)
{
    const char *dot = strchr(hostname, '.');

    if (dot == NULL || dot[1] == '\0' || strlen(dot + 1) >= sizeof(domain_buf))
        return "localdomain";
    strcpy(domain_buf, dot + 1);
    return domain_buf;
}

const char *param_computed_default(const char *name, const char *myhostname_value)
{
    if (strcmp(name, "myhostname") == 0)
        return default_hostname();
    if (strcmp(name, "mydomain") == 0)
        return domain_of(myhostname_value ? myhostname_value : default_hostname());
    if (strcmp(name, "mail_version") == 0)
        return POSTERN_VERSION;
    return "";
}

/* Longest suffixes first, so "_destination_recipient_limit" is not taken
 * for "_recipient_limit". */
static const struct {
    const char *suffix;
    const char *base;
} transport_suffixes[] = {
    {"_destination_concurrency_failed_cohort_limit", "default_destination_concurrency_failed_cohort_limit"},
    {"_destination_concurrency_limit", "default_destination_concurrency_limit"},
    {"_destination_recipient_limit", "default_destination_recipient_limit"},
    {"_initial_destination_concurrency", "initial_destination_concurrency"},
    {"_destination_rate_delay", "default_destination_rate_delay"},
    {"_recipient_refill_limit", "default_recipient_refill_limit"},
    {"_recipient_refill_delay", "default_recipient_refill_delay"},
    {"_extra_recipient_limit", "default_extra_recipient_limit"},
    {"_recipient_limit", "default_recipient_limit"},
};

const param_def_t *param_transport_base(const char *name, size_t *transport_len)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < sizeof(transport_suffixes) / sizeof(transport_suffixes[0]); i++) {
        size_t slen = strlen(transport_suffixes[i].suffix);
        if (len > slen && strcmp(name + len - slen, transport_suffixes[i].suffix) == 0) {
            *transport_len = len - slen;
            return param_find(transport_suffixes[i].base);
        }
    }
    return NULL;
}
