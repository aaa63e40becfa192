/* test_resolve.c - table-driven tests for address resolution: address
 * classes, transport and nexthop precedence (parameters, relayhost,
 * transport_maps search order and entry forms), routing operators and
 * the relay-check flags, domain lists, table failures, and the address
 * and nexthop helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mail/resolve.h"
#include "mail/resolve_dict.h"   /* compile check of the header-only adapter */
#include "util/mem.h"

/* A fake table: NULL-terminated {key, value} pairs; key "FAIL" makes
 * every lookup fail. Records the keys it was asked for. */
struct fake_table {
    const char *const (*pairs)[2];
    char asked[512];
};

static int fake_lookup(void *ctx, const char *key, buf_t *value, char **err)
{
    struct fake_table *t = ctx;

    if (strlen(t->asked) + strlen(key) + 2 < sizeof(t->asked)) {
        strcat(t->asked, key);
        strcat(t->asked, " ");
    }
    for (size_t i = 0; t->pairs[i][0] != NULL; i++) {
        if (strcmp(t->pairs[i][0], "FAIL") == 0) {
            *err = xstrdup("fake table is down");
            return -1;
        }
        if (strcmp(t->pairs[i][0], key) == 0) {
            buf_set(value, t->pairs[i][1]);
            return 1;
        }
    }
    return 0;
}

static const char *const transport_pairs[][2] = {
    {"vip@example.net", "smtp:[vip-mx.example.net]:2525"},
    {"joe@example.org", "lmtp:unix:/run/lmtp"},
    {"example.org", "smtp:[mx.example.org]"},
    {".sub.example.org", "uucp:"},
    {"nohop.example", "smtp"},
    {"keep.example", ":"},
    {"hop-only.example", ":[gw.example]"},
    {"dead.example", "error"},
    {"deadmsg.example", "error:5.1.2 no such domain"},
    {"local.example", "discard:"},
    {NULL, NULL},
};
static const char *const second_pairs[][2] = {
    {"second.example", "smtp:second-hop"},
    {"*", "smtp:[fallback.example]"},
    {NULL, NULL},
};
static const char *const fail_pairs[][2] = {{"FAIL", ""}, {NULL, NULL}};

static struct fake_table transport_table = {transport_pairs, ""};
static struct fake_table second_table = {second_pairs, ""};
static struct fake_table fail_table = {fail_pairs, ""};

static const char *const local_addresses[] = {"192.0.2.25", "2001:db8::25", NULL};

struct fixture {
    resolve_domains_t *mydest, *alias, *mailbox, *relay;
    resolve_table_t maps[2];
    resolve_config_t cfg;
};

static resolve_domains_t *domains(const char *value)
{
    char *err = NULL;
    resolve_domains_t *d = resolve_domains_new(value, false, NULL, NULL, &err);

    if (d == NULL)
        fail_msg("domain list \"%s\": %s", value, err);
    return d;
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));

    f->mydest = domains("mail.example.com, localhost.example.com localhost");
    f->alias = domains("alias.example");
    f->mailbox = domains("vmail.example .vsub.example");
    f->relay = domains("relayed.example, !bad.relayed.example, .relayed.example");
    f->maps[0] = (resolve_table_t) {fake_lookup, &transport_table, NULL, NULL};
    f->maps[1] = (resolve_table_t) {fake_lookup, &second_table, NULL, NULL};
    f->cfg = (resolve_config_t) {
        .myhostname = "mail.example.com",
        .mydestination = f->mydest,
        .local_addresses = local_addresses,
        .virtual_alias_domains = f->alias,
        .virtual_mailbox_domains = f->mailbox,
        .relay_domains = f->relay,
        .relayhost = "",
        .default_transport = "smtp",
        .relay_transport = "relay",
        .local_transport = "local:mail.example.com",
        .virtual_transport = "virtual",
        .transport_maps = NULL,
        .transport_maps_count = 0,
        .recipient_delimiter = "+",
        .allow_percent_hack = true,
        .swap_bangpath = true,
        .show_user_unknown_table_name = true,
    };
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    resolve_domains_free(f->mydest);
    resolve_domains_free(f->alias);
    resolve_domains_free(f->mailbox);
    resolve_domains_free(f->relay);
    xfree(f);
    return 0;
}

struct resolve_case {
    const char *addr;
    resolve_class_t klass;
    const char *transport;
    const char *nexthop;
    const char *recipient;
    int flags;
};

static const char *class_name(resolve_class_t c)
{
    static const char *const names[] = {"local", "alias", "virtual", "relay", "default"};
    return names[c];
}

static void run_cases(const resolve_config_t *cfg, const struct resolve_case *cases, size_t n)
{
    resolve_result_t r;

    resolve_result_init(&r);
    for (size_t i = 0; i < n; i++) {
        const struct resolve_case *c = &cases[i];
        resolve_address(cfg, c->addr, &r);
        if (r.klass != c->klass || strcmp(r.transport.data, c->transport) != 0
            || strcmp(r.nexthop.data, c->nexthop) != 0
            || strcmp(r.recipient.data, c->recipient) != 0 || r.flags != c->flags)
            fail_msg("%s: got %s %s:%s <%s> flags %d, want %s %s:%s <%s> flags %d",
                     c->addr, class_name(r.klass), r.transport.data, r.nexthop.data,
                     r.recipient.data, r.flags, class_name(c->klass), c->transport,
                     c->nexthop, c->recipient, c->flags);
    }
    resolve_result_dispose(&r);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define LOCAL RESOLVE_CLASS_LOCAL
#define ALIAS RESOLVE_CLASS_ALIAS
#define VIRT RESOLVE_CLASS_VIRTUAL
#define RELAY RESOLVE_CLASS_RELAY
#define DEF RESOLVE_CLASS_DEFAULT
#define ROUTED RESOLVE_FLAG_ROUTED
#define ERROR RESOLVE_FLAG_ERROR

static void test_classes_without_maps(void **state)
{
    struct fixture *f = *state;
    static const struct resolve_case cases[] = {
        {"joe@mail.example.com", LOCAL, "local", "mail.example.com", "joe@mail.example.com", 0},
        {"Joe@MAIL.Example.COM", LOCAL, "local", "mail.example.com", "Joe@mail.example.com", 0},
        {"joe@localhost.", LOCAL, "local", "mail.example.com", "joe@localhost", 0},
        {"joe", LOCAL, "local", "mail.example.com", "joe@mail.example.com", 0},
        {"", LOCAL, "local", "mail.example.com", "MAILER-DAEMON@mail.example.com", 0},
        {"joe@[192.0.2.25]", LOCAL, "local", "mail.example.com", "joe@[192.0.2.25]", 0},
        {"joe@[IPv6:2001:db8::25]", LOCAL, "local", "mail.example.com",
         "joe@[ipv6:2001:db8::25]", 0},
        {"joe@[IPv6:2001:0db8:0::25]", LOCAL, "local", "mail.example.com",
         "joe@[ipv6:2001:0db8:0::25]", 0},
        {"joe@[IPv6:192.0.2.25]", DEF, "smtp", "[ipv6:192.0.2.25]",
         "joe@[ipv6:192.0.2.25]", ERROR},
        {"joe@[192.0.2.99]", DEF, "smtp", "[192.0.2.99]", "joe@[192.0.2.99]", 0},
        {"x@alias.example", ALIAS, "error", "User unknown in virtual alias table",
         "x@alias.example", 0},
        {"x@vmail.example", VIRT, "virtual", "vmail.example", "x@vmail.example", 0},
        {"x@a.vsub.example", VIRT, "virtual", "a.vsub.example", "x@a.vsub.example", 0},
        {"x@vsub.example", DEF, "smtp", "vsub.example", "x@vsub.example", 0},
        {"x@relayed.example", RELAY, "relay", "relayed.example", "x@relayed.example", 0},
        {"x@a.relayed.example", RELAY, "relay", "a.relayed.example", "x@a.relayed.example", 0},
        {"x@bad.relayed.example", DEF, "smtp", "bad.relayed.example",
         "x@bad.relayed.example", 0},
        {"x@Gmail.COM", DEF, "smtp", "gmail.com", "x@gmail.com", 0},
        {"x@bad_domain..com", DEF, "smtp", "bad_domain..com", "x@bad_domain..com", ERROR},
        {"x@-bad.com", DEF, "smtp", "-bad.com", "x@-bad.com", ERROR},
        {"x@[999.1.1.1]", DEF, "smtp", "[999.1.1.1]", "x@[999.1.1.1]", ERROR},
    };

    run_cases(&f->cfg, cases, N(cases));
}

static void test_routing_operators(void **state)
{
    struct fixture *f = *state;
    static const struct resolve_case cases[] = {
        /* routed through our domain to somewhere else: flagged */
        {"user%gmail.com@mail.example.com", DEF, "smtp", "gmail.com", "user@gmail.com", 0},
        {"gmail.com!user@mail.example.com", DEF, "smtp", "gmail.com", "user@gmail.com", 0},
        {"user@gmail.com@mail.example.com", DEF, "smtp", "gmail.com", "user@gmail.com", 0},
        {"@hop1,@hop2:user@gmail.com", DEF, "smtp", "gmail.com", "user@gmail.com", ROUTED},
        /* routing operators that stay in a remote local part */
        {"user%host@gmail.com", DEF, "smtp", "gmail.com", "user%host@gmail.com", ROUTED},
        {"host!user@relayed.example", RELAY, "relay", "relayed.example",
         "host!user@relayed.example", ROUTED},
        /* chains that end local */
        {"a%localhost@mail.example.com", LOCAL, "local", "mail.example.com", "a@localhost", 0},
        {"mail.example.com!a", LOCAL, "local", "mail.example.com", "a@mail.example.com", 0},
        {"b!a@localhost", DEF, "smtp", "b", "a@b", 0},
    };
    static const struct resolve_case no_hacks[] = {
        {"user%gmail.com@mail.example.com", LOCAL, "local", "mail.example.com",
         "user%gmail.com@mail.example.com", ROUTED},
        {"gmail.com!user@mail.example.com", LOCAL, "local", "mail.example.com",
         "gmail.com!user@mail.example.com", ROUTED},
    };
    resolve_config_t cfg = f->cfg;

    run_cases(&f->cfg, cases, N(cases));
    cfg.allow_percent_hack = false;
    cfg.swap_bangpath = false;
    run_cases(&cfg, no_hacks, N(no_hacks));
}

static void test_relayhost_and_transport_params(void **state)
{
    struct fixture *f = *state;
    resolve_config_t cfg = f->cfg;
    static const struct resolve_case cases[] = {
        {"x@gmail.com", DEF, "smtp", "[smart.example]:587", "x@gmail.com", 0},
        {"x@relayed.example", RELAY, "relay", "[smart.example]:587", "x@relayed.example", 0},
        {"x@vmail.example", VIRT, "lmtp", "unix:private/dovecot-lmtp", "x@vmail.example", 0},
        {"x@mail.example.com", LOCAL, "local", "mail.example.com", "x@mail.example.com", 0},
    };
    static const struct resolve_case param_hops[] = {
        {"x@gmail.com", DEF, "smtp", "[out.example]", "x@gmail.com", 0},
        {"x@relayed.example", RELAY, "relay", "relayed.example", "x@relayed.example", 0},
        {"x@localhost", LOCAL, "local", "localhost", "x@localhost", 0},
    };

    cfg.relayhost = "[smart.example]:587";
    cfg.virtual_transport = "lmtp:unix:private/dovecot-lmtp";
    run_cases(&cfg, cases, N(cases));
    cfg.relayhost = NULL;
    cfg.default_transport = "smtp:[out.example]";
    cfg.local_transport = "local";
    run_cases(&cfg, param_hops, N(param_hops));
}

static void test_transport_maps(void **state)
{
    struct fixture *f = *state;
    resolve_config_t cfg = f->cfg;
    static const struct resolve_case cases[] = {
        {"vip@example.net", DEF, "smtp", "[vip-mx.example.net]:2525", "vip@example.net", 0},
        {"vip+tag@example.net", DEF, "smtp", "[vip-mx.example.net]:2525",
         "vip+tag@example.net", 0},
        {"Joe@Example.ORG", DEF, "lmtp", "unix:/run/lmtp", "Joe@example.org", 0},
        {"ann@example.org", DEF, "smtp", "[mx.example.org]", "ann@example.org", 0},
        {"ann@a.sub.example.org", DEF, "uucp", "a.sub.example.org", "ann@a.sub.example.org", 0},
        {"ann@sub.example.org", DEF, "smtp", "[fallback.example]", "ann@sub.example.org", 0},
        {"ann@nohop.example", DEF, "smtp", "nohop.example", "ann@nohop.example", 0},
        {"ann@keep.example", DEF, "smtp", "[relayhost.example]", "ann@keep.example", 0},
        {"ann@hop-only.example", DEF, "smtp", "[gw.example]", "ann@hop-only.example", 0},
        {"ann@dead.example", DEF, "error", "Address is undeliverable", "ann@dead.example", 0},
        {"ann@deadmsg.example", DEF, "error", "5.1.2 no such domain", "ann@deadmsg.example", 0},
        {"ann@second.example", DEF, "smtp", "second-hop", "ann@second.example", 0},
        {"ann@other.example", DEF, "smtp", "[fallback.example]", "ann@other.example", 0},
        {"ann@relayed.example", RELAY, "smtp", "[fallback.example]", "ann@relayed.example", 0},
        /* transport_maps apply to local domains too, not to alias domains */
        {"x@mail.example.com", LOCAL, "smtp", "[fallback.example]", "x@mail.example.com", 0},
        {"x@alias.example", ALIAS, "error", "User unknown in virtual alias table",
         "x@alias.example", 0},
    };

    cfg.relayhost = "[relayhost.example]";
    cfg.transport_maps = f->maps;
    cfg.transport_maps_count = 2;
    run_cases(&cfg, cases, N(cases));
}

static void test_transport_search_order(void **state)
{
    struct fixture *f = *state;
    resolve_config_t cfg = f->cfg;
    resolve_table_t one = {fake_lookup, &transport_table, NULL, NULL};
    resolve_result_t r;

    cfg.transport_maps = &one;
    cfg.transport_maps_count = 1;
    resolve_result_init(&r);
    transport_table.asked[0] = '\0';
    resolve_address(&cfg, "Ann+Tag@A.B.Example.COM", &r);
    assert_string_equal(transport_table.asked,
                        "ann+tag@a.b.example.com ann@a.b.example.com a.b.example.com "
                        ".b.example.com .example.com .com * ");
    {   /* extensions Postfix never splits off */
        static const char *const whole[][2] = {
            {"MAILER-DAEMON@x.org", "mailer-daemon@x.org x.org .org * "},
            {"double-bounce@x.org", "double-bounce@x.org x.org .org * "},
            {"postmaster+x@x.org", "postmaster+x@x.org postmaster@x.org x.org .org * "},
            {"owner-list@x.org", "owner-list@x.org x.org .org * "},
            {"list-request@x.org", "list-request@x.org x.org .org * "},
            {"list-x@x.org", "list-x@x.org list@x.org x.org .org * "},
            {"-x@x.org", "-x@x.org x.org .org * "},
            {"x@my-host.org", "x@my-host.org my-host.org .org * "},
        };
        cfg.recipient_delimiter = "+-";
        for (size_t i = 0; i < N(whole); i++) {
            transport_table.asked[0] = '\0';
            resolve_address(&cfg, whole[i][0], &r);
            assert_string_equal(transport_table.asked, whole[i][1]);
        }
    }
    transport_table.asked[0] = '\0';
    cfg.recipient_delimiter = "";
    resolve_address(&cfg, "ann+tag@x.org", &r);
    assert_string_equal(transport_table.asked, "ann+tag@x.org x.org .org * ");
    resolve_result_dispose(&r);
}

static void test_table_failures(void **state)
{
    struct fixture *f = *state;
    resolve_config_t cfg = f->cfg;
    resolve_table_t broken = {fake_lookup, &fail_table, NULL, NULL};
    resolve_result_t r;

    resolve_result_init(&r);
    cfg.transport_maps = &broken;
    cfg.transport_maps_count = 1;
    resolve_address(&cfg, "x@gmail.com", &r);
    assert_true(r.flags & RESOLVE_FLAG_FAIL);
    assert_string_equal(r.error, "fake table is down");
    cfg.transport_maps_count = 0;
    cfg.default_transport = ":[hop]";
    resolve_address(&cfg, "x@gmail.com", &r);
    assert_true(r.flags & RESOLVE_FLAG_FAIL);
    assert_non_null(strstr(r.error, "default_transport"));
    resolve_address(&cfg, "x@mail.example.com", &r);
    assert_int_equal(r.flags, 0);
    assert_null(r.error);
    resolve_result_dispose(&r);
}

static void test_routing_loop_is_bounded(void **state)
{
    struct fixture *f = *state;
    resolve_result_t r;
    buf_t addr = BUF_INIT;

    resolve_result_init(&r);
    resolve_address(&f->cfg, "x@@@@@@@@@@@@@@@@@@@@", &r);
    assert_true(r.flags & RESOLVE_FLAG_ERROR);
    assert_non_null(strstr(r.recipient.data, "@mail.example.com"));
    buf_set(&addr, "x");
    for (int i = 0; i < 20; i++)
        buf_puts(&addr, "@localhost");
    resolve_address(&f->cfg, addr.data, &r);
    assert_true(r.flags & RESOLVE_FLAG_ERROR);
    assert_int_equal(r.klass, RESOLVE_CLASS_DEFAULT);   /* never trusted as local */
    buf_set(&addr, "x");
    for (int i = 0; i < 5; i++)
        buf_puts(&addr, "@localhost");
    resolve_address(&f->cfg, addr.data, &r);
    assert_int_equal(r.flags, 0);
    assert_int_equal(r.klass, RESOLVE_CLASS_LOCAL);
    assert_string_equal(r.recipient.data, "x@localhost");
    buf_dispose(&addr);
    resolve_result_dispose(&r);
}

static int open_fake(void *ctx, const char *type_name, resolve_table_t *table, char **err)
{
    (void) ctx;
    if (strcmp(type_name, "hash:/etc/postern/relay") == 0) {
        *table = (resolve_table_t) {fake_lookup, &transport_table, NULL, NULL};
        return 0;
    }
    if (strcmp(type_name, "hash:/broken") == 0) {
        *table = (resolve_table_t) {fake_lookup, &fail_table, NULL, NULL};
        return 0;
    }
    *err = xstrdup("no such table");
    return -1;
}

static void test_domain_lists(void **state)
{
    char path[] = "/tmp/test_resolve.XXXXXX", *err = NULL;
    resolve_domains_t *d;
    FILE *fp;
    int fd;

    (void) state;
    d = resolve_domains_new("Example.COM", true, NULL, NULL, &err);
    assert_int_equal(resolve_domains_match(d, "example.com", &err), 1);
    assert_int_equal(resolve_domains_match(d, "a.b.EXAMPLE.com", &err), 1);
    assert_int_equal(resolve_domains_match(d, "badexample.com", &err), 0);
    assert_int_equal(resolve_domains_match(d, "com", &err), 0);
    resolve_domains_free(d);
    d = resolve_domains_new("example.com", false, NULL, NULL, &err);
    assert_int_equal(resolve_domains_match(d, "a.example.com", &err), 0);
    resolve_domains_free(d);
    assert_int_equal(resolve_domains_match(NULL, "x", &err), 0);

    fd = mkstemp(path);
    assert_true(fd >= 0);
    fp = fdopen(fd, "w");
    fprintf(fp, "# relay domains\none.example two.example # trailing\n\n.three.example\n");
    fclose(fp);
    d = resolve_domains_new(path, false, NULL, NULL, &err);
    assert_non_null(d);
    assert_int_equal(resolve_domains_match(d, "two.example", &err), 1);
    assert_int_equal(resolve_domains_match(d, "x.three.example", &err), 1);
    assert_int_equal(resolve_domains_match(d, "trailing", &err), 0);
    resolve_domains_free(d);
    unlink(path);
    assert_null(resolve_domains_new(path, false, NULL, NULL, &err));
    xfree(err);

    /* tables: the domain, then .parent forms */
    d = resolve_domains_new("hash:/etc/postern/relay", false, open_fake, NULL, &err);
    assert_non_null(d);
    assert_int_equal(resolve_domains_match(d, "example.org", &err), 1);
    assert_int_equal(resolve_domains_match(d, "x.sub.example.org", &err), 1);
    assert_int_equal(resolve_domains_match(d, "nothing.example", &err), 0);
    resolve_domains_free(d);
    d = resolve_domains_new("!hash:/etc/postern/relay, .org", false, open_fake, NULL, &err);
    assert_int_equal(resolve_domains_match(d, "example.org", &err), 0);
    assert_int_equal(resolve_domains_match(d, "other.org", &err), 1);
    resolve_domains_free(d);
    d = resolve_domains_new("hash:/broken", false, open_fake, NULL, &err);
    assert_int_equal(resolve_domains_match(d, "example.org", &err), -1);
    assert_string_equal(err, "fake table is down");
    xfree(err);
    resolve_domains_free(d);
    assert_null(resolve_domains_new("hash:/nope", false, open_fake, NULL, &err));
    xfree(err);
    assert_null(resolve_domains_new("hash:/etc/x", false, NULL, NULL, &err));
    xfree(err);
}

static void test_address_helpers(void **state)
{
    static const struct {
        const char *addr;
        int forms;
    } forms[] = {
        {"user@example.com", 0},
        {"user%host@example.com", RESOLVE_ROUTE_PERCENT},
        {"host!user@example.com", RESOLVE_ROUTE_BANG},
        {"user@host@example.com", RESOLVE_ROUTE_AT},
        {"@a,@b:user@example.com", RESOLVE_ROUTE_SOURCE},
        {"@a:u%h!x@example.com", RESOLVE_ROUTE_SOURCE | RESOLVE_ROUTE_PERCENT | RESOLVE_ROUTE_BANG},
        {"user@ex%ample.com", 0},
        {"plain", 0},
    };
    buf_t local = BUF_INIT, domain = BUF_INIT, a = BUF_INIT;
    char mixed[] = "John.Doe@Example.COM";

    (void) state;
    for (size_t i = 0; i < N(forms); i++)
        if (resolve_routing_forms(forms[i].addr) != forms[i].forms)
            fail_msg("%s: got forms %d, want %d", forms[i].addr,
                     resolve_routing_forms(forms[i].addr), forms[i].forms);
    assert_true(resolve_split_addr("a@b@c.example", &local, &domain));
    assert_string_equal(local.data, "a@b");
    assert_string_equal(domain.data, "c.example");
    assert_false(resolve_split_addr("nobody", &local, &domain));
    assert_string_equal(local.data, "nobody");
    assert_int_equal(domain.len, 0);
    resolve_lower_domain(mixed);
    assert_string_equal(mixed, "John.Doe@example.com");
    buf_set(&a, "@a,@b:u@c");
    assert_true(resolve_strip_source_route(&a));
    assert_string_equal(a.data, "u@c");
    assert_false(resolve_strip_source_route(&a));
    buf_dispose(&local);
    buf_dispose(&domain);
    buf_dispose(&a);
}

static void test_transport_and_nexthop_parsing(void **state)
{
    static const struct {
        const char *value, *transport, *nexthop;
    } splits[] = {
        {"smtp:[mx.example]:25", "smtp", "[mx.example]:25"},
        {"smtp", "smtp", ""},
        {"smtp:", "smtp", ""},
        {":[gw]", "", "[gw]"},
        {"lmtp:unix:/run/x", "lmtp", "unix:/run/x"},
        {"error:5.1.1 gone: really", "error", "5.1.1 gone: really"},
        {"", "", ""},
    };
    static const struct {
        const char *nexthop;
        int rc;
        const char *host, *port;
        bool no_mx;
    } hops[] = {
        {"example.com", 0, "example.com", "", false},
        {"example.com:2525", 0, "example.com", "2525", false},
        {"[mx.example.com]", 0, "mx.example.com", "", true},
        {"[mx.example.com]:submission", 0, "mx.example.com", "submission", true},
        {"[192.0.2.1]:25", 0, "192.0.2.1", "25", true},
        {"[IPv6:2001:db8::1]:25", 0, "2001:db8::1", "25", true},
        {"[]", -1, NULL, NULL, false},
        {"[mx", -1, NULL, NULL, false},
        {"[mx]x", -1, NULL, NULL, false},
        {"[mx]:", -1, NULL, NULL, false},
        {"mx:", -1, NULL, NULL, false},
        {":25", -1, NULL, NULL, false},
        {"2001:db8::1", -1, NULL, NULL, false},
        {"mx:2 5", -1, NULL, NULL, false},
    };
    buf_t t = BUF_INIT, n = BUF_INIT;
    bool no_mx;
    char *err = NULL;

    (void) state;
    for (size_t i = 0; i < N(splits); i++) {
        resolve_split_transport(splits[i].value, &t, &n);
        assert_string_equal(t.data, splits[i].transport);
        assert_string_equal(n.data, splits[i].nexthop);
    }
    for (size_t i = 0; i < N(hops); i++) {
        int rc = resolve_parse_nexthop(hops[i].nexthop, &t, &n, &no_mx, &err);
        if (rc != hops[i].rc)
            fail_msg("%s: got %d, want %d", hops[i].nexthop, rc, hops[i].rc);
        if (rc < 0) {
            xfree(err);
            continue;
        }
        assert_string_equal(t.data, hops[i].host);
        assert_string_equal(n.data, hops[i].port);
        assert_int_equal(no_mx, hops[i].no_mx);
    }
    buf_dispose(&t);
    buf_dispose(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_classes_without_maps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routing_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relayhost_and_transport_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transport_maps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transport_search_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routing_loop_is_bounded, setup, teardown),
        cmocka_unit_test(test_domain_lists),
        cmocka_unit_test(test_address_helpers),
        cmocka_unit_test(test_transport_and_nexthop_parsing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
