/* dict_cidr.c - the "cidr:FILE" table (cidr_table(5)): lines
 * "[!]network/prefix result" or "[!]address result" for IPv4 and IPv6
 * ("[]" around the address allowed), "if [!]network/prefix" ... "endif"
 * blocks that nest, comments and continuation lines. The key must be an
 * IP address in the form inet_pton() accepts (no zone id, no leading zeros
 * in IPv4); any other key is "not found". Rules are tried in order, the
 * first match wins; an IPv4 rule never matches an IPv6 key, negated or
 * not. A broken rule (bad address, mask out of range, host bits set
 * beyond the prefix, missing result) is skipped with a warning
 * "cidr map FILE, line N: ...", as Postfix does; the open fails only when
 * the file cannot be read. The inline form cidr:{ {rule}, ... } works too. */
#include "dict/dict_builtin.h"
#include "dict/dict_cidr.h"
#include "dict/dict_pattern.h"
#include "util/mem.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

struct cidr_table {
    struct pattern_source src;
    struct pattern_rules rules;
};

static bool all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int cidr_parse_address(const char *text, struct cidr_net *net)
{
    memset(net, 0, sizeof(*net));
    if (strchr(text, ':')) {
        if (inet_pton(AF_INET6, text, net->addr) != 1)
            return -1;
        net->family = AF_INET6;
        net->bits = 128;
    } else {
        if (inet_pton(AF_INET, text, net->addr) != 1)
            return -1;
        net->family = AF_INET;
        net->bits = 32;
    }
    return 0;
}

bool cidr_contains(const struct cidr_net *net, const struct cidr_net *addr)
{
    int full = net->bits / 8, rest = net->bits % 8;

    if (net->family != addr->family)
        return false;
    if (memcmp(net->addr, addr->addr, (size_t) full) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((net->addr[full] ^ addr->addr[full]) & (0xff << (8 - rest))) == 0;
}

/* Clears the host bits of net into *masked; true when some were set. */
static bool clear_host_bits(const struct cidr_net *net, struct cidr_net *masked)
{
    int len = net->family == AF_INET ? 4 : 16;
    bool had = false;

    *masked = *net;
    for (int i = 0; i < len; i++) {
        int keep = net->bits - 8 * i;
        unsigned char mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char) (0xff << (8 - keep));

        if (masked->addr[i] & ~mask)
            had = true;
        masked->addr[i] &= mask;
    }
    return had;
}

/* Splits "[addr]/mask" into its address (without brackets) and mask. */
static void split_pattern(const char *text, buf_t *address, const char **mask)
{
    const char *slash = strchr(text, '/');
    size_t len = slash ? (size_t) (slash - text) : strlen(text);

    *mask = slash ? slash + 1 : NULL;
    if (len >= 2 && text[0] == '[' && text[len - 1] == ']')
        buf_append(address, text + 1, len - 2);
    else
        buf_append(address, text, len);
}

static int parse_mask(const char *text, const char *mask, struct cidr_net *net, char **why)
{
    long bits = 0;

    if (!all_digits(mask) || strlen(mask) > 3) {
        *why = dict_errorf("bad mask value in \"%s\"", text);
        return -1;
    }
    for (const char *p = mask; *p; p++)
        bits = bits * 10 + (*p - '0');
    if (bits > net->bits) {
        *why = dict_errorf("bad mask length in \"%s\"", text);
        return -1;
    }
    net->bits = (int) bits;
    return 0;
}

int cidr_parse_pattern(const char *text, struct cidr_net *net, char **why)
{
    buf_t address = BUF_INIT;
    const char *mask;
    struct cidr_net masked;
    char shown[INET6_ADDRSTRLEN];
    int rc;

    split_pattern(text, &address, &mask);
    rc = cidr_parse_address(address.data ? address.data : "", net);
    buf_dispose(&address);
    if (rc < 0) {
        *why = dict_errorf("bad address pattern: \"%s\"", text);
        return -1;
    }
    if (mask && parse_mask(text, mask, net, why) < 0)
        return -1;
    if (clear_host_bits(net, &masked)) {
        if (inet_ntop(net->family, masked.addr, shown, sizeof(shown)) == NULL)
            shown[0] = '\0';
        *why = dict_errorf("non-null host address bits in \"%s\", perhaps you should use "
                           "\"%s/%d\" instead", text, shown, net->bits);
        return -1;
    }
    return 0;
}

static size_t token_length(const char *s)
{
    size_t n = 0;

    while (s[n] && s[n] != ' ' && s[n] != '\t')
        n++;
    return n;
}

/* Parses one logical line into the rule list, or warns and skips it. */
static void parse_line(const dict_t *d, struct cidr_table *t, const char *line, int lineno)
{
    struct pattern_rule rule = {PATTERN_MATCH, false, lineno, 0, NULL, NULL};
    const char *rest, *extra, *result = NULL;
    buf_t pattern = BUF_INIT;
    struct cidr_net net;
    char *why = NULL;

    if (pattern_is_endif(line, &extra)) {
        /* Unlike regexp, Postfix's cidr refuses "endif junk" as a whole. */
        if (*extra)
            pattern_warn(d, lineno, "garbage after ENDIF: skipping this rule");
        else
            pattern_rules_endif(&t->rules, d, lineno, extra);
        return;
    }
    if (pattern_is_if(line, &rest)) {
        rule.kind = PATTERN_IF;
        line = rest;
    }
    if (*line == '!') {
        rule.negate = true;
        line++;
    }
    if (rule.kind == PATTERN_IF) {
        buf_set(&pattern, line);
    } else {
        buf_append(&pattern, line, token_length(line));
        for (result = line + pattern.len; *result == ' ' || *result == '\t'; result++)
            ;
    }
    if (cidr_parse_pattern(pattern.data ? pattern.data : "", &net, &why) < 0) {
        pattern_warn(d, lineno, "%s: skipping this rule", why);
    } else if (rule.kind == PATTERN_MATCH && *result == '\0') {
        pattern_warn(d, lineno, "no lookup result: skipping this rule");
    } else {
        rule.matcher = xmemdup(&net, sizeof(net));
        rule.result = result ? xstrdup(result) : NULL;
        pattern_rules_add(&t->rules, &rule);
    }
    xfree(why);
    buf_dispose(&pattern);
}

static int cidr_match(void *ctx, void *matcher, char **err)
{
    const struct cidr_net *net = matcher, *addr = ctx;

    (void) err;
    if (net->family != addr->family)
        return PATTERN_INAPPLICABLE;
    return cidr_contains(net, addr) ? 1 : 0;
}

static int cidr_lookup(dict_t *d, const char *key, buf_t *value, char **err)
{
    struct cidr_table *t = d->priv;
    struct cidr_net addr;
    size_t which;
    int rc;

    if (cidr_parse_address(key, &addr) < 0)
        return DICT_NOTFOUND;
    rc = pattern_rules_search(&t->rules, cidr_match, &addr, &which, err);
    if (rc == DICT_FOUND)
        buf_set(value, t->rules.rules[which].result);
    return rc;
}

static bool cidr_changed(dict_t *d)
{
    struct cidr_table *t = d->priv;

    return pattern_source_changed(d, &t->src);
}

static void cidr_close(dict_t *d)
{
    struct cidr_table *t = d->priv;

    pattern_rules_free(&t->rules, xfree, xfree);
    pattern_source_free(&t->src);
    xfree(t);
}

static void build_rules(dict_t *d, struct cidr_table *t)
{
    for (size_t i = 0; i < t->src.count; i++)
        parse_line(d, t, t->src.lines[i].text, t->src.lines[i].lineno);
    pattern_rules_finish(&t->rules, d);
}

static void install(dict_t *d, struct cidr_table *t)
{
    d->priv = t;
    d->lookup = cidr_lookup;
    d->changed = cidr_changed;
    d->close = cidr_close;
    d->flags = (d->flags | DICT_FLAG_PATTERN) & ~DICT_FLAG_FIXED;
}

int dict_cidr_open(dict_t *d, int open_flags, char **err)
{
    struct cidr_table *t = xcalloc(1, sizeof(*t));

    (void) open_flags;
    if (pattern_source_read(d, &t->src, err) < 0) {
        pattern_source_free(&t->src);
        xfree(t);
        return -1;
    }
    build_rules(d, t);
    install(d, t);
    return 0;
}

void dict_cidr_load(dict_t *d, const char *data, size_t len)
{
    struct cidr_table *t = xcalloc(1, sizeof(*t));

    pattern_source_parse(d, data, len, &t->src);
    build_rules(d, t);
    install(d, t);
}
